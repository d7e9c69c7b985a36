/* collect_gate.h - barebench-collect's front door: one thread accepts the connections, refuses an
 * address over its connection limit at once, holds each connection until its request head is
 * complete (within --head-timeout of the accept and never silent for --timeout: a client
 * trickling its head is cut off), answers a request whose Content-Length headers are malformed
 * or disagree itself (libmicrohttpd 0.9.75 sends its own answer's headers twice there), and
 * hands the rest to libmicrohttpd, at most max_busy at a time. */
#ifndef BB_COLLECT_GATE_H
#define BB_COLLECT_GATE_H

#include "tools/collect/collect_ip.h"
#include "tools/collect/collect_limits.h"

#include <sys/socket.h>

#define COLLECT_HEAD_MAX 16384 /* the longest request head (the image sends about 200 bytes) */
#define COLLECT_LINGER_MS 2000 /* after answering itself, how long the gate reads and drops */

struct collect_gate_cfg {
    int lfd;                        /* listening, non-blocking */
    int head_timeout_s;             /* from the accept to the end of the head */
    int idle_timeout_s;             /* silence allowed before the head is complete */
    int max_pending;                /* connections held before their head is in */
    int max_busy;                   /* connections handed over and not yet closed */
    int tls;                        /* HTTPS: the head is encrypted, so what must be in within the
                                       deadlines is the TLS ClientHello (its first record) */
    const struct collect_ip *trusted; /* proxies: exempt from the per-address connection limit */
    int ntrusted;
    struct collect_limits *limits;
    /* take a connection whose head is complete: 0 (its end then calls collect_gate_done), or
     * -1 when it could not (fd closed) */
    int (*hand)(void *cls, int fd, const struct sockaddr *sa, socklen_t len);
    void *cls;
};

struct collect_gate;

/** Start the gate's thread; NULL with the reason in err. */
struct collect_gate *collect_gate_start(const struct collect_gate_cfg *cfg, char *err, size_t errlen);

/** A connection handed over has closed (its peer address sa): the slot and the address's
 *  connection count are free again.  Any thread. */
void collect_gate_done(struct collect_gate *g, const struct sockaddr *sa);

/** Stop accepting and close the connections still held (not those handed over). */
void collect_gate_stop(struct collect_gate *g);

/** Free the gate (after the server that calls collect_gate_done has stopped). */
void collect_gate_free(struct collect_gate *g);

/** Where the first TLS record (the ClientHello) in the n bytes at b ends, 0 when it is not
 *  complete, or -1 when the bytes are no TLS handshake. */
long collect_tls_hello_end(const unsigned char *b, size_t n);

/** Where the request head in the n bytes at b ends (just past its empty line; blank lines
 *  before the request line are skipped as HTTP allows), or 0 when it is not complete. */
size_t collect_head_end(const char *b, size_t n);

/** The Content-Length headers of a complete head (end bytes at b): 0 when there is none or
 *  they are well-formed and agree, else the status of the refusal (400 malformed, continued on
 *  a folded line, or two different values; 413 a value beyond 64 bits) and why in msg. */
int collect_head_lengths(const char *b, size_t end, char *msg, size_t msglen);

#endif
