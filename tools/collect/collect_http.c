/* collect_http.c - barebench-collect's HTTP side on libmicrohttpd: epoll threads serve the
 * connections the gate hands over (their head is in); who may store is collect_auth.c's call
 * (at head time, and on the whole body); per-address request rate, a memory budget for bodies,
 * bodies bounded by --max-bytes; complete bodies go to the parse queue while their connection
 * is suspended, and the answer goes out when it is resumed. */
#include "tools/collect/collect.h"
#include "tools/collect/collect_cost.h"
#include "tools/collect/collect_db.h"
#include "tools/collect/collect_gate.h"
#include "tools/collect/collect_limits.h"
#include "tools/collect/collect_log.h"
#include "tools/collect/collect_queue.h"
#include "tools/collect/collect_watch.h"

#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct collect_server {
    struct collect_cfg cfg;
    struct MHD_Daemon *d;
    int wake[2];                 /* a byte here ends collect_wait */
    struct collect_limits *limits;
    struct collect_gate *gate;
    struct collect_queue *queue;
    struct collect_watch *watch; /* HTTPS: the head deadline after the ClientHello (else NULL) */
};

/* One request in flight; freed when the connection's request ends (however it ends). */
struct req {
    long long start_ms;
    char *body;
    size_t len, cap, expect;     /* expect: Content-Length */
    int status;                  /* answer queued (0: none yet) */
    int refuse;                  /* answer this once the body is read and dropped (0: none) */
    char msg[600];
    char who[120];               /* the client for the log: "ADDR" or "ADDR (via PROXY)" */
    struct collect_ip client;    /* the client for the per-address limits */
    size_t reserved;             /* bytes of the memory budget held for the body */
    int retry_after;             /* seconds, for a 429 or 503 */
    struct MHD_Connection *conn; /* suspended while the parse queue has the body */
    struct collect_server *s;
    int parsed;                  /* the parse queue's answer is in result and msg */
    int result;
    struct collect_auth auth;    /* what the head said about the sender (collect_auth.c) */
};

static int g_signal_fd = -1;     /* the server's wake pipe, for the signal handler */

/* Write one byte to a wake pipe (async-signal-safe); a full pipe already wakes. */
static void wake(int fd)
{
    ssize_t w = write(fd, "x", 1);
    (void)w;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_line(const char *who, int status, const char *msg)
{
    collect_log(who, status, msg);
}

static const struct sockaddr *peer_addr(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci ? ci->client_addr : NULL;
}

static enum MHD_Result last_forwarded(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    if (key && value && !strcasecmp(key, "X-Forwarded-For"))
        *(const char **)cls = value;
    return MHD_YES;
}

/* Who sent the request: the peer, or behind a --trust-proxy peer the address its
 * X-Forwarded-For ends with (the one the proxy appended); the header is ignored otherwise. */
static void client_of(struct collect_server *s, struct MHD_Connection *c, struct req *r)
{
    char peer[COLLECT_IP_TEXT], fwd[COLLECT_IP_TEXT];
    collect_ip_from_sockaddr(peer_addr(c), &r->client);
    collect_ip_text(&r->client, peer, sizeof peer);
    snprintf(r->who, sizeof r->who, "%s", peer);
    if (!collect_ip_in(&r->client, s->cfg.trusted, s->cfg.ntrusted))
        return;
    const char *xff = NULL;
    struct collect_ip ip;
    MHD_get_connection_values(c, MHD_HEADER_KIND, last_forwarded, &xff);
    if (xff && !collect_ip_forwarded(xff, &ip)) {
        r->client = ip;
        collect_ip_text(&ip, fwd, sizeof fwd);
        snprintf(r->who, sizeof r->who, "%s (via %s)", fwd, peer);
    } else {
        snprintf(r->who, sizeof r->who, "%s (proxy, no usable X-Forwarded-For)", peer);
    }
}

/* Queue a text/plain answer "msg\n" with `status`; remembered for the log line. */
static enum MHD_Result answer(struct MHD_Connection *c, struct req *r, int status, const char *msg)
{
    r->status = status;
    snprintf(r->msg, sizeof r->msg, "%s", msg);
    char text[sizeof r->msg + 2];
    int n = snprintf(text, sizeof text, "%s\n", r->msg);
    struct MHD_Response *resp = MHD_create_response_from_buffer((size_t)n, text, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
    if (status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"barebench\"");
    if (r->retry_after) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    /* one request per connection: the next request's head would not pass the gate's deadline
     * (and a refused body is not read) */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* A request header by name, for collect_auth.c. */
static const char *header_of(void *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

#define DRAIN_MAX (64ull << 20) /* the largest refused body read to its end before answering */

/* The checks made once the head is in: method, token, framing, size.  0, or the status of the
 * refusal: answered at once when there is no body to wait for (or it is too large to read),
 * otherwise after the body is read and dropped, so that a client still sending sees the answer
 * rather than a reset. */
static int check_head(struct collect_server *s, struct MHD_Connection *c, struct req *r,
                      const char *method, enum MHD_Result *ret)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long cl = 0;
    int bad_cl = 0;
    if (v) {
        char *end;
        errno = 0;
        cl = strtoull(v, &end, 10);
        bad_cl = !v[0] || *end || errno || v[0] == '-' || v[0] == '+';
    }
    int st = 0;
    char m[160];
    if (strcmp(method, "POST") && strcmp(method, "PUT"))
        st = 405, snprintf(m, sizeof m, "only POST or PUT of a results document");
    else if ((st = collect_auth_head(&s->cfg, header_of, c, &r->auth, m, sizeof m)))
        ; /* no or a malformed signature, a wrong token */
    else if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
        st = 501, snprintf(m, sizeof m, "chunked bodies are not supported: send Content-Length");
    else if (!v)
        st = 411, snprintf(m, sizeof m, "Content-Length required");
    else if (bad_cl)
        st = 400, snprintf(m, sizeof m, "bad Content-Length");
    else if (cl > s->cfg.max_bytes)
        st = 413, snprintf(m, sizeof m, "document too large: %llu bytes (the limit is %zu)", cl,
                           s->cfg.max_bytes);
    /* a body over the limit is still read and dropped before the 413 (up to DRAIN_MAX, within
     * --body-timeout): answered while the client still sends, the close would reset the
     * connection and the client could lose the answer */
    int drain = st == 413 && cl <= DRAIN_MAX;
    r->expect = v && !bad_cl && (cl <= s->cfg.max_bytes || drain) ? (size_t)cl : 0;
    if (st && !r->expect) {
        *ret = answer(c, r, st, m);
    } else if (st) {
        r->refuse = st;
        snprintf(r->msg, sizeof r->msg, "%s", m);
    }
    return st;
}

/* Before the head's checks: the client's request rate (429 with Retry-After when over it). */
static int check_rate(struct collect_server *s, struct MHD_Connection *c, struct req *r,
                      enum MHD_Result *ret)
{
    int wait = collect_limits_request(s->limits, &r->client, now_ms());
    if (!wait)
        return 0;
    char m[160];
    snprintf(m, sizeof m, "too many requests from this address (over %d per second, %d at once): "
             "retry in %d s", s->cfg.rate_per_addr, s->cfg.burst_per_addr, wait);
    r->retry_after = wait;
    *ret = answer(c, r, 429, m);
    return 429;
}

/* After the head's checks: hold the body's bytes of the memory budget before any is buffered;
 * 503 with Retry-After while the budget (or this client's half of it) is taken. */
static int reserve_body(struct collect_server *s, struct MHD_Connection *c, struct req *r,
                        enum MHD_Result *ret)
{
    /* nothing is held for what a head only declares: the budget is taken as the body's bytes
     * arrive (append), so a client that promises big bodies and sends a byte holds nothing */
    if (r->expect <= s->cfg.mem_budget / 2)
        return 0;
    char m[200]; /* only with a --mem-budget below 2 x --max-bytes */
    snprintf(m, sizeof m, "document too large for --mem-budget: %zu bytes (one client may hold "
             "%zu)", r->expect, s->cfg.mem_budget / 2);
    *ret = answer(c, r, 413, m);
    return 413;
}

/* A parser thread: count the body's values, refuse a document with more than a results
 * document has, hold the parse's memory of the budget, then check and store it; the answer
 * goes out when the connection is resumed. */
static void run_job(void *job, void *cls)
{
    struct req *r = job;
    struct collect_server *s = cls;
    struct collect_cost cost;
    collect_cost_scan(r->body ? r->body : "", r->len, &cost);
    size_t values = collect_cost_values(&cost), need = collect_cost_parse_bytes(&cost);
    char stored[512];
    if (values > s->cfg.max_values) {
        r->result = 413;
        snprintf(r->msg, sizeof r->msg, "%zu JSON values: more than a results document has "
                 "(--max-values %zu)", values, s->cfg.max_values);
    } else {
        enum collect_reserve got = collect_limits_reserve(s->limits, &r->client, need);
        if (got == COLLECT_RESERVED) {
            r->result = collect_auth_body(&s->cfg, &r->auth, r->body ? r->body : "", r->len,
                                          r->msg, sizeof r->msg);
            if (!r->result)
                r->result = collect_store(r->body ? r->body : "", r->len, &s->cfg, r->msg,
                                          sizeof r->msg, stored, sizeof stored);
            if (s->cfg.db && (r->result == 201 || r->result == 200))
                collect_db_stored(s->cfg.db, stored); /* the file is the truth; then the database */
            collect_limits_release(s->limits, &r->client, need);
        } else if (got == COLLECT_TOO_BIG) {
            r->result = 413;
            snprintf(r->msg, sizeof r->msg, "parsing it would take up to %zu MiB (%zu JSON "
                     "values), more than one client may hold (half of --mem-budget)",
                     (need + (1u << 20) - 1) >> 20, values);
        } else {
            r->result = 503;
            r->retry_after = COLLECT_RETRY_AFTER_S;
            snprintf(r->msg, sizeof r->msg, "busy: no room in --mem-budget to parse it, retry");
        }
    }
    free(r->body);
    r->body = NULL;
    /* hand a big parse's memory back to the system before its budget is given back: glibc
     * keeps freed memory in each thread's arena, and the budget would not bound the RSS */
    if (need + r->len >= COLLECT_TRIM_BYTES)
        malloc_trim(0);
    collect_limits_release(s->limits, &r->client, r->reserved);
    r->reserved = 0;
    r->parsed = 1;
    if (r->result == 201 && s->cfg.once)
        wake(s->wake[1]);
    MHD_resume_connection(r->conn);
}

/* Append a piece of the body, growing the buffer with what has arrived (never beyond the
 * declared length, itself at most --max-bytes): a client that only promises a big body costs
 * nothing. */
static int append(struct collect_server *s, struct req *r, const char *data, size_t n)
{
    if (n > r->expect - r->len)
        return -1; /* libmicrohttpd enforces Content-Length; be safe anyway */
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 65536;
        while (cap < r->len + n)
            cap *= 2;
        if (cap > r->expect)
            cap = r->expect;
        /* the memory budget, taken as the buffer grows with bytes that really arrived */
        enum collect_reserve got = collect_limits_reserve(s->limits, &r->client, cap - r->reserved);
        if (got != COLLECT_RESERVED)
            return got == COLLECT_ADDR_FULL ? -3 : -2;
        r->reserved = cap;
        char *b = realloc(r->body, cap);
        if (!b)
            return -1;
        r->body = b, r->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    struct collect_server *s = cls;
    struct req *r = *con_cls;
    (void)url, (void)version;
    if (!r) { /* the head is in */
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->start_ms = now_ms();
        r->s = s;
        r->conn = c;
        client_of(s, c, r);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        if (ci && ci->socket_context)
            *(int *)ci->socket_context = 1;
        *con_cls = r;
        enum MHD_Result ret = MHD_YES;
        if (!check_rate(s, c, r, &ret) && !check_head(s, c, r, method, &ret))
            reserve_body(s, c, r, &ret);
        return ret;
    }
    if (r->status) { /* answered early: drop whatever still comes */
        *data_size = 0;
        return MHD_YES;
    }
    if (*data_size) {
        if (now_ms() - r->start_ms > (long long)s->cfg.body_timeout_s * 1000) {
            r->refuse = 0;
            snprintf(r->msg, sizeof r->msg, "cut off: the body took longer than %d s", s->cfg.body_timeout_s);
            return MHD_NO; /* closes the connection */
        }
        if (r->refuse) { /* refused: read and drop */
            *data_size = 0;
            return MHD_YES;
        }
        int a = append(s, r, data, *data_size);
        if (a == -2 || a == -3) { /* no room in the budget now: drop the rest, answer 503 */
            free(r->body);
            r->body = NULL, r->len = r->cap = 0;
            collect_limits_release(s->limits, &r->client, r->reserved);
            r->reserved = 0;
            r->refuse = 503;
            r->retry_after = COLLECT_RETRY_AFTER_S;
            snprintf(r->msg, sizeof r->msg, "busy: %s the memory for bodies in flight "
                     "(--mem-budget), retry", a == -3 ? "this address holds its half of"
                                                      : "no room left in");
            *data_size = 0;
            return MHD_YES;
        }
        if (a) {
            snprintf(r->msg, sizeof r->msg, "out of memory for the body");
            return MHD_NO;
        }
        *data_size = 0;
        return MHD_YES;
    }
    /* the whole body is in */
    if (r->refuse) {
        char m[sizeof r->msg];
        snprintf(m, sizeof m, "%s", r->msg);
        return answer(c, r, r->refuse, m);
    }
    if (r->parsed) { /* resumed: the parse queue's answer */
        char m[sizeof r->msg];
        snprintf(m, sizeof m, "%s", r->msg);
        return answer(c, r, r->result, m);
    }
    r->conn = c;
    if (collect_queue_push(s->queue, r, r->len)) {
        r->retry_after = COLLECT_RETRY_AFTER_S;
        return answer(c, r, 503, "busy: every parser is taken and the queue is full, retry");
    }
    MHD_suspend_connection(c);
    return MHD_YES;
}

/* A connection opens (a flag that a request began on it) or closes (log it if none did; the
 * gate may hand over another). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct collect_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fi = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        const struct sockaddr *sa = peer_addr(c);
        socklen_t sl = !sa ? 0 : sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                            : sizeof(struct sockaddr_in);
        *socket_context = collect_watch_add(s->watch, fi ? fi->connect_fd : -1, sa, sl);
        return;
    }
    struct collect_conn *cc = *socket_context;
    if (cc && !cc->began && cc->fd >= 0) {
        struct collect_ip ip;
        char who[COLLECT_IP_TEXT];
        collect_ip_from_sockaddr(peer_addr(c), &ip);
        collect_ip_text(&ip, who, sizeof who);
        log_line(who, 0, "closed before a request began (a head the HTTP server refused)");
    }
    collect_watch_remove(s->watch, cc);
    *socket_context = NULL;
    collect_gate_done(s->gate, peer_addr(c));
}

/* The request is over: log how it ended and free its state. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    struct req *r = *con_cls;
    (void)cls;
    (void)c;
    if (!r)
        return;
    if (r->status)
        log_line(r->who, r->status, r->msg);
    else if (why == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
        log_line(r->who, 0, "cut off: silent in the middle of the request");
    else if (r->msg[0])
        log_line(r->who, 0, r->msg);
    else
        log_line(r->who, 0, "client closed before a complete request");
    collect_limits_release(r->s->limits, &r->client, r->reserved);
    free(r->body);
    free(r);
    *con_cls = NULL;
}

static void on_signal(int sig)
{
    (void)sig;
    if (g_signal_fd >= 0)
        wake(g_signal_fd);
}

/* The gate hands over a connection whose head is in. */
static int hand_over(void *cls, int fd, const struct sockaddr *sa, socklen_t len)
{
    struct collect_server *s = cls;
    return MHD_add_connection(s->d, fd, sa, len) == MHD_YES ? 0 : -1;
}

/* Fill in the defaults of the options left at 0. */
static void defaults(struct collect_cfg *c)
{
    c->head_timeout_s = c->head_timeout_s ? c->head_timeout_s : COLLECT_HEAD_TIMEOUT_DEFAULT;
    c->conns_per_addr = c->conns_per_addr ? c->conns_per_addr : COLLECT_CONNS_PER_ADDR_DEFAULT;
    c->rate_per_addr = c->rate_per_addr ? c->rate_per_addr : COLLECT_RATE_PER_ADDR_DEFAULT;
    c->burst_per_addr = c->burst_per_addr ? c->burst_per_addr : COLLECT_BURST_PER_ADDR_DEFAULT;
    c->mem_budget = c->mem_budget ? c->mem_budget : (size_t)COLLECT_MEM_BUDGET_DEFAULT;
    c->max_values = c->max_values ? c->max_values : COLLECT_MAX_VALUES_DEFAULT;
    c->parsers = c->parsers ? c->parsers : COLLECT_PARSERS_DEFAULT;
    c->queue = c->queue ? c->queue : COLLECT_QUEUE_DEFAULT;
}

struct collect_server *collect_start(const struct collect_cfg *cfg, int lfd, char *err, size_t errlen)
{
    struct collect_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    defaults(&s->cfg);
    cfg = &s->cfg;
    if (pipe(s->wake)) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        goto err_free;
    }
    struct collect_limits_cfg lc = {cfg->conns_per_addr, cfg->rate_per_addr > 0 ? cfg->rate_per_addr : 0,
                                    cfg->burst_per_addr, cfg->mem_budget};
    s->limits = collect_limits_new(&lc);
    if (!s->limits) {
        snprintf(err, errlen, "out of memory");
        goto err_pipe;
    }
    /* no listening socket: the gate accepts, and hands over at most --max-conns at a time, so
     * libmicrohttpd's own limit (per thread) is never what refuses a connection */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_NO_LISTEN_SOCKET |
                     MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    struct MHD_OptionItem tls[] = {{MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert},
                                   {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key},
                                   {MHD_OPTION_END, 0, NULL}};
    if (cfg->tls_cert)
        flags |= MHD_USE_TLS; /* collect_tls.c checked the certificate and key */
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                            MHD_OPTION_ARRAY, cfg->tls_cert ? tls : tls + 2,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
                            MHD_OPTION_CONNECTION_LIMIT,
                            (unsigned)(2 * cfg->max_conns + 2 * cfg->threads),
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "libmicrohttpd did not start (threads %d, connections %d)",
                 cfg->threads, cfg->max_conns);
        goto err_limits;
    }
    s->queue = collect_queue_start(cfg->parsers, cfg->queue, COLLECT_SMALL_DOC, run_job, s);
    if (!s->queue) {
        snprintf(err, errlen, "cannot start %d parser threads", cfg->parsers);
        goto err_mhd;
    }
    struct collect_gate_cfg gc = {.lfd = lfd, .head_timeout_s = cfg->head_timeout_s,
                                  .idle_timeout_s = cfg->timeout_s, .max_pending = cfg->max_conns,
                                  .max_busy = cfg->max_conns, .tls = cfg->tls_cert != NULL,
                                  .trusted = cfg->trusted, .ntrusted = cfg->ntrusted,
                                  .limits = s->limits, .hand = hand_over, .cls = s};
    if (cfg->tls_cert && !(s->watch = collect_watch_start(cfg->head_timeout_s))) {
        snprintf(err, errlen, "cannot start the head-deadline thread");
        goto err_queue;
    }
    s->gate = collect_gate_start(&gc, err, errlen);
    if (!s->gate)
        goto err_watch;
    return s;
err_watch:
    collect_watch_stop(s->watch);
err_queue:
    collect_queue_stop(s->queue);
err_mhd:
    MHD_stop_daemon(s->d);
err_limits:
    collect_limits_free(s->limits);
err_pipe:
    close(s->wake[0]);
    close(s->wake[1]);
err_free:
    free(s);
    return NULL;
}

void collect_wait(struct collect_server *s)
{
    g_signal_fd = s->wake[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    char b;
    while (read(s->wake[0], &b, 1) < 0 && errno == EINTR)
        ;
    if (s->cfg.once)
        usleep(200000); /* let the answer of the stored document reach its client */
}

void collect_stop(struct collect_server *s)
{
    g_signal_fd = -1;
    collect_gate_stop(s->gate);   /* no new connections */
    collect_queue_stop(s->queue); /* every queued document answered: nothing stays suspended */
    collect_watch_stop(s->watch);
    MHD_stop_daemon(s->d);
    collect_gate_free(s->gate);
    collect_limits_free(s->limits);
    close(s->wake[0]);
    close(s->wake[1]);
    free(s);
}
