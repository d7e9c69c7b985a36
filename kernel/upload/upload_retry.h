/* upload_retry.h - upload attempts with exponential backoff and random jitter: what counts as
 * worth another try (no connection, a timeout, a 5xx answer), the schedule, and its report. */
#ifndef BB_UPLOAD_RETRY_H
#define BB_UPLOAD_RETRY_H

#include <stddef.h>
#include <stdint.h>

#define UPLOAD_RETRIES_DEFAULT 3       /* 4 attempts */
#define UPLOAD_RETRIES_MAX 10
#define UPLOAD_BACKOFF_FIRST_MS 2000   /* wait before the 2nd attempt: 1..2 s with jitter */
#define UPLOAD_BACKOFF_MAX_MS 30000    /* no single wait longer than this */
#define UPLOAD_BUDGET_MS 60000        /* no attempt starts later than this after the first (4
                                          attempts within about 60 s), plus BACKOFF_MAX for each
                                          retry beyond the default 3 */

/* What plat_upload_results returns besides an HTTP status (100..599) */
#define UPLOAD_NO_ANSWER (-1)  /* no connection, timed out, no answer: worth retrying */
#define UPLOAD_PERMANENT (-2)  /* bad URL, no network interface, ...: retrying cannot help */

/** 1 when an attempt that ended with `status` should be tried again. */
int upload_should_retry(int status);

/** The wait before attempt `next` (2, 3, ...): half of min(FIRST * 2^(next-2), MAX) plus a
 *  random part up to the other half ("equal jitter"), from r (any 64 random bits). */
uint64_t upload_backoff_ms(int next, uint64_t r);

/* One attempt, as the host moves the bytes: returns an HTTP status or UPLOAD_NO_ANSWER /
 * UPLOAD_PERMANENT, and what happened in why. */
typedef int (*upload_attempt_fn)(void *ctx, char *why, size_t whylen);

struct upload_env {
    uint64_t (*now_ms)(void);          /* a monotonic clock */
    void (*sleep_ms)(uint64_t ms);     /* a bounded wait */
    uint64_t (*random)(void);          /* jitter */
    void (*say)(const char *line);     /* one line per attempt (console) */
};

/** The time after which no new attempt starts. */
uint64_t upload_budget_ms(int retries);

/** Up to 1 + retries attempts; between them the backoff wait, unless the time budget is
 *  spent.  Says each attempt's outcome through env->say.  Returns the last status; why gets
 *  the last attempt's text, *attempts how many were made. */

int upload_with_retries(int retries, upload_attempt_fn attempt, void *ctx,
                        const struct upload_env *env, char *why, size_t whylen, int *attempts);

#endif
