/* fake_mp.c - the fake firmware MP service of fake_mp.h (threads as APs, fast fake clock). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/fake_mp.h"

struct fake_mp fake_mp;

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u) * 100u;
}

static void stall_us(uint64_t us) { usleep((useconds_t)(us / 100 + 1)); }

struct ap_thread {
    int proc;
    void *arg;
};

static void *ap_main(void *p)
{
    struct ap_thread *t = p;
    mp_ap_entry(t->arg);
    if (t->proc != fake_mp.never_complete)
        __atomic_store_n(&fake_mp.done[t->proc], 1, __ATOMIC_RELEASE);
    free(t);
    return NULL;
}

static pthread_t spawn(int proc, void *arg)
{
    struct ap_thread *t = malloc(sizeof *t);
    assert_non_null(t);
    t->proc = proc;
    t->arg = arg;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, ap_main, t), 0);
    return th;
}

static int answer(void)
{
    fake_mp.starts++;
    if (fake_mp.not_ready_left) {
        if (fake_mp.not_ready_left > 0)
            fake_mp.not_ready_left--;
        return MP_NOT_READY;
    }
    return MP_OK;
}

static int start_ap(void *ctx, int proc, void *arg, uint64_t timeout_us)
{
    (void)ctx;
    assert_true(timeout_us > 0); /* the firmware always gets a finite timeout */
    if (fake_mp.unsupported)
        return MP_UNSUPPORTED;
    int st = answer();
    if (st != MP_OK)
        return st;
    fake_mp.done[proc] = 0;
    if (proc != fake_mp.never_arrive) /* else: accepted, and nothing ever runs */
        pthread_detach(spawn(proc, arg));
    return MP_OK;
}

static int ap_done(void *ctx, int proc)
{
    (void)ctx;
    return __atomic_load_n(&fake_mp.done[proc], __ATOMIC_ACQUIRE);
}

static void ap_release(void *ctx, int proc) { (void)ctx, (void)proc; }

static int start_all_blocking(void *ctx, void *arg, uint64_t timeout_us)
{
    (void)ctx;
    assert_true(timeout_us > 0);
    int st = answer();
    if (st != MP_OK)
        return st;
    pthread_t th[FAKE_MP_NAPS];
    for (int i = 0; i < FAKE_MP_NAPS; i++)
        th[i] = spawn(i + 1, arg);
    for (int i = 0; i < FAKE_MP_NAPS; i++)
        pthread_join(th[i], NULL);
    return MP_OK;
}

const struct mp_ops fake_mp_ops = {NULL, start_ap, ap_done, ap_release, start_all_blocking,
                                   stall_us, now_us, NULL, NULL};

void fake_mp_reset(struct mp_state *st)
{
    memset(&fake_mp, 0, sizeof fake_mp);
    fake_mp.never_arrive = fake_mp.never_complete = -1;
    memset(st, 0, sizeof *st);
    st->naps = FAKE_MP_NAPS;
    for (int i = 0; i < FAKE_MP_NAPS; i++)
        st->ap[i] = i + 1;
}
