/* collect.h - barebench-collect's parts: the HTTP side on libmicrohttpd (collect_http.c) behind
 * a front door that holds connections until their head is in (collect_gate.c), per-address
 * limits and the memory budget (collect_limits.c), the parse queue (collect_queue.c), and
 * checking + storing documents, one file per run id, never overwriting (collect_store.c). */
#ifndef BB_COLLECT_H
#define BB_COLLECT_H

#include <jansson.h>
#include "tools/collect/collect_ip.h"

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
#define COLLECT_QUOTA_BYTES_DEFAULT (10ull << 30) /* documents in DIR: 10 GiB ... */
#define COLLECT_QUOTA_FILES_DEFAULT 100000ull     /* ... and 100000 files */
#define COLLECT_RESERVE_AUTO (-1LL)   /* --reserve-bytes default: 1% of the file system, at most */
#define COLLECT_RESERVE_CAP (256ll << 20) /* 256 MiB, stays free on it */
#define COLLECT_PENDING_SUFFIX ".pending" /* DIR/.runs/RUN_ID.pending: a run being stored */
#define COLLECT_LOCK_FILE ".barebench-collect.lock" /* DIR/..., held by the collector using DIR */
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
    const char *token;   /* legacy shared token (collect_auth.c); NULL: none */
    size_t max_bytes;
    int timeout_s;
    int body_timeout_s;
    int max_conns;
    int threads;
    int once;            /* stop after the first stored (201) document */
    const unsigned char *key; /* fleet key: every upload signed with it (collect_auth.c) */
    size_t keylen;            /* 0: no key */
    unsigned long long quota_bytes; /* the documents in dir may weigh this much (0: no limit) */
    unsigned long long quota_files; /* ...and be this many files (0: no limit) */
    long long reserve_bytes;        /* free space kept on dir's file system (COLLECT_RESERVE_AUTO) */
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
    const char *tls_cert;     /* HTTPS: the certificate chain (PEM text, collect_tls.c); NULL: HTTP */
    const char *tls_key;      /* its private key (PEM text) */
    struct collect_db *db;    /* the fleet database's thread (collect_db.h); NULL: --no-db */
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

/** Make cfg->dir ready to store in, before serving: take its lock (one collector per
 *  directory, held until exit), finish or undo what a killed collector left (temporaries,
 *  unfinished run-id claims: collect_recover.c) and count what the directory holds for the
 *  quota.  0 with a one-line summary in info, or -1 with the reason in err. */
int collect_store_open(const struct collect_cfg *cfg, char *info, size_t infolen, char *err,
                       size_t errlen);

/** Validate body as a barebench document and store it in cfg->dir.  A document with
 *  tool.run_id is stored once per run id: a repeat with the same bytes answers 200 "already
 *  stored as NAME", with other bytes 409, whatever the quota.  A document short of the
 *  minimum (collect_doc_check) is refused with 400, one the quota or the free-space reserve has
 *  no room for with 507.  Returns the HTTP status (201, 200, 400, 409, 507 or 500) and a
 *  message; the stored path (201) or the existing one (200, 409) goes to `stored`. */
int collect_store(const char *body, size_t n, const struct collect_cfg *cfg, char *msg,
                  size_t msglen, char *stored, size_t storedlen);

/** The minimum document the collector keeps (tools/collect/collect_doc.c): every member docs/schema.json
 *  requires, of the type it says (at every level: tool, env, results[], skipped[], errors[]);
 *  env, the machine's identity; and at least one entry in results, or, for a run that measured
 *  nothing, in skipped or errors.  0, or -1 with what is missing or wrong in msg. */
int collect_doc_check(json_t *root, char *msg, size_t msglen);

/* The quota (tools/collect/collect_quota.c): usage of cfg->dir counted by collect_quota_scan, kept up to
 * date under a lock by reserve (before a document is written) and release (after). */
int collect_quota_scan(const char *dir, char *err, size_t errlen);
/** Room for one more document of n bytes: 0 (reserved until collect_quota_release), or 507 with
 *  the limit it would pass in msg. */
int collect_quota_reserve(const struct collect_cfg *cfg, size_t n, char *msg, size_t msglen);
/** Room for n more bytes written in the file system holding path (the database beside the
 *  documents), leaving the reserve free: 0, or -1 with what is short in msg. */
int collect_room_for(const struct collect_cfg *cfg, const char *path, size_t n, char *msg,
                     size_t msglen);
/** End a reservation: `stored` 1 when the document now is a file in the directory. */
void collect_quota_release(size_t n, int stored);
/** The documents counted in the directory (for the start-up line and tests). */
void collect_quota_usage(unsigned long long *bytes, unsigned long long *files);
/** "10G", "512M", "64K", "1000": a byte count with an optional binary suffix; 0 or -1. */
int collect_parse_size(const char *s, unsigned long long *out);

/* Shared by collect_store.c and collect_recover.c. */
/** Is run_id stored in dir?  0: no (an index entry whose file was removed is dropped);
 *  200 (stored with the same bytes as body) or 409 (other bytes) with "already stored as NAME"
 *  in msg and the file in stored; 500 when the index or the file cannot be read. */
int collect_run_lookup(const char *dir, const char *run_id, const char *body, size_t n, char *msg,
                       size_t msglen, char *stored, size_t storedlen);
/** fsync a directory, so that the names made in it are on disk. */
void collect_sync_dir(const char *dir);
struct stat;
/** Call fn(dir_fd, name, st, ctx) for each regular file directly in dir (symlinks not followed).
 *  0, or -1 with the reason in err when dir cannot be read. */
int collect_each_file(const char *dir, void (*fn)(int, const char *, const struct stat *, void *),
                      void *ctx, char *err, size_t errlen);

/** 1 when s is a valid run id: exactly 32 lowercase hexadecimal digits (128 bits). */
int collect_run_id_ok(const char *s);

/** The file name (no directory, no ".json") for a document: tag_hypervisor_system_TIME, plus
 *  _RUNID8 (the run id's first 8 digits) when run_id is not NULL; reduced to [A-Za-z0-9._-]. */
void collect_name(const char *tag, const char *hv, const char *system, long long unix_time,
                  const char *run_id, char *out, size_t n);

/* ---- who may store (collect_auth.c) ---- */

/** The secrets from where they may come (never argv): the fleet key from key_file or
 *  BAREBENCH_KEY, else the legacy token from token_file or BAREBENCH_TOKEN (NULL: not given).
 *  Sets cfg->key/keylen or cfg->token.  0, or -1 with err: an empty or malformed key, an empty
 *  token, an unreadable file, a key and a token together. */
int collect_auth_setup(struct collect_cfg *cfg, const char *key_file, const char *token_file,
                       char *err, size_t errlen);

/** 0 when the collector may listen on bind_addr: a loopback address, or with a fleet key, or
 *  insecure_open; else -1 with err saying why and what to do. */
int collect_bind_allowed(const struct collect_cfg *cfg, const char *bind_addr, int insecure_open,
                         char *err, size_t errlen);

/* ---- HTTPS (collect_tls.c) ---- */

/** Read --tls-cert and --tls-key (PEM files) into cfg->tls_cert/tls_key after checking that this
 *  libmicrohttpd has TLS, that both parse and that the key belongs to the certificate.  Neither
 *  given: 0 and plain HTTP.  0, or -1 with err naming the problem. */
int collect_tls_setup(struct collect_cfg *cfg, const char *cert_file, const char *key_file,
                      char *err, size_t errlen);

/** What the request head said about who sent it (filled by collect_auth_head). */
struct collect_auth {
    int signed_upload;          /* a signature to check once the body is in */
    char run_id[33];            /* X-Barebench-Run-Id */
    unsigned char mac[32];      /* X-Barebench-Signature */
};

/** A header of the request by name (NULL: absent). */
typedef const char *(*collect_header_fn)(void *ctx, const char *name);

/** At head time, before any body is buffered: with a key, the signature and run id headers are
 *  there and well-formed; with a token, it matches (constant time).  0, or the status of the
 *  refusal (401 missing/wrong, 400 malformed) with msg. */
int collect_auth_head(const struct collect_cfg *cfg, collect_header_fn header, void *ctx,
                      struct collect_auth *a, char *msg, size_t msglen);

/** Once the body is in (the MAC needs all of it; computed there, not as it arrives): a signed
 *  upload's MAC matches (constant time), and the document's tool.run_id is the run id signed.
 *  0, or 401 (wrong signature, another run id), 500, with msg. */
int collect_auth_body(const struct collect_cfg *cfg, const struct collect_auth *a, const char *body,
                      size_t n, char *msg, size_t msglen);

/** HMAC-SHA256 (libcrypto) of UPLOAD_SIG_PREFIX + run_id + "\n" + body under key.  0 or -1. */
int collect_auth_mac(const unsigned char *key, size_t keylen, const char *run_id, const char *body,
                     size_t n, unsigned char out[32]);

#endif
