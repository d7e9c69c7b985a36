/* collect_watch.h - the head deadline on an HTTPS port: the front door (collect_gate.c) cannot
 * read an encrypted request head, so connections are handed to libmicrohttpd once the TLS
 * ClientHello is in, and this watch cuts (shutdown) those whose request head has not arrived
 * within --head-timeout of the hand-over; trickling the head a byte at a time does not help. */
#ifndef BB_COLLECT_WATCH_H
#define BB_COLLECT_WATCH_H

#include <sys/socket.h>

/* One connection libmicrohttpd serves; `began` first, so the server may flag it through an
 * int pointer when a request head is in. */
struct collect_conn {
    int began;                        /* a complete request head arrived */
    int fd;
    long long start_ms;
    struct sockaddr_storage peer;
    socklen_t peerlen;
    struct collect_conn *prev, *next;
};

struct collect_watch;

/** Start the watch thread (head_timeout_s > 0); NULL when it cannot. */
struct collect_watch *collect_watch_start(int head_timeout_s);

/** A connection starts: a new record (watched when w is not NULL); NULL when out of memory. */
struct collect_conn *collect_watch_add(struct collect_watch *w, int fd, const struct sockaddr *peer,
                                       socklen_t peerlen);

/** The connection closed: forget and free its record (before its fd can be reused). */
void collect_watch_remove(struct collect_watch *w, struct collect_conn *c);

/** Stop the thread and free the watch (records still listed stay with their connections). */
void collect_watch_stop(struct collect_watch *w);

/** The records due to be cut at now_ms (not began, older than the deadline): how many. */
int collect_watch_due(const struct collect_conn *list, long long now_ms, int head_timeout_s);

#endif
