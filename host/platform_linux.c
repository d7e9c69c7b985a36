/* platform_linux.c - the platform interface for the Linux build: stdout, malloc/mmap (with
 * transparent huge pages on request), pinned pthreads, CLOCK_MONOTONIC_RAW as the reference. */
#include "kernel/platform.h"
#include "host/host.h"
#include "kernel/machine/mp_run.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

void plat_write(const char *s, size_t n)
{
    fwrite(s, 1, n, stdout);
    fflush(stdout);
}

void plat_write_document(const char *s, size_t n, int on_screen, char *where, size_t where_len)
{
    (void)on_screen; /* a terminal scrolls back: the document always goes to stdout */
    plat_write(s, n);
    snprintf(where, where_len, "stdout");
}

void *plat_alloc(size_t bytes)
{
    return calloc(1, bytes ? bytes : 1);
}

void plat_free(void *p)
{
    free(p);
}

void *plat_alloc_pages(size_t bytes, size_t align, unsigned flags)
{
    if (align < 4096)
        align = 4096;
    size_t len = bytes + align;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uintptr_t a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
    /* give back the unaligned head and the tail, so munmap(a, bytes) frees all */
    if (a > (uintptr_t)p)
        munmap(p, a - (uintptr_t)p);
    size_t tail = (uintptr_t)p + len - (a + bytes);
    size_t tail_page = ((a + bytes + 4095) & ~(uintptr_t)4095) - (a + bytes);
    if (tail > tail_page)
        munmap((void *)((a + bytes + 4095) & ~(uintptr_t)4095), tail - tail_page);
    madvise((void *)a, bytes, (flags & PLAT_PAGES_HUGE) ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    return (void *)a;
}

void plat_free_pages(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes);
}

uint64_t plat_largest_free(void)
{
    return host_meminfo_bytes("MemAvailable");
}

/* The processors we may run on, sized by the machine (no CPU_SETSIZE limit). */
static cpu_set_t *allowed;
static size_t allowed_size;
static int *cpu_ids;
static int ncpu;
static const int *selection; /* plat_cpu_select: run index -> processor number */

static struct mp_state *fake_mp; /* host_mp_fake: unit tests of the firmware MP path */
static const struct mp_ops *fake_ops;

void host_mp_fake(struct mp_state *m, const struct mp_ops *o)
{
    fake_mp = m;
    fake_ops = o;
}

int plat_cpu_total(void)
{
    return fake_mp ? fake_mp->naps + 1 : plat_cpu_count();
}

int plat_cpu_left_out(int proc)
{
    return fake_mp ? mp_left_out(fake_mp, proc) : 0; /* Linux threads are never left out */
}

int plat_cpu_lost_running(void)
{
    return fake_mp ? fake_mp->lost_running : 0;
}

int plat_cpu_count(void)
{
    if (fake_mp)
        return mp_usable(fake_mp);
    if (ncpu)
        return ncpu;
    long conf = sysconf(_SC_NPROCESSORS_CONF);
    int max = conf > 0 ? (int)conf : 1;
    for (;; max *= 2) { /* grow until the kernel's mask fits */
        allowed_size = CPU_ALLOC_SIZE(max);
        allowed = CPU_ALLOC(max);
        if (!allowed)
            break;
        if (sched_getaffinity(0, allowed_size, allowed) == 0)
            break;
        CPU_FREE(allowed);
        allowed = NULL;
        if (errno != EINVAL || max > (1 << 20))
            break;
    }
    cpu_ids = allowed ? calloc((size_t)max, sizeof *cpu_ids) : NULL;
    if (!allowed || !cpu_ids) {
        static int zero;
        cpu_ids = &zero;
        ncpu = 1;
        return 1;
    }
    for (int i = 0; i < max; i++)
        if (CPU_ISSET_S(i, allowed_size, allowed))
            cpu_ids[ncpu++] = i;
    if (!ncpu)
        ncpu = 1;
    return ncpu;
}

int host_cpu_id(int idx)
{
    plat_cpu_count();
    return idx >= 0 && idx < ncpu ? cpu_ids[idx] : -1;
}

void plat_cpu_select(const int *procs, int n)
{
    (void)n;
    selection = procs;
}

struct thr {
    plat_cpu_fn fn;
    void *arg;
    int idx;
};

static void pin(int idx)
{
    int id = cpu_ids[selection ? selection[idx] : idx];
    size_t sz = CPU_ALLOC_SIZE(id + 1);
    cpu_set_t *s = CPU_ALLOC(id + 1);
    if (!s)
        return;
    CPU_ZERO_S(sz, s);
    CPU_SET_S(id, sz, s);
    sched_setaffinity(0, sz, s);
    CPU_FREE(s);
}

static void *thr_main(void *p)
{
    struct thr *t = p;
    pin(t->idx);
    t->fn(t->arg, t->idx);
    return NULL;
}

int plat_run_on_cpus(int n, plat_cpu_fn fn, void *arg)
{
    if (fake_mp)
        return mp_run(fake_mp, fake_ops, n, fn, arg);
    int have = plat_cpu_count();
    if (n < 1 || n > have)
        return -1;
    pthread_t *th = calloc((size_t)n, sizeof *th);
    struct thr *t = calloc((size_t)n, sizeof *t);
    if (!th || !t) {
        free(t);
        free(th);
        return -1;
    }
    int started = 1;
    for (int i = 1; i < n; i++) {
        t[i] = (struct thr){fn, arg, i};
        if (pthread_create(&th[i], NULL, thr_main, &t[i]) != 0)
            break;
        started++;
    }
    if (started < n) {
        /* the workers wait for each other in a barrier: cannot run with fewer */
        fprintf(stderr, "barebench: could only start %d of %d threads\n", started, n);
        abort();
    }
    pin(0);
    fn(arg, 0);
    for (int i = 1; i < n; i++)
        pthread_join(th[i], NULL);
    if (allowed)
        sched_setaffinity(0, allowed_size, allowed);
    free(t);
    free(th);
    return 0;
}

uint64_t plat_irq_save(void) { return 0; }
void plat_irq_restore(uint64_t s) { (void)s; }

static uint64_t mono_raw_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const struct ref_clock raw_clock = {"clock_monotonic_raw", 1e9, ~0ull, mono_raw_ns};

const struct ref_clock *plat_ref_clock(void)
{
    return &raw_clock;
}

const char *plat_ref_clock_rejected(void)
{
    return NULL; /* CLOCK_MONOTONIC_RAW is the kernel's own clock: nothing to refuse */
}

void plat_stall_us(uint64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

int plat_ring0(void) { return 0; }
const char *plat_build(void) { return "linux"; }
int64_t plat_unix_time(void) { return (int64_t)time(NULL); }
