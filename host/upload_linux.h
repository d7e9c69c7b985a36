/* upload_linux.h - what the Linux build's plain and TLS uploads share: a monotonic clock, a bounded
 * wait on a socket, and the TLS layer over a connected socket (host/upload_tls_linux.c). */
#ifndef BB_UPLOAD_LINUX_H
#define BB_UPLOAD_LINUX_H

#include <stddef.h>
#include <sys/types.h>

long long upload_now_ms(void);

/** Wait for fd to become ready for `events` before the deadline: 1 ready, 0 timed out, -1 error. */
int upload_wait_fd(int fd, short events, long long deadline);

struct upload_tls;

/** TLS client handshake on the connected non-blocking socket fd, verifying the peer's chain
 *  against ca_file (PEM or DER; NULL or "": the system's CAs) and its name or IP address against
 *  host, before deadline.  NULL with the reason in why (naming a verification failure). */
struct upload_tls *upload_tls_open(int fd, const char *host, const char *ca_file,
                                   long long deadline, char *why, size_t whylen);
/** Send all of s: 0, or -1 (timeout, error). */
int upload_tls_send(struct upload_tls *t, const char *s, size_t n, long long deadline);
/** Receive up to n bytes: how many, 0 at the end of the stream, -1 on error or timeout. */
ssize_t upload_tls_recv(struct upload_tls *t, char *buf, size_t n, long long deadline);
/** Close notify (not waited for) and free; the socket stays the caller's. */
void upload_tls_close(struct upload_tls *t);

#endif
