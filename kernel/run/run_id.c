/* run_id.c - tool.run_id: 128 random bits made once per run, so that the collector stores a
 * run once however often it is uploaded; plus the jitter source for upload retries. */
#include "kernel/run/run_id.h"
#include "kernel/machine/clock.h"
#include "kernel/platform.h"

#include <string.h>

static char g_id[33];
static uint64_t g_state;
static const char *g_source = "";

uint64_t run_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t run_random(void)
{
    g_state += 0x9e3779b97f4a7c15ull;
    return run_mix64(g_state);
}

const char *run_id_start(void)
{
    if (g_id[0])
        return g_source;
    uint64_t w[2] = {0, 0};
    int rng = plat_entropy(w, sizeof w) == 0;
    g_source = rng ? "rng" : "tsc-mix";
    /* always mix in what differs between machines booted together: the TSC (cycles since
     * reset, read twice around a firmware call) and the time; with a real random source this
     * adds nothing, without one it keeps a rack's ids apart */
    uint64_t t0 = clock_ticks();
    uint64_t now = (uint64_t)plat_unix_time();
    uint64_t t1 = clock_ticks();
    w[0] ^= run_mix64(t0 ^ (now << 32));
    w[1] ^= run_mix64(t1 + 0x9e3779b97f4a7c15ull * (t1 - t0 + 1) + (uintptr_t)&w);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        uint8_t b = (uint8_t)(w[i / 8] >> (8 * (i % 8)));
        g_id[2 * i] = hex[b >> 4];
        g_id[2 * i + 1] = hex[b & 15];
    }
    g_id[32] = '\0';
    g_state = w[0] ^ run_mix64(w[1]);
    return g_source;
}

const char *run_id(void)
{
    return g_id;
}
