/* collect_queue.c - the parse queue: two FIFO lists (small and big jobs) in a fixed array of
 * `depth` slots, one mutex, one condition; the small-job lane thread takes from the small list
 * only, the others take the oldest job of either. */
#include "tools/collect/collect_queue.h"

#include <pthread.h>
#include <stdlib.h>

struct slot {
    struct slot *next;
    void *job;
    size_t size;
    unsigned long long seq;
};

struct fifo {
    struct slot *head, *tail;
};

struct collect_queue {
    pthread_mutex_t lock;
    pthread_cond_t more;
    struct fifo small, big;
    struct slot *free;        /* unused slots */
    struct slot *slots;
    unsigned long long seq;
    size_t small_max;
    int stopping;
    collect_job_fn run;
    void *cls;
    int nthreads;
    pthread_t *threads;
};

struct worker_arg {
    struct collect_queue *q;
    int small_only;
};

static void put(struct fifo *f, struct slot *s)
{
    s->next = NULL;
    if (f->tail)
        f->tail->next = s;
    else
        f->head = s;
    f->tail = s;
}

static struct slot *get(struct fifo *f)
{
    struct slot *s = f->head;
    if (s) {
        f->head = s->next;
        if (!f->head)
            f->tail = NULL;
    }
    return s;
}

/* The next job for a thread, NULL when there is none for it (called locked). */
static struct slot *take(struct collect_queue *q, int small_only)
{
    if (small_only || !q->big.head)
        return get(&q->small);
    if (!q->small.head || q->big.head->seq < q->small.head->seq)
        return get(&q->big);
    return get(&q->small);
}

static void *worker(void *p)
{
    struct worker_arg a = *(struct worker_arg *)p;
    struct collect_queue *q = a.q;
    free(p);
    pthread_mutex_lock(&q->lock);
    for (;;) {
        struct slot *s = take(q, a.small_only);
        if (!s) {
            if (q->stopping)
                break;
            pthread_cond_wait(&q->more, &q->lock);
            continue;
        }
        void *job = s->job;
        s->next = q->free;
        q->free = s;
        pthread_mutex_unlock(&q->lock);
        q->run(job, q->cls);
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

struct collect_queue *collect_queue_start(int workers, int depth, size_t small, collect_job_fn run,
                                          void *cls)
{
    struct collect_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->slots = calloc((size_t)depth, sizeof *q->slots);
    q->threads = calloc((size_t)workers, sizeof *q->threads);
    if (!q->slots || !q->threads || depth < 1 || workers < 1)
        goto fail;
    for (int i = 0; i < depth; i++) {
        q->slots[i].next = q->free;
        q->free = &q->slots[i];
    }
    q->small_max = small;
    q->run = run;
    q->cls = cls;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->more, NULL);
    for (; q->nthreads < workers; q->nthreads++) {
        struct worker_arg *a = malloc(sizeof *a);
        if (a)
            *a = (struct worker_arg){q, q->nthreads == 0 && workers > 1};
        if (!a || pthread_create(&q->threads[q->nthreads], NULL, worker, a)) {
            free(a);
            collect_queue_stop(q);
            return NULL;
        }
    }
    return q;
fail:
    free(q->slots);
    free(q->threads);
    free(q);
    return NULL;
}

int collect_queue_push(struct collect_queue *q, void *job, size_t size)
{
    pthread_mutex_lock(&q->lock);
    struct slot *s = q->stopping ? NULL : q->free;
    if (s) {
        q->free = s->next;
        s->job = job;
        s->size = size;
        s->seq = q->seq++;
        put(size <= q->small_max ? &q->small : &q->big, s);
        pthread_cond_broadcast(&q->more);
    }
    pthread_mutex_unlock(&q->lock);
    return s ? 0 : -1;
}

void collect_queue_stop(struct collect_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->stopping = 1;
    pthread_cond_broadcast(&q->more);
    pthread_mutex_unlock(&q->lock);
    for (int i = 0; i < q->nthreads; i++)
        pthread_join(q->threads[i], NULL);
    pthread_cond_destroy(&q->more);
    pthread_mutex_destroy(&q->lock);
    free(q->slots);
    free(q->threads);
    free(q);
}
