/* upload_linux.c - the Linux build's plat_upload_results: the results document as an HTTP POST
 * over a plain socket (https://: through host/upload_tls_linux.c), with bounded waits for
 * connecting, the handshake, sending and the answer. */
#include "host/upload_linux.h"
#include "kernel/platform.h"
#include "kernel/upload/upload.h"
#include "kernel/upload/upload_retry.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long long upload_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int upload_wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - upload_now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 ? -1 : r > 0;
    }
}

static int connect_to(const struct upload_url *u, char *why, size_t whylen)
{
    char port[8];
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof port, "%u", (unsigned)u->port);
    int e = getaddrinfo(u->host, port, &hints, &ai);
    if (e) {
        snprintf(why, whylen, "cannot resolve %s: %s", u->host, gai_strerror(e));
        return -1;
    }
    int fd = -1;
    snprintf(why, whylen, "no address for %s", u->host);
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        int rc = connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc && errno == EINPROGRESS) {
            int w = upload_wait_fd(fd, POLLOUT, upload_now_ms() + UPLOAD_CONNECT_S * 1000);
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0)
                errno = soerr, rc = soerr ? -1 : 0;
            else if (w == 0)
                errno = ETIMEDOUT;
        }
        if (rc == 0)
            break;
        snprintf(why, whylen, "cannot connect to %s:%u: %s", u->host, (unsigned)u->port,
                 errno == ETIMEDOUT ? "no answer within the connect timeout" : strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

static int send_all(int fd, struct upload_tls *t, const char *s, size_t n, long long deadline)
{
    if (t)
        return upload_tls_send(t, s, n, deadline);
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (upload_wait_fd(fd, POLLOUT, deadline) != 1)
                return -1;
            continue;
        }
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int plat_upload_resolves_names(void)
{
    return 1;
}

int plat_upload_tls(char *why, size_t whylen)
{
    (void)why, (void)whylen;
    return 1;
}

int plat_upload_results(const char *url, const struct upload_auth *auth, const char *json,
                        size_t n, char *why, size_t whylen)
{
    struct upload_url u;
    char head[768], resp[1024];
    if (upload_parse_url(url, &u, why, whylen))
        return UPLOAD_PERMANENT;
    int hl = upload_request_head(&u, auth, json, n, head, sizeof head);
    if (hl < 0) {
        snprintf(why, whylen, "request head too long");
        return UPLOAD_PERMANENT;
    }
    int fd = connect_to(&u, why, whylen);
    if (fd < 0)
        return UPLOAD_NO_ANSWER;
    why[0] = '\0';
    long long deadline = upload_now_ms() + UPLOAD_TOTAL_S * 1000;
    struct upload_tls *t = NULL;
    if (u.tls && !(t = upload_tls_open(fd, u.host, auth ? auth->ca_file : NULL, deadline, why,
                                       whylen))) {
        close(fd);
        return UPLOAD_NO_ANSWER;
    }
    if (send_all(fd, t, head, (size_t)hl, deadline) || send_all(fd, t, json, n, deadline)) {
        /* the collector may have answered early (401, 413) and closed: read that answer */
        snprintf(why, whylen, "sending failed: %s", strerror(errno));
    }
    size_t got = 0;
    while (got < sizeof resp - 1 && !upload_answer_complete(resp, got)) {
        if (!t && upload_wait_fd(fd, POLLIN, deadline) != 1)
            break;
        ssize_t r = t ? upload_tls_recv(t, resp + got, sizeof resp - 1 - got, deadline)
                      : recv(fd, resp + got, sizeof resp - 1 - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    upload_tls_close(t);
    close(fd);
    if (got == 0) {
        if (!why[0])
            snprintf(why, whylen, "no answer from the collector within %d s", UPLOAD_TOTAL_S);
        return UPLOAD_NO_ANSWER;
    }
    int status = upload_parse_answer(resp, got, why, whylen);
    return status < 0 ? UPLOAD_NO_ANSWER : status;
}
