/* test_benchcmp.c - the comparer's core: ratios, overhead and noise flags on the hand-written
 * fixtures and on real documents from the Linux build; output formats; bad input; fuzz corpus;
 * a hostile document (tests/fixtures/hostile/) through every writer, judged by output_check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/benchcmp/benchcmp.h"
#include "output_check.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BB_TOP
#define BB_TOP "."
#endif
#define FIX BB_TOP "/tests/fixtures/"
/* entries in the union of the three fixtures (tests/fixtures/derive.sh) */
#define NROWS_TEXT "123"
#define NROWS 123

static struct bc_doc docs[3];
static struct bc_table tab;

/* Load n files into d and compare them into t (a group's setup). */
static int load_compare(const char *const *files, int n, struct bc_doc *d, struct bc_table *t)
{
    char err[512];
    for (int i = 0; i < n; i++)
        if (bc_doc_load_file(files[i], BC_MAX_BYTES_DEFAULT, &d[i], err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return -1;
        }
    bc_doc_labels(d, n);
    return bc_compare(d, n, t);
}

static void free_compared(struct bc_doc *d, int n, struct bc_table *t)
{
    bc_table_free(t);
    for (int i = 0; i < n; i++)
        bc_doc_free(&d[i]);
}

static int load_fixtures(void **state)
{
    (void)state;
    static const char *const f[] = {FIX "baremetal.json", FIX "kvm.json", FIX "esxi.json"};
    return load_compare(f, 3, docs, &tab);
}

static int free_fixtures(void **state)
{
    (void)state;
    free_compared(docs, 3, &tab);
    return 0;
}

/* The row whose key starts with suite/test/ and whose params text is `params`. */
static const struct bc_row *row(const struct bc_table *t, const char *suite, const char *test,
                                const char *params)
{
    for (int i = 0; i < t->nrows; i++) {
        const struct bc_entry *e = t->rows[i].first;
        if (!strcmp(e->suite, suite) && !strcmp(e->test, test) && !strcmp(e->params_text, params))
            return &t->rows[i];
    }
    return NULL;
}

static void fixture_identity_and_labels(void **state)
{
    (void)state;
    assert_string_equal(docs[0].label, "baremetal");
    assert_string_equal(docs[1].label, "kvm");
    assert_string_equal(docs[2].label, "esxi");
    assert_string_equal(docs[1].hv_name, "kvm");
    assert_string_equal(docs[2].sys_product, "VMware7,1");
    assert_int_equal(tab.nrows, NROWS);
    assert_int_equal(tab.unmatched, 5); /* QD4 random reads (3) missing on esxi, 256K (2) only there */
    for (int i = 0; i < tab.nwarn; i++)
        assert_null(strstr(tab.warn[i], "CPUs differ")); /* same CPU in all three */
}

static void fixture_higher_is_better(void **state)
{
    (void)state;
    const struct bc_row *r = row(&tab, "alu", "int_add", "isa=x86-64 kind=throughput threads=1");
    assert_non_null(r);
    assert_int_equal(r->present, 3);
    assert_true(fabs(r->c[1].ratio_pct - 100.0) < 1e-9);
    assert_int_equal(r->c[1].noise, BC_WITHIN_NOISE);
    assert_int_equal(r->c[1].method, 'U');
    assert_true(fabs(r->c[2].ratio_pct - 9.2 / 10.2 * 100) < 1e-9);
    assert_true(fabs(r->c[2].overhead_pct - 1.0 / 10.2 * 100) < 1e-9); /* less throughput: positive */
    assert_int_equal(r->c[2].noise, BC_DIFFERENT);
    assert_true(fabs(r->c[2].p - 2.0 / 252) < 1e-9); /* 5 vs 5, fully separated: exact p */

    r = row(&tab, "disk", "seq_read", "api=psync block_size=4096 disk=0 disk_kind=file op=read pattern=seq qd=1");
    assert_non_null(r);
    assert_true(fabs(r->c[1].ratio_pct - 70.0) < 1e-6);
    assert_true(fabs(r->c[1].overhead_pct - 30.0) < 1e-6);
    assert_true(fabs(r->c[2].ratio_pct - 110.0) < 1e-6);
    assert_true(fabs(r->c[2].overhead_pct + 10.0) < 1e-6); /* faster than the baseline: negative */
}

static void fixture_lower_is_better(void **state)
{
    (void)state;
    const struct bc_row *r = row(&tab, "vmcost", "cpuid", "leaf=0x0");
    assert_non_null(r);
    assert_true(fabs(r->c[1].ratio_pct - 2500.0) < 1e-6);
    assert_true(fabs(r->c[1].overhead_pct - 2400.0) < 1e-6);
    assert_int_equal(r->c[1].noise, BC_DIFFERENT);
    r = row(&tab, "timer", "tsc_read", "clock=tsc"); /* 3 samples each: min..max overlap */
    assert_non_null(r);
    assert_int_equal(r->c[1].method, 'r');
    assert_int_equal(r->c[1].noise, BC_WITHIN_NOISE);  /* 12 vs 12.1, 2% spread */
    assert_int_equal(r->c[2].noise, BC_DIFFERENT);     /* 15: ranges apart */
    assert_true(fabs(r->c[2].overhead_pct - 25.0) < 1e-6);
}

static void fixture_unmatched(void **state)
{
    (void)state;
    const struct bc_row *r = row(&tab, "disk", "rand_read",
                                 "api=linux-aio block_size=4096 disk=0 disk_kind=file op=read pattern=rand qd=4");
    assert_non_null(r);
    assert_null(r->c[2].e);
    assert_int_equal(r->present, 2);
    assert_true(isnan(r->c[2].ratio_pct));
    r = row(&tab, "disk", "seq_read", "api=psync block_size=262144 disk=0 disk_kind=file op=read pattern=seq qd=1");
    assert_non_null(r);
    assert_null(r->c[0].e);
    assert_true(isnan(r->c[2].ratio_pct)); /* no baseline, no ratio */
}

static char *print_to_string(const struct bc_table *t, enum bc_format fmt)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    bc_print(f, NULL, t, fmt);
    fclose(f);
    return buf;
}

static void formats(void **state)
{
    (void)state;
    char *s = print_to_string(&tab, BC_TEXT);
    assert_non_null(strstr(s, "baremetal (baseline)"));
    assert_non_null(strstr(s, "PowerEdge R650"));
    assert_non_null(strstr(s, "90.2%"));    /* esxi int_add */
    assert_non_null(strstr(s, "+9.8%"));
    assert_non_null(strstr(s, "100.0% ~")); /* kvm int_add within noise */
    assert_non_null(strstr(s, "5 of " NROWS_TEXT " entries are not in every file"));
    free(s);
    s = print_to_string(&tab, BC_MARKDOWN);
    assert_non_null(strstr(s, "| suite "));
    assert_non_null(strstr(s, "|:------"));
    assert_non_null(strstr(s, "100.0% ≈"));
    free(s);
    s = print_to_string(&tab, BC_CSV);
    assert_true(!strncmp(s, "suite,test,params,unit,better,baremetal_median,", 47));
    assert_non_null(strstr(s, "esxi_ratio_pct,esxi_overhead_pct,esxi_within_noise,esxi_noise_test"));
    assert_non_null(strstr(s, "alu,int_add,isa=x86-64 kind=throughput threads=1,Gop/s,higher,10.2,10,10.4,10.2,10.1,10.5,100,0,yes,"));
    assert_null(strstr(s, "environments")); /* identity is not mixed into the CSV */
    free(s);
}

static void mann_whitney(void **state)
{
    (void)state;
    double a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
    assert_true(fabs(bc_mann_whitney_p(a, 4, b, 4) - 2.0 / 70) < 1e-12);
    double c[] = {1, 3, 5, 7}, d[] = {2, 4, 6, 8};
    assert_true(bc_mann_whitney_p(c, 4, d, 4) > 0.5);
    double e[] = {5, 5, 5, 5};
    assert_true(bc_mann_whitney_p(e, 4, e, 4) == 1.0);
    double big1[30], big2[30];
    for (int i = 0; i < 30; i++)
        big1[i] = i, big2[i] = i + 100;
    assert_true(bc_mann_whitney_p(big1, 30, big2, 30) < 1e-6); /* normal approximation */
}

static void labels_made_unique(void **state)
{
    (void)state;
    struct bc_doc d[3];
    memset(d, 0, sizeof d);
    for (int i = 0; i < 3; i++) {
        d[i].path = "x/file.json";
        d[i].tag = "";
        d[i].hv_name = "kvm";
    }
    bc_doc_labels(d, 3);
    assert_string_equal(d[0].label, "kvm");
    assert_string_equal(d[1].label, "kvm-2");
    assert_string_equal(d[2].label, "kvm-3");
    d[0].hv_name = "";
    bc_doc_labels(d, 1);
    assert_string_equal(d[0].label, "file.json");
}

/* --- bad input: every case a clear message, no crash --- */

static void expect_error(const char *text, size_t n, const char *needle)
{
    struct bc_doc d;
    char err[512] = "";
    assert_int_equal(bc_doc_load_buffer(text, n, "in.json", &d, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("expected '%s' in: %s", needle, err);
    assert_non_null(strstr(err, "in.json"));
}

static void bad_input(void **state)
{
    (void)state;
    const char *trunc = "{\"schema\": \"barebench/1\",\n \"results\": [ {\"suite\": \"a\"";
    expect_error(trunc, strlen(trunc), "in.json:2:"); /* line and column */
    expect_error("hello", 5, "not valid JSON");
    expect_error("", 0, "not valid JSON");
    expect_error("[1,2]", 5, "top level is not an object");
    const char *v2 = "{\"schema\":\"barebench/2\",\"results\":[]}";
    expect_error(v2, strlen(v2), "unsupported schema \"barebench/2\"");
    const char *nosch = "{\"results\":[]}";
    expect_error(nosch, strlen(nosch), "no \"schema\"");
    const char *nores = "{\"schema\":\"barebench/1\"}";
    expect_error(nores, strlen(nores), "\"results\" is missing");
    const char *nomed = "{\"schema\":\"barebench/1\",\"results\":[{\"suite\":\"a\",\"test\":\"b\","
                        "\"unit\":\"x\",\"better\":\"lower\",\"min\":1,\"max\":2}]}";
    expect_error(nomed, strlen(nomed), "results[0] (a/b): \"median\" is missing");
    const char *badsamp = "{\"schema\":\"barebench/1\",\"results\":[{\"suite\":\"a\",\"test\":\"b\","
                          "\"unit\":\"x\",\"better\":\"lower\",\"min\":1,\"median\":1,\"max\":2,"
                          "\"samples\":[1,\"x\"]}]}";
    expect_error(badsamp, strlen(badsamp), "samples[1] is not a number");
    const char *dupkey = "{\"schema\":\"barebench/1\",\"schema\":\"barebench/1\",\"results\":[]}";
    expect_error(dupkey, strlen(dupkey), "duplicate");
    const char *nul = "{\"schema\":\"barebench/1\"\0,\"results\":[]}";
    expect_error(nul, 40, "not valid JSON");
    char deep[5000];
    memset(deep, '[', sizeof deep);
    expect_error(deep, sizeof deep, "not valid JSON"); /* nesting limit, no stack overflow */
}

static void bad_files(void **state)
{
    (void)state;
    struct bc_doc d;
    char err[512], path[] = "/tmp/test_benchcmp_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(bc_doc_load_file(path, 100, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty file"));
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 1000; i++)
        fputs("                                                                      ", f);
    fclose(f);
    assert_int_equal(bc_doc_load_file(path, 4096, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "too large"));
    assert_non_null(strstr(err, path));
    unlink(path);
    assert_int_equal(bc_doc_load_file("/nonexistent/x.json", 100, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));
    assert_int_equal(bc_doc_load_file("/tmp", 100, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "directory"));
}

/* --- real documents from the Linux build --- */

static void real_linux_documents(void **state)
{
    (void)state;
    const char *bin = BB_TOP "/build/host/barebench";
    if (access(bin, X_OK)) /* a prerequisite of this test in mk/tools.mk */
        fail_msg("%s is not built (make host)", bin);
    char cmd[1024], dir[] = "/tmp/test_benchcmp_real_XXXXXX", out[2][64];
    assert_non_null(mkdtemp(dir)); /* its own directory: runs side by side cannot collide */
    for (int i = 0; i < 2; i++)
        snprintf(out[i], sizeof out[i], "%s/%c.json", dir, 'a' + i);
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "%s --suite timer --reps 5 --tag run%d --json %s >/dev/null 2>&1",
                 bin, i + 1, out[i]);
        assert_int_equal(system(cmd), 0);
    }
    struct bc_doc d[2];
    char err[512];
    for (int i = 0; i < 2; i++)
        if (bc_doc_load_file(out[i], BC_MAX_BYTES_DEFAULT, &d[i], err, sizeof err))
            fail_msg("%s", err);
    bc_doc_labels(d, 2);
    assert_string_equal(d[0].label, "run1");
    assert_string_equal(d[1].build, "linux");
    struct bc_table t;
    assert_int_equal(bc_compare(d, 2, &t), 0);
    assert_true(t.nrows >= 3);
    assert_int_equal(t.unmatched, 0); /* same build, same suite: every entry matches */
    for (int r = 0; r < t.nrows; r++) {
        const struct bc_cell *c = &t.rows[r].c[1];
        assert_non_null(c->e);
        assert_int_equal(c->method, 'U'); /* 5 samples each */
        assert_true(c->noise == BC_WITHIN_NOISE || c->noise == BC_DIFFERENT);
        if (t.rows[r].c[0].e->median != 0) {
            double want = c->e->median / t.rows[r].c[0].e->median * 100;
            assert_true(fabs(c->ratio_pct - want) <= 1e-9 * fabs(want)); /* skew may be < 0 */
        }
    }
    const struct bc_row *tr = row(&t, "timer", "tsc_read", "clock=tsc");
    assert_non_null(tr);
    assert_true(tr->c[1].ratio_pct > 10 && tr->c[1].ratio_pct < 1000); /* same machine */
    bc_table_free(&t);
    for (int i = 0; i < 2; i++) {
        bc_doc_free(&d[i]);
        unlink(out[i]);
    }
    rmdir(dir);
}

/* --- the fuzz corpus: every file loads or is refused, without crashing; what is printed
 * passes output_check --- */

/* t printed in every format, each judged; fails naming `name` and the finding. */
static void judge_prints(const struct bc_table *t, const char *name)
{
    static const enum bc_format fmts[] = {BC_TEXT, BC_MARKDOWN, BC_CSV, BC_HTML};
    static int (*const check[])(const char *, size_t, char *, size_t) = {oc_terminal, oc_markdown, oc_csv,
                                                                         oc_html};
    for (int k = 0; k < 4; k++) {
        char *out = NULL, *notes = NULL, why[512];
        size_t nout = 0, nnotes = 0;
        FILE *f = open_memstream(&out, &nout), *g = open_memstream(&notes, &nnotes);
        assert_true(f && g);
        bc_print(f, g, t, fmts[k]);
        fclose(f);
        fclose(g);
        if (check[k](out, nout, why, sizeof why) || oc_terminal(notes, nnotes, why, sizeof why))
            fail_msg("%s, format %d: %s", name, k, why);
        free(out);
        free(notes);
    }
}

static void fuzz_corpus_replay(void **state)
{
    (void)state;
    DIR *dir = opendir(BB_TOP "/tests/fuzz/corpus");
    assert_non_null(dir);
    struct dirent *de;
    int files = 0;
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        char path[1024], err[512];
        snprintf(path, sizeof path, "%s/%s", BB_TOP "/tests/fuzz/corpus", de->d_name);
        struct bc_doc d[2];
        files++;
        if (bc_doc_load_file(path, 1 << 20, &d[0], err, sizeof err)) {
            assert_true(err[0] != '\0');
            continue;
        }
        assert_int_equal(bc_doc_load_file(path, 1 << 20, &d[1], err, sizeof err), 0);
        bc_doc_labels(d, 2);
        struct bc_table t;
        assert_int_equal(bc_compare(d, 2, &t), 0);
        judge_prints(&t, de->d_name);
        bc_table_free(&t);
        bc_doc_free(&d[0]);
        bc_doc_free(&d[1]);
    }
    closedir(dir);
    assert_true(files >= 5);
}

/* A minimal document with the environment fields the comparer checks before the numbers. */
static int env_doc(struct bc_doc *d, const char *tag, double core_hz, const char *turbo,
                   const char *pstate, int tpc, int numa, int stolen)
{
    char buf[2048], numa_txt[64] = "";
    if (numa > 0)
        snprintf(numa_txt, sizeof numa_txt, ",\"numa\":{\"nodes\":%d}", numa);
    snprintf(buf, sizeof buf,
             "{\"schema\":\"barebench/1\",\"tool\":{\"tag\":\"%s\",\"build\":\"uefi\"},\"env\":{"
             "\"cpu\":{\"brand\":\"X\",\"vendor\":\"GenuineIntel\",\"family\":6,\"model\":1,\"stepping\":1},"
             "\"clock\":{\"core_hz\":%.1f},\"power\":{\"policy\":{\"turbo_enabled\":%s},"
             "\"pstate\":{\"asked\":\"%s\"}},\"topology\":{\"threads_per_core\":%d}%s},"
             "\"results\":[{\"suite\":\"alu\",\"test\":\"int_add\",\"params\":{\"threads\":1},"
             "\"unit\":\"Gop/s\",\"better\":\"higher\",\"min\":1,\"median\":1,\"max\":1,"
             "\"samples\":[1,1,1],\"extra\":{\"stolen_samples\":%d,\"steal_ns\":%d}}]}",
             tag, core_hz, turbo, pstate, tpc, numa_txt, stolen, stolen * 250000);
    char err[256];
    int rc = bc_doc_load_buffer(buf, strlen(buf), tag, d, err, sizeof err);
    if (rc)
        fprintf(stderr, "%s\n", err);
    return rc;
}

/* The warning containing all of the given fragments, or NULL. */
static const char *warning_with(const struct bc_table *t, const char *a, const char *b, const char *c)
{
    for (int i = 0; i < t->nwarn; i++)
        if (strstr(t->warn[i], a) && (!b || strstr(t->warn[i], b)) && (!c || strstr(t->warn[i], c)))
            return t->warn[i];
    return NULL;
}

static void environment_warnings(void **state)
{
    (void)state;
    struct bc_doc d[2];
    struct bc_table t;
    memset(d, 0, sizeof d);
    /* same environment, clocks 1% apart: no environment warning */
    assert_int_equal(env_doc(&d[0], "metal", 3.0e9, "true", "keep", 2, 2, 0), 0);
    assert_int_equal(env_doc(&d[1], "kvm", 3.03e9, "true", "keep", 2, 2, 0), 0);
    bc_doc_labels(d, 2);
    assert_int_equal(bc_compare(d, 2, &t), 0);
    assert_null(warning_with(&t, "core clocks", NULL, NULL));
    assert_null(warning_with(&t, "differ", NULL, NULL));
    assert_null(warning_with(&t, "stolen", NULL, NULL));
    bc_table_free(&t);
    bc_doc_free(&d[1]);
    /* everything different; NUMA absent on one side is not compared */
    assert_int_equal(env_doc(&d[1], "kvm", 3.5e9, "false", "max", 1, 0, 2), 0);
    bc_doc_labels(d, 2);
    assert_int_equal(bc_compare(d, 2, &t), 0);
    assert_non_null(warning_with(&t, "core clocks differ", "3.000 GHz", "3.500 GHz"));
    assert_non_null(warning_with(&t, "turbo", "metal has true", "kvm has false"));
    assert_non_null(warning_with(&t, "pstate", "keep", "max"));
    assert_non_null(warning_with(&t, "threads per core differ", "metal has 2", "kvm has 1"));
    assert_null(warning_with(&t, "NUMA", NULL, NULL));
    assert_non_null(warning_with(&t, "kvm has 2 samples", "stolen", "0.500 ms"));
    assert_null(warning_with(&t, "metal has", "stolen", NULL));
    bc_table_free(&t);
    bc_doc_free(&d[1]);
    /* NUMA node counts named when both documents have them */
    assert_int_equal(env_doc(&d[1], "kvm", 3.0e9, "true", "keep", 2, 1, 0), 0);
    bc_doc_labels(d, 2);
    assert_int_equal(bc_compare(d, 2, &t), 0);
    assert_non_null(warning_with(&t, "NUMA node counts differ", "metal has 2", "kvm has 1"));
    bc_table_free(&t);
    bc_doc_free(&d[0]);
    bc_doc_free(&d[1]);
}

/* A document whose run saw its core clock move: warned about, naming the spread and its ends;
 * moved false (or absent, older documents) is not. */
/* A document made with fault= is named as not a real run; one without env.faults is not. */
/* Documents metal and vm from a JSON format with a %s for the tag (metal, vm) and one for
 * `extra[i]`, compared into t. */
static void load_two(const char *fmt, const char *const extra[2], struct bc_doc d[2],
                     struct bc_table *t)
{
    char buf[2048], err[256];
    memset(d, 0, 2 * sizeof *d);
    for (int i = 0; i < 2; i++) {
        snprintf(buf, sizeof buf, fmt, i ? "vm" : "metal", extra[i]);
        if (bc_doc_load_buffer(buf, strlen(buf), i ? "vm" : "metal", &d[i], err, sizeof err))
            fail_msg("%s", err);
    }
    bc_doc_labels(d, 2);
    assert_int_equal(bc_compare(d, 2, t), 0);
}

static void faulted_warning(void **state)
{
    (void)state;
    struct bc_doc d[2];
    struct bc_table t;
    static const char *const faults[] = {"", "\"faults\":[\"refclock-frozen\",\"ap-stuck\"]"};
    load_two("{\"schema\":\"barebench/1\",\"tool\":{\"tag\":\"%s\",\"build\":\"uefi\"},"
             "\"env\":{%s},\"results\":[{\"suite\":\"alu\",\"test\":\"int_add\","
             "\"params\":{},\"unit\":\"Gop/s\",\"better\":\"higher\",\"min\":1,\"median\":1,"
             "\"max\":1,\"samples\":[1,1,1]}]}",
             faults, d, &t);
    assert_non_null(warning_with(&t, "vm: made with test-only fault injection",
                                 "refclock-frozen,ap-stuck", "not a real run"));
    assert_null(warning_with(&t, "metal: made with", NULL, NULL));
    bc_table_free(&t);
    for (int i = 0; i < 2; i++)
        bc_doc_free(&d[i]);
}

static void clock_moved_warning(void **state)
{
    (void)state;
    static const char *clocks[] = {
        "{\"core_hz\":3.4e9,\"moved\":true,\"spread\":0.0616,\"spread_of\":{\"series\":\"alone\","
        "\"low\":{\"when\":\"alu\",\"hz\":3.41e9},\"high\":{\"when\":\"timer\",\"hz\":3.62e9}}}",
        "{\"core_hz\":3.4e9,\"moved\":false,\"spread\":0.005}",
        "{\"core_hz\":3.4e9}",
    };
    struct bc_doc d[2];
    struct bc_table t;
    char buf[1024], err[256];
    for (int k = 0; k < 3; k++) {
        memset(d, 0, sizeof d);
        for (int i = 0; i < 2; i++) {
            snprintf(buf, sizeof buf,
                     "{\"schema\":\"barebench/1\",\"tool\":{\"tag\":\"%s\",\"build\":\"linux\"},"
                     "\"env\":{\"clock\":%s},\"results\":[{\"suite\":\"alu\",\"test\":\"int_add\","
                     "\"params\":{},\"unit\":\"Gop/s\",\"better\":\"higher\",\"min\":1,\"median\":1,"
                     "\"max\":1,\"samples\":[1,1,1]}]}",
                     i ? "vm" : "metal", i ? clocks[k] : clocks[1]);
            assert_int_equal(bc_doc_load_buffer(buf, strlen(buf), i ? "vm" : "metal", &d[i], err, sizeof err), 0);
        }
        bc_doc_labels(d, 2);
        assert_int_equal(bc_compare(d, 2, &t), 0);
        if (k == 0)
            assert_non_null(warning_with(&t, "vm: core clock moved 6.2% during its run",
                                         "3.410 GHz at alu, 3.620 GHz at timer", "not the hypervisor"));
        else
            assert_null(warning_with(&t, "moved", NULL, NULL));
        bc_table_free(&t);
        bc_doc_free(&d[0]);
        bc_doc_free(&d[1]);
    }
}

/* BC_HTML (the report's sections) on documents whose strings are markup: only the writer's own
 * tags and entities (oc_html), and the document's text is there escaped. */
static void html_escapes_markup(void **state)
{
    (void)state;
    static const char *const median[] = {"2", "3"};
    struct bc_doc d[2];
    struct bc_table t;
    char *out = NULL;
    size_t n = 0;
    load_two("{\"schema\":\"barebench/1\",\"tool\":{\"tag\":\"%s</td><td>\",\"build\":\"<b>uefi</b>\"},"
             "\"env\":{\"hypervisor\":{\"name\":\"<img src=x onerror=alert(1)>\"}},"
             "\"errors\":[{\"what\":\"<iframe src='http://example.invalid'>\"}],"
             "\"results\":[{\"suite\":\"alu\",\"test\":\"<script>alert(1)</script>\","
             "\"params\":{\"k\":\"\\\"><svg onload=x>\"},\"unit\":\"a&amp;b\",\"better\":\"higher\","
             "\"min\":1,\"median\":%s,\"max\":3,\"samples\":[1,2,2,3]}]}",
             median, d, &t);
    FILE *f = open_memstream(&out, &n);
    assert_non_null(f);
    bc_print(f, NULL, &t, BC_HTML);
    fclose(f);
    char why[512];
    if (oc_html(out, n, why, sizeof why))
        fail_msg("%s", why);
    assert_non_null(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(out, "&lt;img src=x onerror=alert(1)&gt;"));
    assert_non_null(strstr(out, "&quot;&gt;&lt;svg onload=x&gt;"));
    assert_non_null(strstr(out, "a&amp;amp;b"));
    assert_non_null(strstr(out, "vm&lt;/td&gt;&lt;td&gt;"));
    assert_non_null(strstr(out, "&lt;iframe src=&#39;http://example.invalid&#39;&gt;"));
    free(out);
    bc_table_free(&t);
    for (int i = 0; i < 2; i++)
        bc_doc_free(&d[i]);
}

/* Every writer on a document whose strings attack their readers: backquotes, $(), quotes and
 * @macros for gnuplot, ESC/C1/bidi for terminals, formulas for spreadsheets, '|' for Markdown,
 * newlines to forge lines.  Nothing raw comes out; the strings stay readable.  The hostile
 * document is compared with the baremetal fixture. */
static struct bc_doc hdocs[2];
static struct bc_table htab;

static int load_hostile(void **state)
{
    (void)state;
    static const char *const f[] = {FIX "baremetal.json", FIX "hostile/hostile.json"};
    return load_compare(f, 2, hdocs, &htab);
}

static int free_hostile(void **state)
{
    (void)state;
    free_compared(hdocs, 2, &htab);
    return 0;
}

static void hostile_terminal(void **state)
{
    (void)state;
    char why[512];
    char *s = print_to_string(&htab, BC_TEXT);
    if (oc_terminal(s, strlen(s), why, sizeof why))
        fail_msg("text output: %s", why);
    assert_non_null(strstr(s, "\\x1b[31mEvil\\x1b]0;pwned\\x07 CPU \\u009b2J Ünïcode ≈")); /* readable */
    assert_non_null(strstr(s, "\\u202eevil\\r\\nFORGED: line"));
    assert_non_null(strstr(s, "first: \\x1b[2J\\x1b[Hscreen wiped")); /* in a warning */
    free(s);
    s = print_to_string(&htab, BC_MARKDOWN);
    if (oc_markdown(s, strlen(s), why, sizeof why))
        fail_msg("markdown output: %s", why);
    assert_non_null(strstr(s, "kvm\\|pipe\\\\x7f")); /* renders as kvm|pipe\x7f */
    free(s);
}

static void hostile_csv(void **state)
{
    (void)state;
    char why[512];
    char *csv = NULL, *notes = NULL;
    size_t ncsv = 0, nnotes = 0;
    FILE *fc = open_memstream(&csv, &ncsv), *fn = open_memstream(&notes, &nnotes);
    assert_true(fc && fn);
    bc_print(fc, fn, &htab, BC_CSV);
    fclose(fc);
    fclose(fn);
    if (oc_csv(csv, ncsv, why, sizeof why))
        fail_msg("csv output: %s", why);
    if (oc_terminal(notes, nnotes, why, sizeof why))
        fail_msg("csv notes: %s", why);
    assert_non_null(strstr(csv, "\nvmcost,\"'=HYPERLINK(\"\"http://example.invalid\"\")\",,ns`touch PWNED`,"));
    assert_non_null(strstr(csv, "\"'=cmd|' /C calc'!A0=x\"")); /* a params cell */
    assert_non_null(strstr(csv, "\ntimer,skew,v=-2+3,ns,lower,,,,-3.2,-4,-1,")); /* numbers stay */
    free(csv);
    free(notes);
}

/* The charts' scripts and data ("true" stands in for gnuplot: nothing is drawn, so this holds
 * without gnuplot; tests/host/23-benchcmp-hostile.sh draws them). */
static void hostile_gnuplot_scripts(void **state)
{
    (void)state;
    char err[512], why[512];
    char dir[] = "/tmp/test_benchcmp_plot_XXXXXX";
    assert_non_null(mkdtemp(dir));
    int n = bc_plot(&htab, dir, "true", NULL, err, sizeof err);
    if (n < 0)
        fail_msg("%s", err);
    assert_true(n >= 10);
    int rc = oc_plot_dir(dir, why, sizeof why);
    oc_empty_dir(dir);
    rmdir(dir);
    if (rc)
        fail_msg("gnuplot scripts: %s", why);
}

int main(void)
{
    const struct CMUnitTest fixture_tests[] = {
        cmocka_unit_test(fixture_identity_and_labels),
        cmocka_unit_test(fixture_higher_is_better),
        cmocka_unit_test(fixture_lower_is_better),
        cmocka_unit_test(fixture_unmatched),
        cmocka_unit_test(formats),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mann_whitney),
        cmocka_unit_test(labels_made_unique),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(bad_files),
        cmocka_unit_test(real_linux_documents),
        cmocka_unit_test(fuzz_corpus_replay),
        cmocka_unit_test(environment_warnings),
        cmocka_unit_test(clock_moved_warning),
        cmocka_unit_test(faulted_warning),
        cmocka_unit_test(html_escapes_markup),
    };
    const struct CMUnitTest hostile_tests[] = {
        cmocka_unit_test(hostile_terminal),
        cmocka_unit_test(hostile_csv),
        cmocka_unit_test(hostile_gnuplot_scripts),
    };
    int failed = cmocka_run_group_tests_name("benchcmp_fixtures", fixture_tests, load_fixtures,
                                             free_fixtures);
    failed += cmocka_run_group_tests_name("benchcmp", tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("benchcmp_hostile", hostile_tests, load_hostile, free_hostile);
    return failed ? 1 : 0;
}
