/* collect.h - barebench-collect's parts: the HTTP side on libmicrohttpd (collect_http.c) and
 * checking + storing documents, one file per run id, never overwriting (collect_store.c). */
#ifndef BB_COLLECT_H
#define BB_COLLECT_H

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
    const char *tls_cert;     /* HTTPS: the certificate chain (PEM text, collect_tls.c); NULL: HTTP */
    const char *tls_key;      /* its private key (PEM text) */
};

struct collect_server;

/** Start serving on the listening socket lfd (non-blocking, bound, listening) with cfg's rules;
 *  every request is logged to stdout as "barebench-collect: PEER: STATUS MESSAGE".  NULL with
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
