/* collect_queue.h - barebench-collect's parse queue: a bounded queue of jobs and the small pool
 * of threads that runs them, off libmicrohttpd's serving threads.  The first thread of a pool
 * of two or more takes only small jobs, so a small upload never waits behind big documents
 * being parsed. */
#ifndef BB_COLLECT_QUEUE_H
#define BB_COLLECT_QUEUE_H

#include <stddef.h>

typedef void (*collect_job_fn)(void *job, void *cls);

struct collect_queue;

/** Start `workers` threads running run(job, cls) on queued jobs, at most `depth` queued; a job
 *  of at most `small` bytes is small.  NULL when the threads cannot start. */
struct collect_queue *collect_queue_start(int workers, int depth, size_t small, collect_job_fn run,
                                          void *cls);

/** Queue a job of `size` bytes: 0, or -1 when `depth` jobs are already waiting. */
int collect_queue_push(struct collect_queue *q, void *job, size_t size);

/** Run every job still queued, then stop the threads and free the queue. */
void collect_queue_stop(struct collect_queue *q);

#endif
