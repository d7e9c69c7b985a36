/* collect.h - barebench-collect's parts: HTTP request reading with deadlines (collect_http.c)
 * and checking + storing documents without overwriting (collect_store.c). */
#ifndef BB_COLLECT_H
#define BB_COLLECT_H

#include <stddef.h>

#define COLLECT_HEADER_MAX 16384
#define COLLECT_MAX_BYTES_DEFAULT (16u << 20)
#define COLLECT_TIMEOUT_DEFAULT 10 /* seconds a client gets for a whole request */

struct collect_cfg {
    const char *dir;
    const char *token;   /* NULL: no token needed */
    size_t max_bytes;
    int timeout_s;
};

/* What one connection came to. */
struct collect_result {
    int status;          /* HTTP status sent */
    char msg[600];       /* the message sent with it */
    char stored[512];    /* path of the stored file when status == 201 */
};

/** Serve one connection on fd: read a request within the deadline, check the token and size,
 *  validate and store the document, answer, and close fd. */
void collect_serve(int fd, const struct collect_cfg *cfg, struct collect_result *res);

/** Validate body as a barebench document and store it in cfg->dir under a name from its machine
 *  identity and the time; never overwrites.  Returns the HTTP status (201, 400 or 500) and a
 *  message; the stored path goes to `stored`. */
int collect_store(const char *body, size_t n, const struct collect_cfg *cfg, char *msg,
                  size_t msglen, char *stored, size_t storedlen);

/** The file name (no directory, no ".json") for a document: tag_hypervisor_system_TIME,
 *  reduced to [A-Za-z0-9._-]. */
void collect_name(const char *tag, const char *hv, const char *system, long long unix_time,
                  char *out, size_t n);

#endif
