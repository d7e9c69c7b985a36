/* fuzz_collect.c - libFuzzer target for barebench-collect: any bytes (1) as a document body for
 * the checks, naming and run-id store, and (2) as a whole request to the real server
 * (libmicrohttpd + our handler) on a loopback port, whose answer must be HTTP when there is one. */
#include "tools/collect/collect.h"

#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char g_dir[] = "/tmp/fuzz_collect_XXXXXX";
static struct collect_cfg g_cfg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct collect_server *srv;
    static int lfd = -1;
    if (!srv) {
        if (!mkdtemp(g_dir))
            abort();
        g_cfg = (struct collect_cfg){.dir = g_dir, .token = "tok", .max_bytes = 4096,
                                     .timeout_s = 1, .body_timeout_s = 2, .max_conns = 8,
                                     .threads = 1, .rate_per_addr = -1 /* one fast client */};
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
        socklen_t al = sizeof a;
        lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, al) || listen(lfd, 64) ||
            getsockname(lfd, (struct sockaddr *)&a, &al))
            abort();
        char err[200];
        srv = collect_start(&g_cfg, lfd, err, sizeof err);
        if (!srv)
            abort();
    }
    /* (2) the bytes as a document body */
    char msg[600], stored[512];
    int st = collect_store((const char *)data, size, &g_cfg, msg, sizeof msg, stored, sizeof stored);
    if (st != 201 && st != 200 && st != 400 && st != 409 && st != 500 && st != 507)
        abort();
    if (st == 201 && stored[0])
        unlink(stored); /* keep the directory small (a run's index entry is dropped on its repeat) */

    /* (1) the bytes as a request to the running server over loopback */
    if (size > 60000)
        return 0;
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    if (getsockname(lfd, (struct sockaddr *)&a, &al))
        abort();
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, al)) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    if (size && send(fd, data, size, MSG_NOSIGNAL) < 0) {
        close(fd);
        return 0;
    }
    shutdown(fd, SHUT_WR);
    char ans[64] = "";
    size_t got = 0;
    for (int i = 0; i < 100 && got < sizeof ans - 1; i++) { /* at most ~5 s: timeout is 1 s */
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        ssize_t r = recv(fd, ans + got, sizeof ans - 1 - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got && (got < 12 || memcmp(ans, "HTTP/1.", 7)))
        abort(); /* whatever the server says is a well-formed status line */
    return 0;
}
