/* test_collect.c - barebench-collect's parts without a network: log escaping (one line per
 * event whatever a document holds), the gate's request-head checks (end of head, conflicting or
 * malformed Content-Length), X-Forwarded-For, per-address limits and the memory budget (with a
 * given clock), the parse queue's small-document lane, and the parse-cost estimate checked
 * against every heap byte the real parse takes (malloc counted here) on the worst shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/benchcmp/benchcmp.h"
#include "tools/collect/collect_cost.h"
#include "tools/collect/collect_gate.h"
#include "tools/collect/collect_ip.h"
#include "tools/collect/collect_limits.h"
#include "tools/collect/collect_log.h"
#include "tools/collect/collect_queue.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef BB_TOP
#define BB_TOP "."
#endif

/* ---- every heap byte counted while g_counting: malloc and friends over glibc's own ---- */
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);
static long long g_in_use, g_peak;
static int g_counting;

static void count(void *p, int sign)
{
    if (p && __atomic_load_n(&g_counting, __ATOMIC_RELAXED)) {
        /* the chunk: what the caller may use and glibc's size field */
        long long size = (long long)(malloc_usable_size(p) + sizeof(size_t));
        long long n = __atomic_add_fetch(&g_in_use, sign * size, __ATOMIC_RELAXED);
        if (n > g_peak)
            g_peak = n;
    }
}
void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    count(p, 1);
    return p;
}
void *calloc(size_t a, size_t b)
{
    void *p = __libc_calloc(a, b);
    count(p, 1);
    return p;
}
void *realloc(void *old, size_t n)
{
    count(old, -1);
    void *p = __libc_realloc(old, n);
    count(p ? p : old, 1);
    return p;
}
void free(void *p)
{
    count(p, -1);
    __libc_free(p);
}

/* ---- log lines ---- */
static void escape_control_bytes(void **state)
{
    (void)state;
    char out[200];
    collect_escape("a\nb\rc\td\\e\x1b[31mf\x7f\xc3\xa9", out, sizeof out);
    assert_string_equal(out, "a\\nb\\rc\\td\\\\e\\x1b[31mf\\x7f\\xc3\\xa9");
    collect_escape("plain: 201 stored x.json", out, sizeof out);
    assert_string_equal(out, "plain: 201 stored x.json");
    collect_escape("0123456789\n0123456789", out, 16); /* cut: ends with "..." */
    assert_int_equal(strlen(out), 15);
    assert_string_equal(out + 12, "...");
}

static void log_one_line_per_event(void **state)
{
    (void)state;
    char path[] = "/tmp/test_collect_log.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved = dup(1);
    dup2(fd, 1);
    /* what a results[].suite with a newline once made of a 400's message */
    collect_log("10.0.0.7", 400, "results[0] (x\nbarebench-collect: 10.0.0.9: 201 stored FORGED.json): bad");
    collect_log("1.2.3.4\n5", 0, "cut off");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    char buf[1000];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    unlink(path);
    assert_true(n > 0);
    buf[n] = '\0';
    int lines = 0;
    for (char *p = buf; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2);
    assert_non_null(strstr(buf, "barebench-collect: 10.0.0.7: 400 results[0] (x\\nbarebench-collect: 10.0.0.9: 201 stored FORGED.json): bad\n"));
    assert_non_null(strstr(buf, "barebench-collect: 1.2.3.4\\n5: cut off\n"));
}

/* ---- the gate's head checks ---- */
static void head_end_found(void **state)
{
    (void)state;
    const char *h = "POST / HTTP/1.1\r\nHost: x\r\n\r\nBODY";
    assert_int_equal(collect_head_end(h, strlen(h)), strlen(h) - 4);
    assert_int_equal(collect_head_end(h, 20), 0);               /* not complete */
    const char *lf = "POST / HTTP/1.1\nHost: x\n\nB";
    assert_int_equal(collect_head_end(lf, strlen(lf)), strlen(lf) - 1);
    /* empty lines before the request line do not end a head (a slowloris would pass the gate) */
    const char *lead = "\r\n\r\n\r\nPOST / HTTP/1.1\r\nHo";
    assert_int_equal(collect_head_end(lead, strlen(lead)), 0);
}

/* With --tls-cert the head is encrypted: the gate waits for the whole first TLS record (the
 * ClientHello) within its deadlines, and drops bytes that are no TLS handshake. */
static void tls_hello_end_found(void **state)
{
    unsigned char hello[5 + 300] = {0x16, 0x03, 0x01, 0x01, 0x2c}; /* handshake, TLS 1.0 record, 300 bytes */
    assert_int_equal(collect_tls_hello_end(hello, 0), 0);
    assert_int_equal(collect_tls_hello_end(hello, 3), 0);      /* record header incomplete */
    assert_int_equal(collect_tls_hello_end(hello, 5), 0);
    assert_int_equal(collect_tls_hello_end(hello, 304), 0);    /* one byte short */
    assert_int_equal(collect_tls_hello_end(hello, 305), 305);
    assert_int_equal(collect_tls_hello_end((const unsigned char *)"POST / HTTP/1.1\r\n", 17), -1);
    const unsigned char not_tls_version[] = {0x16, 0x47, 0x45};
    assert_int_equal(collect_tls_hello_end(not_tls_version, 3), -1);
    const unsigned char empty_record[] = {0x16, 0x03, 0x03, 0x00, 0x00};
    assert_int_equal(collect_tls_hello_end(empty_record, 5), -1);
}

static void head_lengths_checked(void **state)
{
    (void)state;
    static const struct {
        const char *headers; /* after the request line */
        int status;
        const char *why;     /* in the message (status != 0) */
    } cases[] = {
        {"Content-Length: 5\r\n", 0, NULL},
        {"Host: x\r\n", 0, NULL},
        {"content-length:\t007\r\nContent-Length: 7\r\n", 0, NULL},      /* the same value */
        {"Content-Length: 5\r\nContent-Length: 7\r\n", 400, "two different Content-Length headers (5 and 7)"},
        {"Content-Length: abc\r\n", 400, "bad Content-Length: \"abc\""},
        {"Content-Length: -1\r\n", 400, "bad Content-Length"},
        {"Content-Length: 5 \r\n", 400, "bad Content-Length"},
        {"Content-Length: 5, 5\r\n", 400, "bad Content-Length"},
        {"Content-Length: \r\n", 400, "bad Content-Length"},
        {"Content-Length: 5\r\n 6\r\n", 400, "folded"},
        {"Content-Length: 99999999999999999999999\r\n", 413, "too large"},
        /* a body is not looked at: "Content-Length: x" after the head is data */
        {"Content-Length: 20\r\n\r\nContent-Length: x\r\n", 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char h[300], m[200] = "";
        snprintf(h, sizeof h, "POST / HTTP/1.1\r\n%s\r\n", cases[i].headers);
        int st = collect_head_lengths(h, collect_head_end(h, strlen(h)), m, sizeof m);
        if (st != cases[i].status || (cases[i].why && !strstr(m, cases[i].why)))
            fail_msg("%s: %d \"%s\", expected %d \"%s\"", cases[i].headers, st, m,
                     cases[i].status, cases[i].why ? cases[i].why : "");
    }
}

/* ---- addresses ---- */
static void forwarded_for_last_entry(void **state)
{
    (void)state;
    struct collect_ip ip, want;
    char t[COLLECT_IP_TEXT];
    assert_int_equal(collect_ip_forwarded("6.6.6.6, 10.1.2.3", &ip), 0);
    collect_ip_text(&ip, t, sizeof t);
    assert_string_equal(t, "10.1.2.3");
    assert_int_equal(collect_ip_forwarded("  2001:db8::7 ", &ip), 0);
    collect_ip_text(&ip, t, sizeof t);
    assert_string_equal(t, "2001:db8::7");
    assert_int_equal(collect_ip_forwarded("::ffff:10.0.0.1", &ip), 0); /* v4-mapped: the v4 one */
    assert_int_equal(collect_ip_parse("10.0.0.1", 8, &want), 0);
    assert_true(collect_ip_equal(&ip, &want));
    assert_int_equal(collect_ip_forwarded("10.1.2.3, evil\nline", &ip), -1);
    assert_int_equal(collect_ip_forwarded("10.1.2.3:80", &ip), -1);
    assert_int_equal(collect_ip_forwarded("", &ip), -1);
    assert_int_equal(collect_ip_forwarded("1.2.3.4,", &ip), -1);
}

/* ---- per-address limits ---- */
static struct collect_ip ip_of(const char *s)
{
    struct collect_ip ip;
    assert_int_equal(collect_ip_parse(s, strlen(s), &ip), 0);
    return ip;
}

static void connections_per_address(void **state)
{
    (void)state;
    struct collect_limits_cfg c = {3, 10, 50, 1 << 20};
    struct collect_limits *l = collect_limits_new(&c);
    struct collect_ip a = ip_of("10.0.0.1"), b = ip_of("10.0.0.2");
    struct collect_ip v6a = ip_of("2001:db8:1:2::1"), v6b = ip_of("2001:db8:1:2:ffff::9"),
                      v6c = ip_of("2001:db8:1:3::1");
    for (int i = 0; i < 3; i++)
        assert_int_equal(collect_limits_conn_open(l, &a), 0);
    assert_int_equal(collect_limits_conn_open(l, &a), -1);       /* a 4th from a */
    assert_int_equal(collect_limits_conn_open(l, &b), 0);        /* others are not held back */
    collect_limits_conn_close(l, &a);
    assert_int_equal(collect_limits_conn_open(l, &a), 0);        /* a slot is free again */
    /* IPv6 counts by /64 */
    assert_int_equal(collect_limits_conn_open(l, &v6a), 0);
    assert_int_equal(collect_limits_conn_open(l, &v6b), 0);
    assert_int_equal(collect_limits_conn_open(l, &v6a), 0);
    assert_int_equal(collect_limits_conn_open(l, &v6b), -1);
    assert_int_equal(collect_limits_conn_open(l, &v6c), 0);      /* another /64 */
    collect_limits_free(l);
}

static void request_rate_per_address(void **state)
{
    (void)state;
    struct collect_limits_cfg c = {32, 10, 5, 1 << 20};        /* 10 per s, 5 at once */
    struct collect_limits *l = collect_limits_new(&c);
    struct collect_ip a = ip_of("10.0.0.1"), b = ip_of("10.0.0.2");
    long long t = 1000000;
    for (int i = 0; i < 5; i++)
        assert_int_equal(collect_limits_request(l, &a, t), 0);
    assert_int_equal(collect_limits_request(l, &a, t), 1);        /* the burst is spent: 429 */
    assert_int_equal(collect_limits_request(l, &b, t), 0);        /* b has its own bucket */
    assert_int_equal(collect_limits_request(l, &a, t + 100), 0);  /* 100 ms: one token back */
    assert_int_equal(collect_limits_request(l, &a, t + 100), 1);
    collect_limits_sweep(l, t + 100);                             /* a is remembered: not full */
    assert_int_equal(collect_limits_request(l, &a, t + 100), 1);
    collect_limits_sweep(l, t + 10000);                           /* full again: forgotten */
    for (int i = 0; i < 5; i++)
        assert_int_equal(collect_limits_request(l, &a, t + 10000), 0);
    collect_limits_free(l);
    struct collect_limits_cfg slow = {32, 1, 1, 1 << 20};       /* 1 per s: Retry-After counts up */
    l = collect_limits_new(&slow);
    assert_int_equal(collect_limits_request(l, &a, t), 0);
    assert_int_equal(collect_limits_request(l, &a, t), 1);
    collect_limits_free(l);
}

static void memory_budget(void **state)
{
    (void)state;
    struct collect_limits_cfg c = {32, 10, 50, 1000};            /* 1000 bytes: 500 per address */
    struct collect_limits *l = collect_limits_new(&c);
    struct collect_ip a = ip_of("10.0.0.1"), b = ip_of("10.0.0.2"), d = ip_of("10.0.0.3");
    assert_int_equal(collect_limits_reserve(l, &a, 501), COLLECT_TOO_BIG);
    assert_int_equal(collect_limits_reserve(l, &a, 300), COLLECT_RESERVED);
    assert_int_equal(collect_limits_reserve(l, &a, 300), COLLECT_ADDR_FULL); /* a's half */
    assert_int_equal(collect_limits_reserve(l, &b, 500), COLLECT_RESERVED);
    assert_int_equal(collect_limits_reserve(l, &d, 300), COLLECT_BUDGET_FULL);
    assert_int_equal(collect_limits_reserve(l, &d, 200), COLLECT_RESERVED);
    assert_int_equal(collect_limits_in_use(l), 1000);
    collect_limits_release(l, &a, 300);
    assert_int_equal(collect_limits_in_use(l), 700);
    assert_int_equal(collect_limits_reserve(l, &d, 300), COLLECT_RESERVED);
    collect_limits_free(l);
}

/* ---- the parse queue: a small document is not held up by big ones being parsed ---- */
struct qjob {
    size_t size;
    sem_t *started;    /* posted when the job runs */
    sem_t *hold;       /* a big job then waits on it (the "parse" that takes long) */
    sem_t *done;
};

static void qrun(void *job, void *cls)
{
    struct qjob *j = job;
    (void)cls;
    sem_post(j->started);
    if (j->hold)
        sem_wait(j->hold);
    sem_post(j->done);
}

static int wait_s(sem_t *s, int secs) /* a guard against a hang, not a timing */
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += secs;
    while (sem_timedwait(s, &ts))
        if (errno != EINTR)
            return -1;
    return 0;
}

static void queue_small_lane(void **state)
{
    (void)state;
    sem_t started, hold, done, small_started, small_done;
    sem_init(&started, 0, 0);
    sem_init(&hold, 0, 0);
    sem_init(&done, 0, 0);
    sem_init(&small_started, 0, 0);
    sem_init(&small_done, 0, 0);
    struct collect_queue *q = collect_queue_start(2, 4, 1000, qrun, NULL);
    assert_non_null(q);
    struct qjob big[5];
    for (int i = 0; i < 5; i++)
        big[i] = (struct qjob){5000, &started, &hold, &done};
    assert_int_equal(collect_queue_push(q, &big[0], big[0].size), 0);
    assert_int_equal(wait_s(&started, 30), 0);      /* the general thread is busy with it */
    assert_int_equal(collect_queue_push(q, &big[1], big[1].size), 0);
    assert_int_equal(collect_queue_push(q, &big[2], big[2].size), 0);
    struct qjob small = {10, &small_started, NULL, &small_done};
    assert_int_equal(collect_queue_push(q, &small, small.size), 0);
    assert_int_equal(wait_s(&small_done, 30), 0);   /* ran while the big ones wait or run */
    assert_int_equal(sem_trywait(&started), -1);    /* no other big one has started */
    /* big 1 and 2 wait: two more fill the 4 places, a fifth is refused */
    assert_int_equal(collect_queue_push(q, &big[3], big[3].size), 0);
    assert_int_equal(collect_queue_push(q, &big[4], big[4].size), 0);
    struct qjob over = {10, &small_started, NULL, &small_done};
    assert_int_equal(collect_queue_push(q, &over, over.size), -1);
    for (int i = 0; i < 5; i++)
        sem_post(&hold);
    for (int i = 0; i < 5; i++)
        assert_int_equal(wait_s(&done, 30), 0);
    collect_queue_stop(q);
}

/* ---- the parse-cost estimate holds for the worst shapes ---- */
static char *repeat(const char *open, const char *item, const char *close, size_t total, size_t *n)
{
    size_t lo = strlen(open), li = strlen(item), lc = strlen(close);
    char *b = malloc(total + 16);
    size_t k = 0;
    memcpy(b, open, lo), k = lo;
    for (int first = 1; k + li + 1 + lc <= total; first = 0) {
        if (!first)
            b[k++] = ',';
        memcpy(b + k, item, li), k += li;
    }
    memcpy(b + k, close, lc), k += lc;
    b[k] = '\0';
    *n = k;
    return b;
}

/* the parse's peak heap (jansson + benchcmp_doc.c, as collect_store runs it) against the estimate */
static void check_estimate(const char *what, const char *body, size_t n)
{
    struct collect_cost c;
    collect_cost_scan(body, n, &c);
    size_t est = collect_cost_parse_bytes(&c);
    struct bc_doc d;
    char err[300];
    g_in_use = g_peak = 0;
    __atomic_store_n(&g_counting, 1, __ATOMIC_RELAXED);
    int rc = bc_doc_load_buffer(body, n, "document", &d, err, sizeof err);
    if (!rc)
        bc_doc_free(&d);
    __atomic_store_n(&g_counting, 0, __ATOMIC_RELAXED);
    printf("# %-28s %9zu bytes %8zu values: peak %10lld, estimate %10zu (%.2f)\n", what, n,
           collect_cost_values(&c), g_peak, est, est ? (double)g_peak / (double)est : 0);
    assert_true(g_peak > 0);
    assert_true((size_t)g_peak <= est);
}

static void estimate_bounds_the_parse(void **state)
{
    (void)state;
    const size_t mb = 1 << 20;
    size_t n;
    char *b;
    struct { const char *what, *open, *item, *close; } shapes[] = {
        {"[[],[],...]", "[", "[]", "]"},
        {"[{},{},...]", "[", "{}", "]"},
        {"[1,1,...]", "[", "1", "]"},
        {"[\"\",\"\",...]", "[", "\"\"", "]"},
        {"[null,...]", "[", "null", "]"},
        {"[1.5e300,...]", "[", "1.5e300", "]"},
        {"[[[[..]]]] x 500", "[", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "]"},
        {"[{\"a\":{\"b\":[]}},...]", "[", "{\"a\":{\"b\":[]}}", "]"},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        b = repeat(shapes[i].open, shapes[i].item, shapes[i].close, mb, &n);
        check_estimate(shapes[i].what, b, n);
        free(b);
    }
    /* a wide object of distinct keys: {"k0":{},"k1":{},...} */
    b = malloc(mb + 64);
    size_t k = 0;
    b[k++] = '{';
    for (int i = 0; k + 40 < mb; i++)
        k += (size_t)sprintf(b + k, "%s\"k%d\":{}", i ? "," : "", i);
    b[k++] = '}';
    check_estimate("{\"k0\":{},\"k1\":{},...}", b, k);
    /* nesting at the parser's depth limit, and one long string and one long key */
    k = 0;
    for (int i = 0; i < 2000; i++)
        b[k++] = '[';
    for (int i = 0; i < 2000; i++)
        b[k++] = ']';
    check_estimate("[[[...]]] 2000 deep", b, k);
    k = (size_t)sprintf(b, "[\"");
    memset(b + k, 'a', mb / 2 + 1), k += mb / 2 + 1; /* just past a power of two */
    k += (size_t)sprintf(b + k, "\"]");
    check_estimate("one 512 KiB string", b, k);
    k = (size_t)sprintf(b, "{\"");
    memset(b + k, 'a', mb / 2 + 1), k += mb / 2 + 1;
    k += (size_t)sprintf(b + k, "\":1}");
    check_estimate("one 512 KiB key", b, k);
    free(b);
    /* real documents, also eleven times over (the load test's) */
    const char *fx[] = {BB_TOP "/tests/fixtures/kvm.json", BB_TOP "/tests/fixtures/baremetal.json"};
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(fx[i], "rb");
        assert_non_null(f);
        char *doc = malloc(16 * mb);
        size_t len = fread(doc, 1, 16 * mb, f);
        fclose(f);
        check_estimate(strrchr(fx[i], '/') + 1, doc, len);
        free(doc);
    }
}

static void cost_counts_values(void **state)
{
    (void)state;
    struct collect_cost c;
    const char *s = "{\"a\": [1, -2.5e3, true, null, \"x,]\\\"y\"], \"b\": {}}";
    collect_cost_scan(s, strlen(s), &c);
    assert_int_equal(c.objects, 2);
    assert_int_equal(c.arrays, 1);
    assert_int_equal(c.strings, 3);   /* "a", "x,]\"y", "b" */
    assert_int_equal(c.numbers, 4);   /* 1, -2.5e3, true, null */
    assert_int_equal(collect_cost_values(&c), 10);
    assert_int_equal(c.longest, 7);   /* "x,]\"y" with its quotes and the escape */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_control_bytes),
        cmocka_unit_test(log_one_line_per_event),
        cmocka_unit_test(head_end_found),
        cmocka_unit_test(head_lengths_checked),
        cmocka_unit_test(tls_hello_end_found),
        cmocka_unit_test(forwarded_for_last_entry),
        cmocka_unit_test(connections_per_address),
        cmocka_unit_test(request_rate_per_address),
        cmocka_unit_test(memory_budget),
        cmocka_unit_test(queue_small_lane),
        cmocka_unit_test(cost_counts_values),
        cmocka_unit_test(estimate_bounds_the_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
