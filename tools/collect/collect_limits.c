/* collect_limits.c - per-address accounting for barebench-collect: a hash table of client
 * addresses (IPv4, IPv6 /64), each with its open connections, a token bucket of requests and
 * the bytes it has in flight; and the global memory budget.  One mutex: every call is short. */
#include "tools/collect/collect_limits.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NBUCKETS 4096

struct addr {
    struct addr *next;
    struct collect_ip key;    /* IPv6: the /64 (the rest zeroed) */
    int conns;
    size_t bytes;
    double tokens;
    long long last_ms;        /* when tokens was last brought up to date */
};

struct collect_limits {
    struct collect_limits_cfg cfg;
    pthread_mutex_t lock;
    struct addr *bucket[NBUCKETS];
    size_t count;             /* addresses in the table */
    size_t in_use;            /* bytes reserved, all addresses */
};

struct collect_limits *collect_limits_new(const struct collect_limits_cfg *cfg)
{
    struct collect_limits *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->cfg = *cfg;
    pthread_mutex_init(&l->lock, NULL);
    return l;
}

void collect_limits_free(struct collect_limits *l)
{
    if (!l)
        return;
    for (int i = 0; i < NBUCKETS; i++)
        for (struct addr *a = l->bucket[i], *n; a; a = n) {
            n = a->next;
            free(a);
        }
    pthread_mutex_destroy(&l->lock);
    free(l);
}

static void key_of(const struct collect_ip *ip, struct collect_ip *k)
{
    *k = *ip;
    if (k->family == AF_INET6)
        memset(k->b + 8, 0, 8);
}

static unsigned hash(const struct collect_ip *k)
{
    unsigned h = 2166136261u ^ (unsigned)k->family;
    for (int i = 0; i < 16; i++)
        h = (h ^ k->b[i]) * 16777619u;
    return h % NBUCKETS;
}

static int idle(const struct addr *a)
{
    return a->conns == 0 && a->bytes == 0;
}

/* Drop idle addresses: all of them (force), or those whose bucket has filled up again. */
static void drop_idle(struct collect_limits *l, long long now_ms, int force)
{
    for (int i = 0; i < NBUCKETS; i++)
        for (struct addr **p = &l->bucket[i]; *p;) {
            struct addr *a = *p;
            double full_ms = l->cfg.rate > 0 ? (l->cfg.burst - a->tokens) / l->cfg.rate * 1000 : 0;
            if (idle(a) && (force || now_ms - a->last_ms >= full_ms)) {
                *p = a->next;
                free(a);
                l->count--;
            } else {
                p = &a->next;
            }
        }
}

/* The entry of ip (created with a full bucket); NULL when the table is full of active ones. */
static struct addr *find(struct collect_limits *l, const struct collect_ip *ip, int create,
                         long long now_ms)
{
    struct collect_ip k;
    key_of(ip, &k);
    unsigned h = hash(&k);
    for (struct addr *a = l->bucket[h]; a; a = a->next)
        if (collect_ip_equal(&a->key, &k))
            return a;
    if (!create)
        return NULL;
    if (l->count >= COLLECT_LIMITS_MAX_ADDRS)
        drop_idle(l, now_ms, 1); /* forgets some rate history rather than refusing new clients */
    if (l->count >= COLLECT_LIMITS_MAX_ADDRS)
        return NULL;
    struct addr *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->key = k;
    a->tokens = l->cfg.burst;
    a->last_ms = now_ms;
    a->next = l->bucket[h];
    l->bucket[h] = a;
    l->count++;
    return a;
}

int collect_limits_conn_open(struct collect_limits *l, const struct collect_ip *ip)
{
    pthread_mutex_lock(&l->lock);
    struct addr *a = find(l, ip, 1, 0);
    int ok = a && a->conns < l->cfg.conns_per_addr;
    if (ok)
        a->conns++;
    pthread_mutex_unlock(&l->lock);
    return ok ? 0 : -1;
}

void collect_limits_conn_close(struct collect_limits *l, const struct collect_ip *ip)
{
    pthread_mutex_lock(&l->lock);
    struct addr *a = find(l, ip, 0, 0);
    if (a && a->conns > 0)
        a->conns--;
    pthread_mutex_unlock(&l->lock);
}

int collect_limits_request(struct collect_limits *l, const struct collect_ip *ip, long long now_ms)
{
    if (l->cfg.rate <= 0)
        return 0;
    pthread_mutex_lock(&l->lock);
    struct addr *a = find(l, ip, 1, now_ms);
    int wait = 0;
    if (!a) {
        wait = 1;
    } else {
        if (now_ms > a->last_ms) {
            a->tokens += (double)(now_ms - a->last_ms) * l->cfg.rate / 1000;
            if (a->tokens > l->cfg.burst)
                a->tokens = l->cfg.burst;
        }
        a->last_ms = now_ms > a->last_ms ? now_ms : a->last_ms;
        if (a->tokens >= 1) {
            a->tokens -= 1;
        } else {
            double s = (1 - a->tokens) / l->cfg.rate;
            wait = (int)s + ((double)(int)s < s);
            if (wait < 1)
                wait = 1;
        }
    }
    pthread_mutex_unlock(&l->lock);
    return wait;
}

enum collect_reserve collect_limits_reserve(struct collect_limits *l, const struct collect_ip *ip,
                                            size_t bytes)
{
    size_t share = l->cfg.mem_budget / 2;
    if (bytes > share)
        return COLLECT_TOO_BIG;
    enum collect_reserve r = COLLECT_RESERVED;
    pthread_mutex_lock(&l->lock);
    struct addr *a = find(l, ip, 1, 0);
    if (!a || bytes > l->cfg.mem_budget - l->in_use)
        r = COLLECT_BUDGET_FULL;
    else if (bytes > share - a->bytes)
        r = COLLECT_ADDR_FULL;
    else
        a->bytes += bytes, l->in_use += bytes;
    pthread_mutex_unlock(&l->lock);
    return r;
}

void collect_limits_release(struct collect_limits *l, const struct collect_ip *ip, size_t bytes)
{
    pthread_mutex_lock(&l->lock);
    struct addr *a = find(l, ip, 0, 0);
    if (a)
        a->bytes -= bytes <= a->bytes ? bytes : a->bytes;
    l->in_use -= bytes <= l->in_use ? bytes : l->in_use;
    pthread_mutex_unlock(&l->lock);
}

size_t collect_limits_in_use(struct collect_limits *l)
{
    pthread_mutex_lock(&l->lock);
    size_t n = l->in_use;
    pthread_mutex_unlock(&l->lock);
    return n;
}

void collect_limits_sweep(struct collect_limits *l, long long now_ms)
{
    pthread_mutex_lock(&l->lock);
    drop_idle(l, now_ms, 0);
    pthread_mutex_unlock(&l->lock);
}
