/* upload_retry.c - runs upload attempts until one lands or retrying cannot help: exponential
 * backoff with equal jitter (so a rack does not retry in lockstep), bounded in count and time. */
#include "kernel/upload/upload_retry.h"
#include "kernel/lib/fmt.h"

/* No answer, a 5xx, or 429 Too Many Requests (the collector's per-address rate: a rack behind
 * one NAT address shares it) are worth another attempt after the backoff; any other 4xx is not. */
int upload_should_retry(int status)
{
    return status == UPLOAD_NO_ANSWER || status == 429 || (status >= 500 && status <= 599);
}

uint64_t upload_backoff_ms(int next, uint64_t r)
{
    uint64_t d = UPLOAD_BACKOFF_FIRST_MS;
    for (int k = 2; k < next && d < UPLOAD_BACKOFF_MAX_MS; k++)
        d *= 2;
    if (d > UPLOAD_BACKOFF_MAX_MS)
        d = UPLOAD_BACKOFF_MAX_MS;
    return d / 2 + r % (d / 2 + 1);
}

uint64_t upload_budget_ms(int retries)
{
    return UPLOAD_BUDGET_MS +
           (retries > UPLOAD_RETRIES_DEFAULT ? (uint64_t)(retries - UPLOAD_RETRIES_DEFAULT) * UPLOAD_BACKOFF_MAX_MS : 0);
}

static const char *outcome(int status)
{
    return status >= 200 && status < 300 ? "landed"
         : upload_should_retry(status)    ? "failed"
                                          : "refused";
}

int upload_with_retries(int retries, upload_attempt_fn attempt, void *ctx,
                        const struct upload_env *env, char *why, size_t whylen, int *attempts)
{
    if (retries < 0)
        retries = 0;
    if (retries > UPLOAD_RETRIES_MAX)
        retries = UPLOAD_RETRIES_MAX;
    int total = retries + 1, status = UPLOAD_PERMANENT;
    uint64_t t0 = env->now_ms(), budget = upload_budget_ms(retries);
    char line[320];
    *attempts = 0;
    for (int k = 1; k <= total; k++) {
        uint64_t a0 = env->now_ms();
        why[0] = '\0';
        status = attempt(ctx, why, whylen);
        *attempts = k;
        double secs = (double)(env->now_ms() - a0) / 1000.0;
        if (!upload_should_retry(status) || k == total) {
            bb_snprintf(line, sizeof line, "upload attempt %d of %d %s: %s (%.1f s)", k, total,
                        outcome(status), why, secs);
            env->say(line);
            break;
        }
        uint64_t wait = upload_backoff_ms(k + 1, env->random());
        uint64_t spent = env->now_ms() - t0;
        if (spent + wait > budget) {
            bb_snprintf(line, sizeof line, "upload attempt %d of %d %s: %s (%.1f s); no time "
                        "left for another within %.0f s", k, total, outcome(status), why, secs,
                        (double)budget / 1000.0);
            env->say(line);
            break;
        }
        bb_snprintf(line, sizeof line, "upload attempt %d of %d %s: %s (%.1f s); next in %.1f s",
                    k, total, outcome(status), why, secs, (double)wait / 1000.0);
        env->say(line);
        env->sleep_ms(wait);
    }
    return status;
}
