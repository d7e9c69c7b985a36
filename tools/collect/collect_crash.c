/* collect_crash.c - the crash seam of collect_crash.h, linked only into the test build
 * build/tests/barebench-collect-crash: SIGKILL at the Nth arrival at a named step. */
#include "tools/collect/collect_crash.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char g_step[32];
static long g_at;        /* 0: no crash asked for */
static long g_seen;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void read_env(void)
{
    const char *v = getenv("BAREBENCH_COLLECT_CRASH_AT"), *colon = v ? strrchr(v, ':') : NULL;
    if (!colon || (size_t)(colon - v) >= sizeof g_step || atol(colon + 1) <= 0)
        return;
    memcpy(g_step, v, (size_t)(colon - v));
    g_at = atol(colon + 1);
}

void collect_crash_point(const char *step)
{
    pthread_once(&g_once, read_env);
    if (!g_at || strcmp(step, g_step))
        return;
    pthread_mutex_lock(&g_lock);
    if (++g_seen == g_at) {
        fprintf(stderr, "barebench-collect: crash seam: SIGKILL at %s:%ld\n", step, g_at);
        kill(getpid(), SIGKILL);
    }
    pthread_mutex_unlock(&g_lock);
}
