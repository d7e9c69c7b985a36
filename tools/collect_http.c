/* collect_http.c - barebench-collect's HTTP side on libmicrohttpd: epoll threads serve many
 * clients at once; per-connection timeout, connection limit, bodies bounded by --max-bytes; who may
 * store is collect_auth.c's call (at head time, and on the whole body). */
#include "tools/collect.h"

#include <errno.h>
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
};

/* One request in flight; freed when the connection's request ends (however it ends). */
struct req {
    long long start_ms;
    char *body;
    size_t len, cap, expect;     /* expect: Content-Length */
    int status;                  /* answer queued (0: none yet) */
    int refuse;                  /* answer this once the body is read and dropped (0: none) */
    char msg[600];
    char who[64];
    struct collect_auth auth;    /* what the head said about the sender (collect_auth.c) */
};

static pthread_mutex_t g_log = PTHREAD_MUTEX_INITIALIZER;
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
    pthread_mutex_lock(&g_log);
    if (status)
        printf("barebench-collect: %s: %d %s\n", who, status, msg);
    else
        printf("barebench-collect: %s: %s\n", who, msg);
    fflush(stdout);
    pthread_mutex_unlock(&g_log);
}

static void peer_name(struct MHD_Connection *c, char *buf, size_t n)
{
    snprintf(buf, n, "?");
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)n);
    else if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)n);
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
    if (status != 200 && status != 201) /* refused early: the body is not read, so close */
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

/* Append a piece of the body, growing the buffer with what has arrived (never beyond the
 * declared length, itself at most --max-bytes): a client that only promises a big body costs
 * nothing. */
static int append(struct req *r, const char *data, size_t n)
{
    if (n > r->expect - r->len)
        return -1; /* libmicrohttpd enforces Content-Length; be safe anyway */
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 65536;
        while (cap < r->len + n)
            cap *= 2;
        if (cap > r->expect)
            cap = r->expect;
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
        peer_name(c, r->who, sizeof r->who);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        if (ci && ci->socket_context)
            *(int *)ci->socket_context = 1;
        *con_cls = r;
        enum MHD_Result ret = MHD_YES;
        check_head(s, c, r, method, &ret);
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
        if (append(r, data, *data_size)) {
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
    char msg[600], stored[512];
    int st = collect_auth_body(&s->cfg, &r->auth, r->body ? r->body : "", r->len, msg, sizeof msg);
    if (!st)
        st = collect_store(r->body ? r->body : "", r->len, &s->cfg, msg, sizeof msg, stored,
                           sizeof stored);
    free(r->body);
    r->body = NULL;
    enum MHD_Result ret = answer(c, r, st, msg);
    if (st == 201 && s->cfg.once)
        wake(s->wake[1]);
    return ret;
}

/* A connection opens (a flag that a request began on it) or closes (log it if none did). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = calloc(1, sizeof(int));
        return;
    }
    int *began = *socket_context;
    if (began && !*began) {
        char who[64];
        peer_name(c, who, sizeof who);
        log_line(who, 0, "cut off or closed before a complete request head");
    }
    free(began);
    *socket_context = NULL;
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

struct collect_server *collect_start(const struct collect_cfg *cfg, int lfd, char *err, size_t errlen)
{
    struct collect_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    if (pipe(s->wake)) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        goto err_free;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    struct MHD_OptionItem tls[] = {{MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert},
                                   {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key},
                                   {MHD_OPTION_END, 0, NULL}};
    if (cfg->tls_cert)
        flags |= MHD_USE_TLS; /* collect_tls.c checked the certificate and key */
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                            MHD_OPTION_ARRAY, cfg->tls_cert ? tls : tls + 2,
                            MHD_OPTION_LISTEN_SOCKET, lfd,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_conns,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "libmicrohttpd did not start (threads %d, connections %d)",
                 cfg->threads, cfg->max_conns);
        goto err_pipe;
    }
    return s;
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
    MHD_stop_daemon(s->d);
    close(s->wake[0]);
    close(s->wake[1]);
    free(s);
}
