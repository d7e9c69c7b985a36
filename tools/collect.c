/* collect.c - barebench-collect: a small HTTP/1.1 server that receives results documents
 * (POST or PUT) from barebench runs and stores each one in a directory; one request at a time. */
#include "tools/collect.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: barebench-collect --port N --dir DIR [--bind ADDR] [--token T] "
               "[--max-bytes N] [--timeout S] [--once]\n"
               "  Receives barebench results documents (HTTP POST or PUT of the JSON) and stores\n"
               "  each one in DIR as TAG_HYPERVISOR_SYSTEM_TIME.json; never overwrites a file.\n"
               "  --bind ADDR    address to listen on (default: all, 0.0.0.0; '::' for IPv6)\n"
               "  --port N       TCP port (0: any free port; the line 'listening on' says which)\n"
               "  --token T      require header 'X-Barebench-Token: T' (or Authorization: Bearer T)\n"
               "  --max-bytes N  largest document accepted (default %u)\n"
               "  --timeout S    seconds a client has for a whole request (default %d)\n"
               "  --once         exit after storing one document\n",
            COLLECT_MAX_BYTES_DEFAULT, COLLECT_TIMEOUT_DEFAULT);
}

static int number(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-' || v > max)
        return -1;
    *out = v;
    return 0;
}

static int listen_on(const char *bind_addr, int port)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    int family = strchr(bind_addr, ':') ? AF_INET6 : AF_INET;
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, bind_addr, &a->sin6_addr) != 1)
            return -2;
        sl = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, bind_addr, &a->sin_addr) != 1)
            return -2;
        sl = sizeof *a;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 16)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void peer_name(const struct sockaddr_storage *ss, char *buf, size_t n)
{
    if (ss->ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, (socklen_t)n);
    else
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, (socklen_t)n);
}

int main(int argc, char **argv)
{
    struct collect_cfg cfg = {NULL, NULL, COLLECT_MAX_BYTES_DEFAULT, COLLECT_TIMEOUT_DEFAULT};
    const char *bind_addr = "0.0.0.0";
    long port = -1;
    int once = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        unsigned long long v;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--once")) {
            once = 1;
        } else if (i + 1 < argc && !strcmp(a, "--port") && !number(argv[i + 1], 65535, &v)) {
            port = (long)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--max-bytes") && !number(argv[i + 1], 1ull << 40, &v) && v) {
            cfg.max_bytes = (size_t)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--timeout") && !number(argv[i + 1], 3600, &v) && v) {
            cfg.timeout_s = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--dir")) {
            cfg.dir = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--bind")) {
            bind_addr = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--token")) {
            cfg.token = argv[++i];
        } else {
            fprintf(stderr, "barebench-collect: bad or incomplete argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (port < 0 || !cfg.dir) {
        usage(stderr);
        return 2;
    }
    if (cfg.token && !cfg.token[0])
        cfg.token = NULL;
    struct stat st;
    if (stat(cfg.dir, &st) || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "barebench-collect: %s is not a directory\n", cfg.dir);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    int lfd = listen_on(bind_addr, (int)port);
    if (lfd < 0) {
        fprintf(stderr, "barebench-collect: cannot listen on %s port %ld: %s\n", bind_addr, port,
                lfd == -2 ? "bad address" : strerror(errno));
        return 1;
    }
    struct sockaddr_storage me;
    socklen_t ml = sizeof me;
    getsockname(lfd, (struct sockaddr *)&me, &ml);
    int real_port = ntohs(me.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&me)->sin6_port
                                                   : ((struct sockaddr_in *)&me)->sin_port);
    printf("barebench-collect: listening on %s port %d, storing in %s%s\n", bind_addr, real_port,
           cfg.dir, cfg.token ? " (token required)" : "");
    fflush(stdout);
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t pl = sizeof peer;
        int fd = accept4(lfd, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE)
                continue;
            fprintf(stderr, "barebench-collect: accept: %s\n", strerror(errno));
            return 1;
        }
        char who[64] = "?";
        peer_name(&peer, who, sizeof who);
        struct collect_result res;
        collect_serve(fd, &cfg, &res);
        printf("barebench-collect: %s: %d %s\n", who, res.status, res.msg);
        fflush(stdout);
        if (once && res.status == 201)
            break;
    }
    close(lfd);
    return 0;
}
