/* collect_gate.c - barebench-collect's front door (see collect_gate.h): an epoll loop over the
 * listening socket and the connections whose head is not in yet.  A pending connection is only
 * peeked at (MSG_PEEK, edge-triggered), never read: libmicrohttpd gets every byte. */
#include "tools/collect/collect_gate.h"
#include "tools/collect/collect_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define EV_LISTEN UINT64_MAX
#define EV_WAKE (UINT64_MAX - 1)
#define REPORT_MS 5000 /* refused connections are summed up in one line at most this often */

enum pstate { P_FREE, P_HEAD, P_READY, P_LINGER };

struct pend {
    enum pstate state;
    int fd;
    struct sockaddr_storage sa;
    socklen_t salen;
    struct collect_ip ip;
    int exempt;                   /* a trusted proxy: not counted per address */
    long long accepted_ms, active_ms, linger_until_ms;
    size_t seen;                  /* bytes of the head peeked so far */
    size_t drained;               /* bytes dropped while lingering */
    struct pend *next;            /* free list or ready FIFO */
};

struct collect_gate {
    struct collect_gate_cfg cfg;
    pthread_t thread;
    int started;
    int ep, wake;
    struct pend *p;
    struct pend *free, *ready_head, *ready_tail;
    int pending;                  /* slots in use */
    int listening;
    long long paused_until_ms;    /* out of file descriptors: accept again after this */
    long long next_due_ms;        /* no deadline passes before this: no need to look */
    atomic_int busy;              /* handed over, not yet closed */
    atomic_int stop;
    long long refused, report_ms, sweep_ms;
    char refused_from[COLLECT_IP_TEXT];
    char buf[COLLECT_HEAD_MAX];
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t collect_head_end(const char *b, size_t n)
{
    size_t i = 0;
    while (i < n && (b[i] == '\r' || b[i] == '\n'))
        i++;
    for (; i < n; i++) {
        if (b[i] != '\n')
            continue;
        size_t j = i + 1;
        if (j < n && b[j] == '\r')
            j++;
        if (j < n && b[j] == '\n')
            return j + 1;
    }
    return 0;
}

int collect_head_lengths(const char *b, size_t end, char *msg, size_t msglen)
{
    static const char name[] = "Content-Length";
    const size_t nl = sizeof name - 1;
    unsigned long long first = 0;
    int have = 0, after_cl = 0;
    size_t i = 0;
    while (i < end && (b[i] == '\r' || b[i] == '\n'))
        i++;
    const char *nlp = memchr(b + i, '\n', end - i); /* the request line */
    i = nlp ? (size_t)(nlp - b) + 1 : end;
    while (i < end) {
        const char *ls = b + i, *le = memchr(ls, '\n', end - i);
        if (!le)
            break;
        i = (size_t)(le - b) + 1;
        if (le > ls && le[-1] == '\r')
            le--;
        if (le == ls)
            break; /* the empty line: end of the head */
        if (*ls == ' ' || *ls == '\t') { /* obs-fold: continues the previous header */
            if (after_cl) {
                snprintf(msg, msglen, "bad Content-Length: continued on a folded line");
                return 400;
            }
            continue;
        }
        const char *colon = memchr(ls, ':', (size_t)(le - ls));
        after_cl = colon && (size_t)(colon - ls) == nl && !strncasecmp(ls, name, nl);
        if (!after_cl)
            continue;
        const char *v = colon + 1;
        while (v < le && (*v == ' ' || *v == '\t'))
            v++;
        unsigned long long x = 0;
        const char *d = v;
        for (; d < le && *d >= '0' && *d <= '9'; d++) {
            if (x > (~0ull - 9) / 10) {
                snprintf(msg, msglen, "Content-Length too large: %.*s",
                         (int)(le - v > 40 ? 40 : le - v), v);
                return 413;
            }
            x = x * 10 + (unsigned)(*d - '0');
        }
        if (d == v || d != le) {
            snprintf(msg, msglen, "bad Content-Length: \"%.*s\" is not a number of bytes",
                     (int)(le - v > 40 ? 40 : le - v), v);
            return 400;
        }
        if (have && x != first) {
            snprintf(msg, msglen, "two different Content-Length headers (%llu and %llu)", first, x);
            return 400;
        }
        first = x, have = 1;
    }
    return 0;
}

static void who(const struct pend *p, char *buf, size_t n)
{
    collect_ip_text(&p->ip, buf, n);
}

static void listen_on(struct collect_gate *g, int on)
{
    if (on == g->listening)
        return;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = EV_LISTEN};
    if (!epoll_ctl(g->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, g->cfg.lfd, &ev))
        g->listening = on;
}

/* Give a slot back; its connection (if any) is no longer ours. */
static void release(struct collect_gate *g, struct pend *p, int close_fd)
{
    if (close_fd && p->fd >= 0)
        close(p->fd); /* also leaves the epoll set */
    if (!p->exempt)
        collect_limits_conn_close(g->cfg.limits, &p->ip);
    p->state = P_FREE;
    p->fd = -1;
    p->next = g->free;
    g->free = p;
    g->pending--;
}

static void drop(struct collect_gate *g, struct pend *p, const char *why)
{
    char w[COLLECT_IP_TEXT];
    who(p, w, sizeof w);
    collect_log(w, 0, why);
    release(g, p, 1);
}

/* Read and drop what a client answered by the gate still sends; close at its end. */
static void drain(struct collect_gate *g, struct pend *p)
{
    for (;;) {
        ssize_t r = recv(p->fd, g->buf, sizeof g->buf, MSG_DONTWAIT);
        if (r > 0) {
            p->drained += (size_t)r;
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (r < 0 && errno == EINTR)
            continue;
        release(g, p, 1); /* the client closed (or failed): done */
        return;
    }
}

/* Answer the request ourselves (status, one text line), then read and drop until the client
 * closes or COLLECT_LINGER_MS pass, so the answer is not lost to a reset. */
static void refuse(struct collect_gate *g, struct pend *p, int status, const char *msg)
{
    char w[COLLECT_IP_TEXT], text[600];
    const char *reason = status == 413 ? "Content Too Large"
                       : status == 431 ? "Request Header Fields Too Large" : "Bad Request";
    size_t body = strlen(msg) + 1;
    int n = snprintf(text, sizeof text, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n", status, reason, body, msg);
    ssize_t s = send(p->fd, text, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)s; /* a few hundred bytes into an empty socket buffer: sent, or the client is gone */
    who(p, w, sizeof w);
    collect_log(w, status, msg);
    shutdown(p->fd, SHUT_WR);
    p->state = P_LINGER;
    p->linger_until_ms = now_ms() + COLLECT_LINGER_MS;
    if (p->linger_until_ms < g->next_due_ms)
        g->next_due_ms = p->linger_until_ms;
    drain(g, p);
}

long collect_tls_hello_end(const unsigned char *b, size_t n)
{
    if (n >= 1 && b[0] != 0x16) /* a record of type handshake */
        return -1;
    if (n >= 2 && b[1] != 0x03) /* SSL 3.0 / TLS 1.x record versions */
        return -1;
    if (n < 5)
        return 0;
    size_t len = (size_t)b[3] << 8 | b[4];
    if (len == 0 || len > 16384 + 2048)
        return -1;
    return n >= 5 + len ? (long)(5 + len) : 0;
}

/* New bytes (or a hang-up) on a connection whose head is not complete yet. */
static void on_head(struct collect_gate *g, struct pend *p, uint32_t events, long long now)
{
    ssize_t n = recv(p->fd, g->buf, sizeof g->buf, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        drop(g, p, "closed before a complete request head");
        return;
    }
    if ((size_t)n > p->seen)
        p->seen = (size_t)n, p->active_ms = now;
    if (g->cfg.tls) { /* the head is encrypted: the ClientHello must be in within the deadlines */
        long hello = collect_tls_hello_end((const unsigned char *)g->buf, (size_t)n);
        if (hello < 0) {
            drop(g, p, "not a TLS handshake on the HTTPS port");
            return;
        }
        if (!hello && (size_t)n < sizeof g->buf) {
            if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                drop(g, p, "closed before a complete TLS ClientHello");
            return;
        }
        goto ready;
    }
    size_t end = collect_head_end(g->buf, (size_t)n);
    if (!end) {
        if ((size_t)n == sizeof g->buf) {
            char m[80];
            snprintf(m, sizeof m, "request head over %d bytes", COLLECT_HEAD_MAX);
            refuse(g, p, 431, m);
        } else if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            drop(g, p, "closed before a complete request head");
        }
        return;
    }
    char m[200];
    int st = collect_head_lengths(g->buf, end, m, sizeof m);
    if (st) {
        refuse(g, p, st, m);
        return;
    }
ready:
    epoll_ctl(g->ep, EPOLL_CTL_DEL, p->fd, NULL);
    p->state = P_READY;
    p->next = NULL;
    if (g->ready_tail)
        g->ready_tail->next = p;
    else
        g->ready_head = p;
    g->ready_tail = p;
}

/* Hand complete heads over, oldest first, while the server has room. */
static void hand_ready(struct collect_gate *g)
{
    while (g->ready_head && atomic_load(&g->busy) < g->cfg.max_busy) {
        struct pend *p = g->ready_head;
        g->ready_head = p->next;
        if (!g->ready_head)
            g->ready_tail = NULL;
        atomic_fetch_add(&g->busy, 1);
        int fd = p->fd;
        p->exempt = 1; /* from now on the server's close releases the address (collect_gate_done) */
        release(g, p, 0);
        if (g->cfg.hand(g->cfg.cls, fd, (struct sockaddr *)&p->sa, p->salen)) {
            atomic_fetch_sub(&g->busy, 1);
            struct collect_ip ip = p->ip;
            if (!collect_ip_in(&ip, g->cfg.trusted, g->cfg.ntrusted))
                collect_limits_conn_close(g->cfg.limits, &ip);
            char w[COLLECT_IP_TEXT];
            collect_ip_text(&ip, w, sizeof w);
            collect_log(w, 0, "dropped: the HTTP server could not take the connection");
        }
    }
}

static void accept_some(struct collect_gate *g, long long now)
{
    for (int k = 0; k < 64 && g->free; k++) {
        struct pend *p = g->free;
        p->salen = sizeof p->sa;
        int fd = accept4(g->cfg.lfd, (struct sockaddr *)&p->sa, &p->salen,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                g->paused_until_ms = now + 100; /* the backlog holds them meanwhile */
                listen_on(g, 0);
            }
            return;
        }
        collect_ip_from_sockaddr((struct sockaddr *)&p->sa, &p->ip);
        p->exempt = collect_ip_in(&p->ip, g->cfg.trusted, g->cfg.ntrusted);
        if (!p->exempt && collect_limits_conn_open(g->cfg.limits, &p->ip)) {
            close(fd);
            g->refused++;
            collect_ip_text(&p->ip, g->refused_from, sizeof g->refused_from);
            continue;
        }
        g->free = p->next;
        g->pending++;
        p->fd = fd;
        p->state = P_HEAD;
        p->accepted_ms = p->active_ms = now;
        p->seen = p->drained = 0;
        long long due = now + 1000LL * (g->cfg.head_timeout_s < g->cfg.idle_timeout_s
                                        ? g->cfg.head_timeout_s : g->cfg.idle_timeout_s);
        if (due < g->next_due_ms)
            g->next_due_ms = due;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET,
                                 .data.u64 = (uint64_t)(p - g->p)};
        if (epoll_ctl(g->ep, EPOLL_CTL_ADD, fd, &ev))
            drop(g, p, "dropped: cannot watch the connection");
    }
}

/* Cut what has waited too long; the time until the next deadline (ms, at most 1000).  Looks
 * at every slot only when a deadline may have passed (deadlines only move later, and a new one
 * lowers next_due_ms). */
static int expire(struct collect_gate *g, long long now)
{
    if (now < g->next_due_ms)
        return (int)(g->next_due_ms - now < 1000 ? g->next_due_ms - now : 1000);
    long long next = now + 3600 * 1000LL;
    long long head_ms = (long long)g->cfg.head_timeout_s * 1000;
    long long idle_ms = (long long)g->cfg.idle_timeout_s * 1000;
    for (int i = 0; i < g->cfg.max_pending; i++) {
        struct pend *p = &g->p[i];
        if (p->state == P_HEAD) {
            long long head_end = p->accepted_ms + head_ms, idle_end = p->active_ms + idle_ms;
            char m[120];
            if (now >= head_end || now >= idle_end) {
                if (head_end <= idle_end)
                    snprintf(m, sizeof m, "cut off: no complete request head within %d s "
                             "(--head-timeout)", g->cfg.head_timeout_s);
                else
                    snprintf(m, sizeof m, "cut off: silent for %d s before a complete request "
                             "head", g->cfg.idle_timeout_s);
                drop(g, p, m);
                continue;
            }
            next = head_end < next ? head_end : next;
            next = idle_end < next ? idle_end : next;
        } else if (p->state == P_LINGER) {
            if (now >= p->linger_until_ms)
                release(g, p, 1);
            else if (p->linger_until_ms < next)
                next = p->linger_until_ms;
        }
    }
    g->next_due_ms = next;
    return (int)(next - now < 1000 ? next - now : 1000);
}

static void report(struct collect_gate *g, long long now)
{
    if (now - g->sweep_ms >= 1000) {
        collect_limits_sweep(g->cfg.limits, now);
        g->sweep_ms = now;
    }
    if (g->refused && now - g->report_ms >= REPORT_MS) {
        char m[200];
        snprintf(m, sizeof m, "refused %lld connection%s at accept: over the per-address "
                 "connection limit (the last from %s)", g->refused, g->refused == 1 ? "" : "s",
                 g->refused_from);
        collect_log("-", 0, m);
        g->refused = 0;
        g->report_ms = now;
    }
}

static void *gate_thread(void *arg)
{
    struct collect_gate *g = arg;
    struct epoll_event evs[64];
    int wait_ms = 0;
    while (!atomic_load(&g->stop)) {
        int n = epoll_wait(g->ep, evs, 64, wait_ms);
        long long now = now_ms();
        for (int i = 0; i < n; i++) {
            uint64_t d = evs[i].data.u64;
            if (d == EV_LISTEN) {
                accept_some(g, now);
            } else if (d == EV_WAKE) {
                uint64_t v;
                ssize_t r = read(g->wake, &v, sizeof v);
                (void)r;
            } else if (d < (uint64_t)g->cfg.max_pending) {
                struct pend *p = &g->p[d];
                if (p->state == P_HEAD)
                    on_head(g, p, evs[i].events, now);
                else if (p->state == P_LINGER)
                    drain(g, p);
            }
        }
        wait_ms = expire(g, now);
        hand_ready(g);
        if (g->paused_until_ms && now >= g->paused_until_ms)
            g->paused_until_ms = 0;
        listen_on(g, g->free != NULL && !g->paused_until_ms);
        if (g->paused_until_ms && g->paused_until_ms - now < wait_ms)
            wait_ms = (int)(g->paused_until_ms - now);
        report(g, now);
        if (wait_ms < 0)
            wait_ms = 0;
    }
    return NULL;
}

struct collect_gate *collect_gate_start(const struct collect_gate_cfg *cfg, char *err, size_t errlen)
{
    struct collect_gate *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->cfg = *cfg;
    g->ep = epoll_create1(EPOLL_CLOEXEC);
    g->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    g->p = calloc((size_t)cfg->max_pending, sizeof *g->p);
    if (g->ep < 0 || g->wake < 0 || !g->p) {
        snprintf(err, errlen, "cannot set up the accept loop: %s", strerror(errno));
        collect_gate_free(g);
        return NULL;
    }
    for (int i = cfg->max_pending - 1; i >= 0; i--) {
        g->p[i].fd = -1;
        g->p[i].next = g->free;
        g->free = &g->p[i];
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = EV_WAKE};
    epoll_ctl(g->ep, EPOLL_CTL_ADD, g->wake, &ev);
    listen_on(g, 1);
    if (!g->listening || pthread_create(&g->thread, NULL, gate_thread, g)) {
        snprintf(err, errlen, "cannot start the accept loop: %s", strerror(errno));
        collect_gate_free(g);
        return NULL;
    }
    g->started = 1;
    return g;
}

void collect_gate_done(struct collect_gate *g, const struct sockaddr *sa)
{
    struct collect_ip ip;
    collect_ip_from_sockaddr(sa, &ip);
    if (!collect_ip_in(&ip, g->cfg.trusted, g->cfg.ntrusted))
        collect_limits_conn_close(g->cfg.limits, &ip);
    atomic_fetch_sub(&g->busy, 1);
    uint64_t one = 1;
    ssize_t w = write(g->wake, &one, sizeof one);
    (void)w;
}

void collect_gate_stop(struct collect_gate *g)
{
    if (!g->started)
        return;
    atomic_store(&g->stop, 1);
    uint64_t one = 1;
    ssize_t w = write(g->wake, &one, sizeof one);
    (void)w;
    pthread_join(g->thread, NULL);
    g->started = 0;
    for (int i = 0; i < g->cfg.max_pending; i++)
        if (g->p[i].state != P_FREE)
            release(g, &g->p[i], 1);
    listen_on(g, 0);
}

void collect_gate_free(struct collect_gate *g)
{
    if (!g)
        return;
    collect_gate_stop(g);
    if (g->ep >= 0)
        close(g->ep);
    if (g->wake >= 0)
        close(g->wake);
    free(g->p);
    free(g);
}
