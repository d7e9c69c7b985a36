/* collect_limits.h - barebench-collect's per-address limits and memory budget: connections open
 * per client address, a request rate per address (token bucket), and the bytes of bodies and
 * parses in flight (all addresses together, and at most half of that for one address).  An
 * IPv6 client counts by its /64 (one host usually holds a whole /64). */
#ifndef BB_COLLECT_LIMITS_H
#define BB_COLLECT_LIMITS_H

#include "tools/collect/collect_ip.h"

#include <stddef.h>

#define COLLECT_LIMITS_MAX_ADDRS 65536 /* addresses remembered at once (idle ones are forgotten) */

struct collect_limits_cfg {
    int conns_per_addr;       /* connections open at once from one address */
    double rate;              /* requests per second per address, on average ... */
    double burst;             /* ... with up to this many at once */
    size_t mem_budget;        /* bytes of bodies + parses in flight, all addresses */
};

struct collect_limits;

struct collect_limits *collect_limits_new(const struct collect_limits_cfg *cfg);
void collect_limits_free(struct collect_limits *l);

/** A connection from ip opens: 0, or -1 when ip already has conns_per_addr open (or the table
 *  of addresses is full of active ones).  Every 0 is matched by one collect_limits_conn_close. */
int collect_limits_conn_open(struct collect_limits *l, const struct collect_ip *ip);
void collect_limits_conn_close(struct collect_limits *l, const struct collect_ip *ip);

/** A request from ip at now_ms (a monotonic clock): 0 when it may go on (a token is taken), else
 *  the seconds until ip has a token again (for Retry-After, at least 1). */
int collect_limits_request(struct collect_limits *l, const struct collect_ip *ip, long long now_ms);

enum collect_reserve { COLLECT_RESERVED, COLLECT_BUDGET_FULL, COLLECT_ADDR_FULL, COLLECT_TOO_BIG };

/** Take bytes of the memory budget for ip: COLLECT_RESERVED, or why not: the budget has not that
 *  much left now (COLLECT_BUDGET_FULL) or ip holds its share, half of the budget
 *  (COLLECT_ADDR_FULL): both pass; COLLECT_TOO_BIG: more than an address's share, never fits. */
enum collect_reserve collect_limits_reserve(struct collect_limits *l, const struct collect_ip *ip,
                                            size_t bytes);
void collect_limits_release(struct collect_limits *l, const struct collect_ip *ip, size_t bytes);

/** Bytes of the budget in use now. */
size_t collect_limits_in_use(struct collect_limits *l);

/** Forget addresses with nothing open, nothing reserved and a full bucket (called now and then). */
void collect_limits_sweep(struct collect_limits *l, long long now_ms);

#endif
