/* collect.c - barebench-collect: an HTTP/1.1 server (libmicrohttpd) that receives results
 * documents (POST or PUT) from barebench runs, many at once, and stores each run once. */
#include "tools/collect/collect.h"
#include "tools/collect/collect_db.h"
#include "tools/fleet/fleet_db.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* --dir DIR: created with its parents when missing; refused (with the reason) when it exists
 * but is not a directory or not writable.  0 when documents can be stored there. */
static int prepare_dir(const char *dir)
{
    char path[4096];
    struct stat st;
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        fprintf(stderr, "barebench-collect: --dir %s: path too long\n", dir);
        return -1;
    }
    for (char *p = path + 1;; p++) { /* mkdir -p: each parent, then the directory itself */
        int last = !*p;
        if (*p != '/' && !last)
            continue;
        *p = '\0';
        if (stat(path, &st) && errno == ENOENT && mkdir(path, 0755) && errno != EEXIST) {
            fprintf(stderr, "barebench-collect: cannot create %s: %s\n", path, strerror(errno));
            return -1;
        }
        if (last)
            break;
        *p = '/';
    }
    if (stat(dir, &st)) {
        fprintf(stderr, "barebench-collect: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "barebench-collect: %s exists and is not a directory\n", dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK)) {
        fprintf(stderr, "barebench-collect: %s is not writable: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: barebench-collect --port N --dir DIR [--bind ADDR] [--key-file F] "
               "[--legacy-token-file F] [--insecure-open]\n"
               "       [--tls-cert F --tls-key F]\n"
               "       [--max-bytes N] [--timeout S] [--body-timeout S] [--head-timeout S]\n"
               "       [--max-conns N] [--threads N] [--conns-per-addr N] [--rate-per-addr N]\n"
               "       [--burst-per-addr N] [--mem-budget N[K|M|G]] [--max-values N]\n"
               "       [--parsers N] [--queue N] [--trust-proxy ADDR[,ADDR]] [--quota-bytes N]\n"
               "       [--quota-files N] [--reserve-bytes N] [--allow-root] [--once]\n"
               "       [--db sqlite:PATH|postgresql://... | --db-file F | --no-db] [--db-retry S]\n"
               "  Receives barebench results documents (HTTP POST or PUT of the JSON) and stores\n"
               "  each one in DIR as TAG_HYPERVISOR_SYSTEM_TIME[_RUNID].json; never overwrites a\n"
               "  file; a run (tool.run_id) is stored once: a repeat answers 200, or 409 if it differs.\n"
               "  --bind ADDR    address to listen on (default 127.0.0.1; beyond loopback, e.g.\n"
               "                 0.0.0.0 or '::', only with a fleet key or --insecure-open)\n"
               "  --port N       TCP port (0: any free port; the line 'listening on' says which)\n"
               "  --key-file F   the fleet key (32..128 hex digits; or env BAREBENCH_KEY): every\n"
               "                 upload must be signed with it (X-Barebench-Signature, HMAC-SHA256)\n"
               "  --legacy-token-file F  LEGACY: require 'X-Barebench-Token: T' (or Authorization:\n"
               "                 Bearer T), T read from F (or env BAREBENCH_TOKEN); sent in clear text\n"
               "  --insecure-open  listen beyond loopback without a key: anyone may store\n"
               "  --tls-cert F --tls-key F  serve HTTPS with this certificate (chain) and key, PEM\n"
               "  --max-bytes N  largest document accepted (default %u)\n"
               "  --timeout S    a client silent this long is cut off (default %d)\n"
               "  --head-timeout S  the longest a request head may take from the connect (default %d)\n"
               "  --body-timeout S  the longest a body may take once the head is in (default %d)\n"
               "  --max-conns N  connections served at once, and as many waiting for their head\n"
               "                 (default %d; more wait in the backlog)\n"
               "  --threads N    serving threads (default %d)\n"
               "  --quota-bytes N  the documents in DIR may weigh this much (default %llu GiB;\n"
               "                 K/M/G/T suffixes; 0: no limit); over it an upload gets 507\n"
               "  --quota-files N  ...and be this many files (default %llu; 0: no limit)\n"
               "  --reserve-bytes N  free space kept on DIR's file system (default 1%% of it,\n"
               "                 at most %lld MiB; 0: none); under it an upload gets 507\n"
               "  --conns-per-addr N  connections open at once from one client address, IPv6 by\n"
               "                 /64 (default %d; more are closed at once)\n"
               "  --rate-per-addr N   requests per second from one address (default %d; 0: no\n"
               "                 limit), --burst-per-addr N of them at once (default %d); more: 429\n"
               "  --mem-budget N bytes of bodies and parses in flight, one address at most half\n"
               "                 (default %lluM); a request that does not fit now: 503 Retry-After\n"
               "  --max-values N  JSON values in a document (default %d; more: 413)\n"
               "  --parsers N    threads checking and storing documents (default %d)\n"
               "  --queue N      documents waiting for a parser (default %d; more: 503)\n"
               "  --trust-proxy ADDR  a proxy (e.g. nginx on 127.0.0.1) whose X-Forwarded-For names\n"
               "                 the client (its last entry); repeat it or give a comma list\n"
               "  --db DB        also store each run in a database: sqlite:PATH (default\n"
               "                 sqlite:DIR/%s) or postgresql://... (a unix socket:\n"
               "                 postgresql:///DB?host=/run/postgresql); a password only from\n"
               "                 PGPASSWORD, PGPASSFILE or ~/.pgpass, never here; DB may also come\n"
               "                 from $BAREBENCH_DB or --db-file F (its first line).  When the\n"
               "                 database fails the upload is still stored and answered; the run\n"
               "                 waits in DIR/%s and is retried\n"
               "  --db-retry S   longest wait between two tries of a failed database (default %d)\n"
               "  --no-db        files only\n"
               "  --allow-root   run even as root (refused otherwise: run it as a plain user)\n"
               "  --once         exit after storing one document\n",
            COLLECT_MAX_BYTES_DEFAULT, COLLECT_TIMEOUT_DEFAULT, COLLECT_HEAD_TIMEOUT_DEFAULT,
            COLLECT_BODY_TIMEOUT_DEFAULT, COLLECT_MAX_CONNS_DEFAULT, COLLECT_THREADS_DEFAULT,
            COLLECT_QUOTA_BYTES_DEFAULT >> 30, COLLECT_QUOTA_FILES_DEFAULT, COLLECT_RESERVE_CAP >> 20,
            COLLECT_CONNS_PER_ADDR_DEFAULT, COLLECT_RATE_PER_ADDR_DEFAULT,
            COLLECT_BURST_PER_ADDR_DEFAULT, COLLECT_MEM_BUDGET_DEFAULT >> 20,
            COLLECT_MAX_VALUES_DEFAULT, COLLECT_PARSERS_DEFAULT, COLLECT_QUEUE_DEFAULT,
            COLLECT_DB_DEFAULT_FILE, COLLECT_DB_QUEUE_DIR, COLLECT_DB_RETRY_MAX_S);
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

/* A byte count with an optional K, M or G (powers of 1024). */
static int bytes(const char *s, unsigned long long max, unsigned long long *out)
{
    char num[32];
    size_t n = strlen(s);
    unsigned shift = 0;
    if (n && n < sizeof num && strchr("KMG", s[n - 1]))
        shift = s[n - 1] == 'K' ? 10 : s[n - 1] == 'M' ? 20 : 30, n--;
    if (n >= sizeof num)
        return -1;
    memcpy(num, s, n);
    num[n] = '\0';
    if (number(num, max >> shift, out))
        return -1;
    *out <<= shift;
    return 0;
}

/* --trust-proxy A[,B...]: addresses appended to cfg; 0, or -1 naming what is wrong. */
static int trust(struct collect_cfg *cfg, const char *list)
{
    for (const char *p = list;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (cfg->ntrusted == COLLECT_TRUST_MAX) {
            fprintf(stderr, "barebench-collect: --trust-proxy: at most %d addresses\n", COLLECT_TRUST_MAX);
            return -1;
        }
        if (collect_ip_parse(p, n, &cfg->trusted[cfg->ntrusted])) {
            fprintf(stderr, "barebench-collect: --trust-proxy: '%.*s' is not an IPv4 or IPv6 "
                            "address\n", (int)n, p);
            return -1;
        }
        cfg->ntrusted++;
        if (!e)
            return 0;
        p = e + 1;
    }
}

/* The database: --db, else --db-file's first line, else $BAREBENCH_DB, else
 * sqlite:DIR/barebench.sqlite; a password is refused on the command line (ps shows it) and
 * accepted from the file or the environment.  0, or -1 with err. */
static int db_choice(const char *arg, const char *file, const char *dir, char *out, size_t n,
                     char *err, size_t errlen)
{
    if (arg && file) {
        snprintf(err, errlen, "--db and --db-file: choose one");
        return -1;
    }
    if (arg && fleet_spec_has_password(arg)) {
        snprintf(err, errlen, "--db: a password on the command line is visible to every local "
                              "user (ps): put it in PGPASSWORD, PGPASSFILE (~/.pgpass) or the "
                              "--db-file file");
        return -1;
    }
    if (file) {
        FILE *f = fopen(file, "r");
        if (!f || !fgets(out, (int)n, f)) {
            snprintf(err, errlen, "--db-file %s: %s", file, f ? "empty" : strerror(errno));
            if (f)
                fclose(f);
            return -1;
        }
        fclose(f);
        out[strcspn(out, "\r\n")] = '\0';
        return 0;
    }
    const char *env = getenv("BAREBENCH_DB");
    if (arg || (env && env[0]))
        snprintf(out, n, "%s", arg ? arg : env);
    else
        snprintf(out, n, "sqlite:%s/%s", dir, COLLECT_DB_DEFAULT_FILE);
    return 0;
}

/* Room for the connections: the gate's and the server's (2 x --max-conns) and some more. */
static int enough_files(int max_conns)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)2 * (rlim_t)max_conns + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= need)
        return 0;
    rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need ? rl.rlim_max : need;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur >= need)
        return 0;
    fprintf(stderr, "barebench-collect: --max-conns %d needs %llu open files, the limit is %llu "
                    "(ulimit -n): raise it or lower --max-conns\n", max_conns,
            (unsigned long long)need, (unsigned long long)rl.rlim_cur);
    return -1;
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
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, COLLECT_BACKLOG)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    struct collect_cfg cfg = {.max_bytes = COLLECT_MAX_BYTES_DEFAULT,
                              .timeout_s = COLLECT_TIMEOUT_DEFAULT,
                              .body_timeout_s = COLLECT_BODY_TIMEOUT_DEFAULT,
                              .max_conns = COLLECT_MAX_CONNS_DEFAULT,
                              .threads = COLLECT_THREADS_DEFAULT,
                              .quota_bytes = COLLECT_QUOTA_BYTES_DEFAULT,
                              .quota_files = COLLECT_QUOTA_FILES_DEFAULT,
                              .reserve_bytes = COLLECT_RESERVE_AUTO,
                              .head_timeout_s = COLLECT_HEAD_TIMEOUT_DEFAULT,
                              .conns_per_addr = COLLECT_CONNS_PER_ADDR_DEFAULT,
                              .rate_per_addr = COLLECT_RATE_PER_ADDR_DEFAULT,
                              .burst_per_addr = COLLECT_BURST_PER_ADDR_DEFAULT,
                              .mem_budget = (size_t)COLLECT_MEM_BUDGET_DEFAULT,
                              .max_values = COLLECT_MAX_VALUES_DEFAULT,
                              .parsers = COLLECT_PARSERS_DEFAULT,
                              .queue = COLLECT_QUEUE_DEFAULT};
    const char *bind_addr = "127.0.0.1", *key_file = NULL, *token_file = NULL;
    const char *tls_cert = NULL, *tls_key = NULL;
    const char *db_arg = NULL, *db_file = NULL;
    int insecure_open = 0, no_db = 0, db_retry = 0;
    long port = -1;
    int allow_root = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        unsigned long long v;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--once")) {
            cfg.once = 1;
        } else if (!strcmp(a, "--insecure-open")) {
            insecure_open = 1;
        } else if (!strcmp(a, "--token") || !strncmp(a, "--token=", 8)) {
            fprintf(stderr, "barebench-collect: --token is gone: a secret on the command line is "
                            "visible to every local user (ps).  Sign uploads with a fleet key "
                            "(--key-file FILE or BAREBENCH_KEY), or keep the legacy token with "
                            "--legacy-token-file FILE or BAREBENCH_TOKEN\n");
            return 2;
        } else if (!strcmp(a, "--allow-root")) {
            allow_root = 1;
        } else if (i + 1 < argc && !strcmp(a, "--head-timeout") && !number(argv[i + 1], 3600, &v) && v) {
            cfg.head_timeout_s = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--conns-per-addr") && !number(argv[i + 1], 100000, &v) && v) {
            cfg.conns_per_addr = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--rate-per-addr") && !number(argv[i + 1], 1000000, &v)) {
            cfg.rate_per_addr = v ? (int)v : -1, i++;
        } else if (i + 1 < argc && !strcmp(a, "--burst-per-addr") && !number(argv[i + 1], 1000000, &v) && v) {
            cfg.burst_per_addr = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--mem-budget") && !bytes(argv[i + 1], 1ull << 50, &v) && v) {
            cfg.mem_budget = (size_t)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--max-values") && !number(argv[i + 1], 1ull << 40, &v) && v) {
            cfg.max_values = (size_t)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--parsers") && !number(argv[i + 1], 256, &v) && v) {
            cfg.parsers = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--queue") && !number(argv[i + 1], 100000, &v) && v) {
            cfg.queue = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--trust-proxy")) {
            if (trust(&cfg, argv[++i]))
                return 2;
        } else if (i + 1 < argc && !strcmp(a, "--port") && !number(argv[i + 1], 65535, &v)) {
            port = (long)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--max-bytes") && !number(argv[i + 1], 1ull << 40, &v) && v) {
            cfg.max_bytes = (size_t)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--timeout") && !number(argv[i + 1], 3600, &v) && v) {
            cfg.timeout_s = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--body-timeout") && !number(argv[i + 1], 3600, &v) && v) {
            cfg.body_timeout_s = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--max-conns") && !number(argv[i + 1], 100000, &v) && v) {
            cfg.max_conns = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--threads") && !number(argv[i + 1], 256, &v) && v) {
            cfg.threads = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--quota-bytes") && !collect_parse_size(argv[i + 1], &v)) {
            cfg.quota_bytes = v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--quota-files") && !number(argv[i + 1], ~0ull, &v)) {
            cfg.quota_files = v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--reserve-bytes") && !collect_parse_size(argv[i + 1], &v) &&
                   v <= (1ull << 62)) {
            cfg.reserve_bytes = (long long)v, i++;
        } else if (!strcmp(a, "--no-db")) {
            no_db = 1;
        } else if (i + 1 < argc && !strcmp(a, "--db")) {
            db_arg = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--db-file")) {
            db_file = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--db-retry") && !number(argv[i + 1], 3600, &v) && v) {
            db_retry = (int)v, i++;
        } else if (i + 1 < argc && !strcmp(a, "--dir")) {
            cfg.dir = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--bind")) {
            bind_addr = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--key-file")) {
            key_file = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--legacy-token-file")) {
            token_file = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--tls-cert")) {
            tls_cert = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--tls-key")) {
            tls_key = argv[++i];
        } else {
            fprintf(stderr, "barebench-collect: bad or incomplete argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    char err[600];
    if (port < 0 || !cfg.dir) {
        usage(stderr);
        return 2;
    }
    if (collect_auth_setup(&cfg, key_file, token_file, err, sizeof err) ||
        collect_bind_allowed(&cfg, bind_addr, insecure_open, err, sizeof err) ||
        collect_tls_setup(&cfg, tls_cert, tls_key, err, sizeof err)) {
        fprintf(stderr, "barebench-collect: %s\n", err);
        return 2;
    }
    if (geteuid() == 0 && !allow_root) {
        fprintf(stderr, "barebench-collect: refusing to run as root: a collector takes documents "
                        "from the network and needs no privileges; run it as a plain user (the "
                        "systemd unit uses a dynamic one), or pass --allow-root\n");
        return 1;
    }
    char info[1200];
    if (prepare_dir(cfg.dir) || enough_files(cfg.max_conns))
        return 1;
    if (collect_store_open(&cfg, info, sizeof info, err, sizeof err)) {
        fprintf(stderr, "barebench-collect: %s\n", err);
        return 1;
    }
    printf("barebench-collect: %s\n", info);
    char db[2048];
    if (!no_db && (db_choice(db_arg, db_file, cfg.dir, db, sizeof db, err, sizeof err) ||
                   !(cfg.db = collect_db_start(db, &cfg, db_retry, err, sizeof err)))) {
        fprintf(stderr, "barebench-collect: %s\n", err);
        return 2;
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
    printf("barebench-collect: listening on %s port %d, storing in %s%s%s (%d connections, "
           "%d threads, timeout %d s, head within %d s, %d connections per address, memory "
           "budget %zu MiB)\n", bind_addr, real_port, cfg.dir, cfg.tls_cert ? ", HTTPS" : "",
           cfg.keylen ? " (signed uploads only)" : cfg.token ? " (legacy token required)"
                      : " (NO AUTHENTICATION: anyone who reaches it may store)",
           cfg.max_conns, cfg.threads, cfg.timeout_s, cfg.head_timeout_s, cfg.conns_per_addr,
           cfg.mem_budget >> 20);
    fflush(stdout);
    struct collect_server *srv = collect_start(&cfg, lfd, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "barebench-collect: %s\n", err);
        close(lfd);
        return 1;
    }
    collect_wait(srv);
    collect_stop(srv);
    collect_db_stop(cfg.db); /* what is queued: into the database, or marked pending */
    close(lfd);
    return 0;
}
