/* collect_http.c - one HTTP/1.1 exchange of barebench-collect: reads the request head and body
 * under one deadline (slow or silent clients are cut off), checks token and size, answers. */
#include "tools/collect.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* recv() until the deadline: >0 bytes, 0 peer closed, -1 error, -2 deadline passed. */
static ssize_t recv_until(int fd, char *buf, size_t n, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return -2;
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
        if (r < 0 && errno != EINTR)
            return -1;
        if (r <= 0)
            continue;
        ssize_t got = recv(fd, buf, n, 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        return got;
    }
}

static void send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static const char *reason(int status)
{
    switch (status) {
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default: return "Internal Server Error";
    }
}

static void answer(int fd, struct collect_result *res, int status, const char *msg)
{
    char head[256];
    res->status = status;
    snprintf(res->msg, sizeof res->msg, "%s", msg);
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n%s\r\n",
                     status, reason(status), strlen(res->msg) + 1,
                     status == 401 ? "WWW-Authenticate: Bearer realm=\"barebench\"\r\n" : "");
    send_all(fd, head, (size_t)n);
    send_all(fd, res->msg, strlen(res->msg));
    send_all(fd, "\n", 1);
}

/* Header value of `name` in the head (lines after the request line), into out; 1 if found. */
static int header(const char *head, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = strchr(head, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
        const char *l = p + 1;
        if (strncasecmp(l, name, nl) || l[nl] != ':')
            continue;
        const char *v = l + nl + 1, *e = v;
        while (*v == ' ' || *v == '\t')
            v++;
        e = v;
        while (*e && *e != '\r' && *e != '\n')
            e++;
        while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        snprintf(out, n, "%.*s", (int)(e - v), v);
        return 1;
    }
    return 0;
}

/* Constant-time string equality, for the token. */
static int same(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;
    for (size_t i = 0; i < la; i++)
        d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
    return d == 0;
}

static int token_ok(const char *head, const char *token)
{
    char v[512];
    if (header(head, "X-Barebench-Token", v, sizeof v) && same(v, token))
        return 1;
    if (header(head, "Authorization", v, sizeof v) && !strncasecmp(v, "Bearer ", 7) &&
        same(v + 7, token))
        return 1;
    return 0;
}

/* After an early answer: stop sending, swallow a little of what the client still sends so that
 * it sees our answer rather than a reset, then close. */
static void linger_close(int fd)
{
    char sink[4096];
    shutdown(fd, SHUT_WR);
    long long deadline = now_ms() + 500;
    for (int i = 0; i < 256 && recv_until(fd, sink, sizeof sink, deadline) > 0; i++)
        ;
    close(fd);
}

void collect_serve(int fd, const struct collect_cfg *cfg, struct collect_result *res)
{
    static char head[COLLECT_HEADER_MAX + 1];
    char *body = NULL, v[64];
    size_t len = 0, hlen = 0;
    long long deadline = now_ms() + (long long)cfg->timeout_s * 1000;
    memset(res, 0, sizeof *res);
    head[0] = '\0';
    /* the head: up to the empty line */
    for (;;) {
        char *end = strstr(head, "\r\n\r\n");
        char *end2 = strstr(head, "\n\n");
        if (len && (end || end2)) {
            hlen = end && (!end2 || end < end2) ? (size_t)(end - head) + 4 : (size_t)(end2 - head) + 2;
            break;
        }
        if (len == COLLECT_HEADER_MAX) {
            answer(fd, res, 431, "request head too large");
            goto out;
        }
        ssize_t got = recv_until(fd, head + len, COLLECT_HEADER_MAX - len, deadline);
        if (got == -2) {
            answer(fd, res, 408, "timed out waiting for the request");
            goto out;
        }
        if (got <= 0) {
            res->status = 0;
            snprintf(res->msg, sizeof res->msg, "client closed before a complete request");
            goto out;
        }
        if (memchr(head + len, '\0', (size_t)got)) {
            answer(fd, res, 400, "NUL byte in the request head");
            goto out;
        }
        len += (size_t)got;
        head[len] = '\0';
    }
    char method[16] = "", target[256] = "", version[16] = "";
    if (sscanf(head, "%15s %255s %15s", method, target, version) != 3 ||
        strncmp(version, "HTTP/1.", 7)) {
        answer(fd, res, 400, "malformed request line (expected: POST / HTTP/1.1)");
        goto out;
    }
    if (strcmp(method, "POST") && strcmp(method, "PUT")) {
        answer(fd, res, 405, "only POST or PUT of a results document");
        goto out;
    }
    if (cfg->token && !token_ok(head, cfg->token)) {
        answer(fd, res, 401, "missing or wrong token (X-Barebench-Token)");
        goto out;
    }
    if (header(head, "Transfer-Encoding", v, sizeof v)) {
        answer(fd, res, 501, "chunked bodies are not supported: send Content-Length");
        goto out;
    }
    if (!header(head, "Content-Length", v, sizeof v)) {
        answer(fd, res, 411, "Content-Length required");
        goto out;
    }
    char *endp;
    errno = 0;
    unsigned long long cl = strtoull(v, &endp, 10);
    if (!v[0] || *endp || errno || v[0] == '-' || v[0] == '+') {
        answer(fd, res, 400, "bad Content-Length");
        goto out;
    }
    if (cl > cfg->max_bytes) {
        char m[128];
        snprintf(m, sizeof m, "document too large: %llu bytes (the limit is %zu)", cl, cfg->max_bytes);
        answer(fd, res, 413, m);
        goto out;
    }
    if (header(head, "Expect", v, sizeof v) && !strcasecmp(v, "100-continue"))
        send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    body = malloc(cl ? cl : 1);
    if (!body) {
        answer(fd, res, 500, "out of memory");
        goto out;
    }
    size_t have = len - hlen < cl ? len - hlen : cl;
    memcpy(body, head + hlen, have);
    while (have < cl) {
        ssize_t got = recv_until(fd, body + have, cl - have, deadline);
        if (got == -2) {
            answer(fd, res, 408, "timed out reading the document");
            goto out;
        }
        if (got <= 0) {
            res->status = 0;
            snprintf(res->msg, sizeof res->msg, "client closed after %zu of %llu bytes", have, cl);
            goto out;
        }
        have += (size_t)got;
    }
    char msg[600];
    int st = collect_store(body, cl, cfg, msg, sizeof msg, res->stored, sizeof res->stored);
    answer(fd, res, st, msg);
out:
    free(body);
    linger_close(fd);
}
