/* collect.h - barebench-collect's parts: the HTTP side on libmicrohttpd (collect_http.c) behind
 * a front door that holds connections until their head is in (collect_gate.c), per-address
 * limits and the memory budget (collect_limits.c), the parse queue (collect_queue.c), and
 * checking + storing documents, one file per run id, never overwriting (collect_store.c). */
#ifndef BB_COLLECT_H
#define BB_COLLECT_H

#include "tools/collect_ip.h"

#include <stddef.h>

#define COLLECT_MAX_BYTES_DEFAULT (16u << 20)
#define COLLECT_TIMEOUT_DEFAULT 10   /* seconds of silence that cut a client off */
#define COLLECT_BODY_TIMEOUT_DEFAULT 60 /* seconds a body may take once its head is in (a client
                                           trickling bytes is cut too); the image gives up after
                                           20 s, so this only stops hostile clients */
#define COLLECT_MAX_CONNS_DEFAULT 512 /* connections served at once; more wait in the backlog */
#define COLLECT_BACKLOG 4096          /* listen backlog (the kernel caps it at somaxconn) */
#define COLLECT_THREADS_DEFAULT 4     /* epoll threads serving the connections */
#define COLLECT_RUNS_DIR ".runs"      /* DIR/.runs/RUN_ID -> ../NAME.json: the run id index */
#define COLLECT_HEAD_TIMEOUT_DEFAULT 5 /* seconds from the accept to a complete request head */
#define COLLECT_CONNS_PER_ADDR_DEFAULT 32 /* connections open at once from one client address */
#define COLLECT_RATE_PER_ADDR_DEFAULT 10  /* requests per second per client address ... */
#define COLLECT_BURST_PER_ADDR_DEFAULT 50 /* ... with this many at once */
#define COLLECT_MEM_BUDGET_DEFAULT (256ull << 20) /* bytes of bodies + parses in flight */
#define COLLECT_MAX_VALUES_DEFAULT 1000000 /* JSON values in a document (a run has thousands) */
#define COLLECT_PARSERS_DEFAULT 4     /* threads parsing and storing documents (the first:
                                         only documents up to COLLECT_SMALL_DOC) */
#define COLLECT_QUEUE_DEFAULT 256     /* documents waiting for a parser; more are answered 503 */
#define COLLECT_SMALL_DOC (1u << 20)  /* a document this small has a parser of its own */
#define COLLECT_TRIM_BYTES (8u << 20) /* after a parse this big, memory goes back to the system */
#define COLLECT_RETRY_AFTER_S 2       /* Retry-After of a 503 (budget or queue full) */
#define COLLECT_TRUST_MAX 16          /* --trust-proxy addresses */

struct collect_cfg {
    const char *dir;
    const char *token;   /* NULL: no token needed */
    size_t max_bytes;
    int timeout_s;
    int body_timeout_s;
    int max_conns;
    int threads;
    int once;            /* stop after the first stored (201) document */
    /* 0 in any of these: the default */
    int head_timeout_s;
    int conns_per_addr;
    int rate_per_addr;   /* below 0: no request rate limit */
    int burst_per_addr;
    size_t mem_budget;
    size_t max_values;
    int parsers;
    int queue;
    struct collect_ip trusted[COLLECT_TRUST_MAX]; /* proxies whose X-Forwarded-For names the client */
    int ntrusted;
};

struct collect_server;

/** Start serving on the listening socket lfd (non-blocking, bound, listening) with cfg's rules;
 *  every request is logged to stdout as "barebench-collect: CLIENT: STATUS MESSAGE" (escaped:
 *  collect_log.h).  NULL with
 *  the reason in err when the server cannot start.  With cfg->once, collect_wait returns after
 *  the first stored document. */
struct collect_server *collect_start(const struct collect_cfg *cfg, int lfd, char *err, size_t errlen);

/** Block until a signal (SIGINT/SIGTERM) or, with --once, the first stored document. */
void collect_wait(struct collect_server *s);

/** Stop serving (connections in flight are closed) and free the server. */
void collect_stop(struct collect_server *s);

/** Validate body as a barebench document and store it in cfg->dir.  A document with
 *  tool.run_id is stored once per run id: a repeat with the same bytes answers 200 "already
 *  stored as NAME", with other bytes 409.  Returns the HTTP status (201, 200, 400, 409 or 500)
 *  and a message; the stored path (201) or the existing one (200, 409) goes to `stored`. */
int collect_store(const char *body, size_t n, const struct collect_cfg *cfg, char *msg,
                  size_t msglen, char *stored, size_t storedlen);

/** 1 when s is a valid run id: exactly 32 lowercase hexadecimal digits (128 bits). */
int collect_run_id_ok(const char *s);

/** The file name (no directory, no ".json") for a document: tag_hypervisor_system_TIME, plus
 *  _RUNID8 (the run id's first 8 digits) when run_id is not NULL; reduced to [A-Za-z0-9._-]. */
void collect_name(const char *tag, const char *hv, const char *system, long long unix_time,
                  const char *run_id, char *out, size_t n);

#endif
