/* collect_watch.c - the head deadline for connections libmicrohttpd serves over TLS: a thread
 * looks at the connections every 250 ms and shuts down those whose request head is not in
 * within --head-timeout of the hand-over (libmicrohttpd then closes them and logs why). */
#include "tools/collect/collect_watch.h"
#include "tools/collect/collect_ip.h"
#include "tools/collect/collect_log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct collect_watch {
    pthread_mutex_t lock;
    pthread_t thread;
    int stop;
    int head_timeout_s;
    struct collect_conn *list;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int overdue(const struct collect_conn *c, long long now, int head_timeout_s)
{
    return !c->began && c->fd >= 0 && now - c->start_ms > (long long)head_timeout_s * 1000;
}

int collect_watch_due(const struct collect_conn *list, long long now, int head_timeout_s)
{
    int n = 0;
    for (const struct collect_conn *c = list; c; c = c->next)
        n += overdue(c, now, head_timeout_s);
    return n;
}

/* The fd still belongs to this connection: the same peer (a closed fd reused by a new
 * connection before the record is removed would name another). */
static int same_peer(const struct collect_conn *c)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    return !getpeername(c->fd, (struct sockaddr *)&ss, &l) && l == c->peerlen &&
           !memcmp(&ss, &c->peer, l);
}

static void *watch_thread(void *arg)
{
    struct collect_watch *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        if (w->stop) {
            pthread_mutex_unlock(&w->lock);
            return NULL;
        }
        long long now = now_ms();
        for (struct collect_conn *c = w->list; c; c = c->next) {
            if (!overdue(c, now, w->head_timeout_s))
                continue;
            if (same_peer(c)) {
                struct collect_ip ip;
                char who[COLLECT_IP_TEXT];
                collect_ip_from_sockaddr((const struct sockaddr *)&c->peer, &ip);
                collect_ip_text(&ip, who, sizeof who);
                collect_log(who, 0, "cut off: no complete request head within --head-timeout "
                                    "of the TLS handshake's start");
                shutdown(c->fd, SHUT_RDWR);
            }
            c->fd = -1; /* cut (or gone): never again */
        }
        pthread_mutex_unlock(&w->lock);
        usleep(250000);
    }
}

struct collect_watch *collect_watch_start(int head_timeout_s)
{
    struct collect_watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    pthread_mutex_init(&w->lock, NULL);
    w->head_timeout_s = head_timeout_s;
    if (pthread_create(&w->thread, NULL, watch_thread, w)) {
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

struct collect_conn *collect_watch_add(struct collect_watch *w, int fd, const struct sockaddr *peer,
                                       socklen_t peerlen)
{
    struct collect_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    c->start_ms = now_ms();
    if (peer && peerlen <= sizeof c->peer) {
        memcpy(&c->peer, peer, peerlen);
        c->peerlen = peerlen;
    }
    if (!w)
        return c;
    pthread_mutex_lock(&w->lock);
    c->next = w->list;
    if (w->list)
        w->list->prev = c;
    w->list = c;
    pthread_mutex_unlock(&w->lock);
    return c;
}

void collect_watch_remove(struct collect_watch *w, struct collect_conn *c)
{
    if (!c)
        return;
    if (w) {
        pthread_mutex_lock(&w->lock);
        if (c->prev)
            c->prev->next = c->next;
        else if (w->list == c)
            w->list = c->next;
        if (c->next)
            c->next->prev = c->prev;
        pthread_mutex_unlock(&w->lock);
    }
    free(c);
}

void collect_watch_stop(struct collect_watch *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
