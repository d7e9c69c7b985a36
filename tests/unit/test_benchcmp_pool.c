/* test_benchcmp_pool.c - the comparer as a reader means it (issue 27): disks matched by role
 * (index, kind and api ignored; two disks pair by size; disk_label pairs explicitly), --match
 * exact, pools by tag (median of medians, spread, n, missing entries counted), the driver-kind
 * warning, the reading order of rows, the summary's numbers and the --suite/--test filters;
 * ISA levels paired by role (base with base, best with best) within x86 and across x86 and
 * aarch64, whose vmcost operands differ, with the warnings naming the architectures and ISAs.
 * Documents are written here, small, so every expected number is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/benchcmp/benchcmp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXD 12

/* A disk entry of the disk suite's shape. */
static const char *dent(const char *test, int disk, const char *kind, const char *api, int bs,
                        int qd, double med)
{
    static char buf[16][512];
    static int k;
    char *b = buf[k++ % 16];
    const char *op = strstr(test, "write") ? "write" : "read";
    const char *pat = !strncmp(test, "seq", 3) ? "seq" : "rand";
    snprintf(b, 512,
             "{\"suite\":\"disk\",\"test\":\"%s\",\"unit\":\"MB/s\",\"better\":\"higher\","
             "\"params\":{\"disk\":%d,\"disk_kind\":\"%s\",\"op\":\"%s\",\"pattern\":\"%s\","
             "\"block_size\":%d,\"qd\":%d,\"api\":\"%s\"},\"min\":%g,\"median\":%g,\"max\":%g}",
             test, disk, kind, op, pat, bs, qd, api, med * 0.99, med, med * 1.01);
    return b;
}

/* An entry of any suite (higher is better) from its params as JSON. */
static const char *uent(const char *suite, const char *test, const char *params, const char *unit,
                        double med)
{
    static char buf[24][384];
    static int k;
    char *b = buf[k++ % 24];
    snprintf(b, 384,
             "{\"suite\":\"%s\",\"test\":\"%s\",\"unit\":\"%s\",\"better\":\"higher\","
             "\"params\":%s,\"min\":%g,\"median\":%g,\"max\":%g}",
             suite, test, unit, params, med * 0.999, med, med * 1.001);
    return b;
}

static const char *pent(const char *suite, const char *test, const char *params, double med)
{
    return uent(suite, test, params, "GB/s", med);
}

/* An alu entry (higher is better). */
static const char *aent(const char *test, double med)
{
    return uent("alu", test, "{\"threads\":1}", "Gop/s", med);
}

/* docs[n] from a tag, env.disks JSON and entries (NULL-terminated). */
static void mkdoc(struct bc_doc *d, const char *tag, const char *disks, ...)
{
    char text[16384];
    size_t u = (size_t)snprintf(text, sizeof text,
                                "{\"schema\":\"barebench/1\",\"tool\":{\"tag\":\"%s\"},\"env\":{\"disks\":%s},"
                                "\"results\":[", tag, disks ? disks : "[]");
    va_list ap;
    va_start(ap, disks);
    const char *e;
    for (int i = 0; (e = va_arg(ap, const char *)); i++)
        u += (size_t)snprintf(text + u, sizeof text - u, "%s%s", i ? "," : "", e);
    va_end(ap);
    snprintf(text + u, sizeof text - u, "]}");
    char err[512];
    static int serial;
    char name[32];
    snprintf(name, sizeof name, "%s-%d.json", tag, ++serial);
    if (bc_doc_load_buffer(text, strlen(text), name, d, err, sizeof err))
        fail_msg("%s", err);
}

static struct bc_doc docs[MAXD];
static int ndocs;
static struct bc_table tab;

static void compare(int n, enum bc_match m)
{
    ndocs = n;
    bc_doc_labels(docs, n);
    struct bc_opts o = {.match = m};
    assert_int_equal(bc_compare_opts(docs, n, &o, &tab), 0);
}

static int teardown(void **state)
{
    (void)state;
    bc_table_free(&tab);
    for (int i = 0; i < ndocs; i++)
        bc_doc_free(&docs[i]);
    ndocs = 0;
    return 0;
}

static const char *warning_with(const char *a)
{
    for (int i = 0; i < tab.nwarn; i++)
        if (strstr(tab.warn[i], a))
            return tab.warn[i];
    return NULL;
}

#define GIB "1073741824"
static const char *const one_nvme = "[{\"index\":0,\"kind\":\"nvme\",\"model\":\"A\",\"bytes\":" GIB "}]";
static const char *const one_virtio =
    "[{\"index\":0,\"kind\":\"scsi\",\"model\":\"boot\",\"bytes\":17179869184},"
    "{\"index\":3,\"kind\":\"virtio\",\"model\":\"B\",\"bytes\":" GIB "}]";

/* Disks that differ only in index, kind and api are one row; --match exact keeps them apart. */
static void role_ignores_index_kind_api(void **state)
{
    (void)state;
    mkdoc(&docs[0], "bare", one_nvme, dent("seq_read", 0, "nvme", "nvme", 4096, 1, 100), NULL);
    mkdoc(&docs[1], "kvm", one_virtio, dent("seq_read", 3, "virtio", "virtio-blk", 4096, 1, 80), NULL);
    compare(2, BC_MATCH_ROLE);
    assert_int_equal(tab.nrows, 1);
    assert_int_equal(tab.unmatched, 0);
    const struct bc_row *r = &tab.rows[0];
    assert_string_equal(r->params_text, "block_size=4096 op=read pattern=seq qd=1");
    assert_string_equal(r->c[0].api, "nvme");
    assert_string_equal(r->c[1].api, "virtio-blk");
    assert_int_equal(r->c[1].driver, BC_DRV_NATIVE);
    assert_int_equal(r->mixed_drivers, 0);
    assert_true(fabs(r->c[1].ratio_pct - 80.0) < 1e-9);
    assert_true(fabs(r->c[1].overhead_pct - 20.0) < 1e-9);
    assert_null(warning_with("different kinds of driver"));
    teardown(NULL);

    mkdoc(&docs[0], "bare", one_nvme, dent("seq_read", 0, "nvme", "nvme", 4096, 1, 100), NULL);
    mkdoc(&docs[1], "kvm", one_virtio, dent("seq_read", 3, "virtio", "virtio-blk", 4096, 1, 80), NULL);
    compare(2, BC_MATCH_EXACT);
    assert_int_equal(tab.nrows, 2);
    assert_int_equal(tab.unmatched, 2);
    assert_non_null(strstr(tab.rows[0].params_text, "api=nvme"));
    assert_non_null(warning_with("2 of 2 entries are not in every file"));
}

/* Two documents of two disks each (env.disks a and b), one 4 KiB seq_read per disk with the
 * medians given, compared with role matching. */
static void two_disk_docs(const char *a, const char *b, double a0, double a1, double b0, double b1)
{
    mkdoc(&docs[0], "bare", a, dent("seq_read", 0, "nvme", "nvme", 4096, 1, a0),
          dent("seq_read", 1, "nvme", "nvme", 4096, 1, a1), NULL);
    mkdoc(&docs[1], "kvm", b, dent("seq_read", 0, "virtio", "virtio-blk", 4096, 1, b0),
          dent("seq_read", 1, "virtio", "virtio-blk", 4096, 1, b1), NULL);
    compare(2, BC_MATCH_ROLE);
    assert_int_equal(tab.nrows, 2);
    assert_int_equal(tab.unmatched, 0);
}

/* Two disks per document pair by size within 1% (then model), whatever their order. */
static void two_disks_pair_by_size(void **state)
{
    (void)state;
    const char *a = "[{\"index\":0,\"kind\":\"nvme\",\"model\":\"big\",\"bytes\":107374182400},"
                    "{\"index\":1,\"kind\":\"nvme\",\"model\":\"small\",\"bytes\":" GIB "}]";
    const char *b = "[{\"index\":0,\"kind\":\"virtio\",\"model\":\"small\",\"bytes\":1075000000},"
                    "{\"index\":1,\"kind\":\"virtio\",\"model\":\"big\",\"bytes\":107800000000}]";
    two_disk_docs(a, b, 10, 20, 21, 11);
    for (int i = 0; i < 2; i++) { /* 10 with 11 (the 100 GiB disks), 20 with 21 (the 1 GiB ones) */
        const struct bc_row *r = &tab.rows[i];
        assert_true(fabs(r->c[1].median - r->c[0].median - 1) < 1e-9);
        assert_non_null(strstr(r->params_text, r->c[0].median == 10 ? "disk=100 GiB" : "disk=1 GiB"));
    }
    /* sizes more than 1% apart never pair */
    struct bc_roles roles;
    const char *c = "[{\"index\":0,\"kind\":\"nvme\",\"model\":\"small\",\"bytes\":1100000000},"
                    "{\"index\":1,\"kind\":\"nvme\",\"model\":\"big\",\"bytes\":107374182400}]";
    bc_doc_free(&docs[1]);
    mkdoc(&docs[1], "kvm", c, dent("seq_read", 0, "virtio", "virtio-blk", 4096, 1, 21),
          dent("seq_read", 1, "virtio", "virtio-blk", 4096, 1, 11), NULL);
    assert_int_equal(bc_disk_roles(docs, 2, &roles), 3);
    assert_int_equal(roles.role[0][0], roles.role[1][1]); /* the 100 GiB disks */
    assert_int_not_equal(roles.role[0][1], roles.role[1][0]);
    bc_disk_roles_free(&roles);
    ndocs = 2;
}

/* disk_label pairs explicitly, against the size rule (same sizes, same models, swapped order). */
static void disk_label_pairs(void **state)
{
    (void)state;
    const char *a = "[{\"index\":0,\"model\":\"m\",\"bytes\":" GIB ",\"label\":\"fast\"},"
                    "{\"index\":1,\"model\":\"m\",\"bytes\":" GIB ",\"label\":\"slow\"}]";
    const char *b = "[{\"index\":0,\"model\":\"m\",\"bytes\":" GIB ",\"label\":\"slow\"},"
                    "{\"index\":1,\"model\":\"m\",\"bytes\":" GIB ",\"label\":\"fast\"}]";
    two_disk_docs(a, b, 500, 50, 45, 450);
    for (int i = 0; i < 2; i++) {
        const struct bc_row *r = &tab.rows[i];
        assert_true(fabs(r->c[1].ratio_pct - 90.0) < 1e-9);
        assert_non_null(strstr(r->params_text, r->c[0].median == 500 ? "disk=fast" : "disk=slow"));
    }
}

/* A row whose environments went through different kinds of driver is marked and warned about. */
static void mixed_drivers_warned(void **state)
{
    (void)state;
    mkdoc(&docs[0], "bare", one_nvme, dent("seq_read", 0, "nvme", "nvme", 4096, 1, 100),
          dent("seq_read", 0, "nvme", "nvme", 65536, 1, 100), NULL);
    mkdoc(&docs[1], "fw", one_nvme, dent("seq_read", 0, "nvme", "blockio", 4096, 1, 50),
          dent("seq_read", 0, "nvme", "nvme", 65536, 1, 99), NULL);
    compare(2, BC_MATCH_ROLE);
    assert_int_equal(tab.nrows, 2);
    assert_int_equal(tab.rows[0].mixed_drivers, 1); /* 4 KiB: nvme vs blockio */
    assert_int_equal(tab.rows[1].mixed_drivers, 0);
    assert_int_equal(tab.rows[0].c[1].driver, BC_DRV_FIRMWARE);
    const char *w = warning_with("different kinds of driver");
    assert_non_null(w);
    assert_non_null(strstr(w, "1 row went"));
    assert_non_null(strstr(w, "bare nvme native, fw blockio firmware"));
    assert_int_equal(bc_api_driver("psync"), BC_DRV_OS);
    assert_int_equal(bc_api_driver("pvscsi"), BC_DRV_NATIVE);
    assert_int_equal(bc_api_driver("blockio2"), BC_DRV_FIRMWARE);
}

/* 3 + 3 + 3 documents are three columns with n = 3: median of medians, spread, missing counted. */
static void pools_by_tag(void **state)
{
    (void)state;
    static const double bare[] = {10, 14, 12}, kvm[] = {9, 8, 10}, esxi[] = {11, 13, 12};
    for (int i = 0; i < 3; i++) {
        mkdoc(&docs[i], "bare", NULL, aent("int_add", bare[i]), aent("int_mul", 5), NULL);
        if (i == 2) /* kvm's third run lacks int_mul */
            mkdoc(&docs[3 + i], "kvm", NULL, aent("int_add", kvm[i]), NULL);
        else
            mkdoc(&docs[3 + i], "kvm", NULL, aent("int_add", kvm[i]), aent("int_mul", 4), NULL);
        mkdoc(&docs[6 + i], "esxi", NULL, aent("int_add", esxi[i]), aent("int_mul", 5.5), NULL);
    }
    compare(9, BC_MATCH_ROLE);
    assert_int_equal(tab.npools, 3);
    assert_string_equal(tab.pools[0].label, "bare");
    assert_string_equal(tab.pools[1].label, "kvm");
    assert_string_equal(tab.pools[2].label, "esxi");
    for (int p = 0; p < 3; p++)
        assert_int_equal(tab.pools[p].n, 3);
    assert_int_equal(tab.pools[1].doc[2], 5);
    assert_int_equal(tab.nrows, 2);
    const struct bc_row *add = &tab.rows[0], *mul = &tab.rows[1];
    assert_string_equal(add->first->test, "int_add");
    assert_int_equal(add->c[0].n, 3);
    assert_true(add->c[0].median == 12 && add->c[0].min == 10 && add->c[0].max == 14);
    assert_true(add->c[0].q1 == 11 && add->c[0].q3 == 13);
    assert_true(add->c[1].median == 9);
    assert_true(fabs(add->c[1].ratio_pct - 75.0) < 1e-9);
    assert_true(fabs(add->c[1].overhead_pct - 25.0) < 1e-9);
    assert_true(fabs(add->c[0].lo - 10 * 0.999) < 1e-9 && fabs(add->c[0].hi - 14 * 1.001) < 1e-9);
    assert_int_equal(add->c[1].method, 'r'); /* no samples: pooled lo..hi ranges */
    assert_int_equal(add->c[1].noise, BC_WITHIN_NOISE); /* 7.992..10.01 overlaps 9.99..14.014 */
    assert_int_equal(mul->c[1].n, 2);
    assert_int_equal(mul->c[1].missing, 1);
    assert_int_equal(tab.pools[1].missing, 1);
    assert_int_equal(tab.missing, 1);
    assert_int_equal(tab.unmatched, 0);
    const char *w = warning_with("kvm: 1 entry is missing from some of its 3 documents");
    assert_non_null(w);
    assert_non_null(strstr(w, "kvm-"));
}

/* Sizes within 1% pair however they fall against the 2% size classes roles are looked up in;
 * more than 1% apart they do not, even in one class. */
static void sizes_pair_across_classes(void **state)
{
    (void)state;
    for (int k = 1040; k < 1046; k++) {
        double edge = pow(1.02, k); /* a class boundary (~1e9 bytes) */
        double pair[][2] = {{edge * 0.996, edge * 1.004}, {edge * 1.004, edge * 0.996},
                            {edge * 1.001, edge * 1.0125}};
        for (int c = 0; c < 3; c++) {
            char a[256], b[256];
            snprintf(a, sizeof a, "[{\"index\":0,\"kind\":\"nvme\",\"bytes\":%.0f},"
                     "{\"index\":1,\"kind\":\"nvme\",\"bytes\":1099511627776}]", pair[c][0]);
            snprintf(b, sizeof b, "[{\"index\":0,\"kind\":\"virtio\",\"bytes\":1099511627776},"
                     "{\"index\":1,\"kind\":\"virtio\",\"bytes\":%.0f}]", pair[c][1]);
            mkdoc(&docs[0], "bare", a, dent("seq_read", 0, "nvme", "nvme", 4096, 1, 1),
                  dent("seq_read", 1, "nvme", "nvme", 4096, 1, 1), NULL);
            mkdoc(&docs[1], "kvm", b, dent("seq_read", 0, "virtio", "virtio-blk", 4096, 1, 1),
                  dent("seq_read", 1, "virtio", "virtio-blk", 4096, 1, 1), NULL);
            ndocs = 2;
            struct bc_roles roles;
            assert_int_equal(bc_disk_roles(docs, 2, &roles), c < 2 ? 2 : 3);
            assert_int_equal(roles.role[0][1], roles.role[1][0]); /* the 1 TiB disks */
            if (c < 2)
                assert_int_equal(roles.role[0][0], roles.role[1][1]);
            else
                assert_int_not_equal(roles.role[0][0], roles.role[1][1]);
            bc_disk_roles_free(&roles);
            teardown(NULL);
        }
    }
}

/* Rows in reading order: suites as first seen; disk by op, pattern (seq first), test, size, qd. */
static void reading_order(void **state)
{
    (void)state;
    mkdoc(&docs[0], "bare", one_nvme, dent("rand_write", 0, "nvme", "nvme", 4096, 32, 1),
          aent("int_add", 1), dent("seq_read", 0, "nvme", "nvme", 1048576, 1, 1),
          dent("rand_read", 0, "nvme", "nvme", 4096, 1, 1), dent("seq_read", 0, "nvme", "nvme", 4096, 1, 1),
          dent("rand_write", 0, "nvme", "nvme", 4096, 1, 1), NULL);
    compare(1, BC_MATCH_ROLE);
    static const char *const want[][2] = {{"seq_read", "4096"}, {"seq_read", "1048576"},
                                          {"rand_read", "4096"}, {"rand_write", "qd=1"},
                                          {"rand_write", "qd=32"}, {"int_add", ""}};
    assert_int_equal(tab.nrows, 6);
    for (int i = 0; i < 6; i++) {
        assert_string_equal(tab.rows[i].first->test, want[i][0]);
        assert_non_null(strstr(tab.rows[i].params_text, want[i][1]));
    }
}

/* The summary: median overhead, outside noise, worst three, disk grouped by op and size class. */
static void summary_numbers(void **state)
{
    (void)state;
    mkdoc(&docs[0], "bare", one_nvme, dent("seq_read", 0, "nvme", "nvme", 4096, 1, 100),
          dent("seq_read", 0, "nvme", "nvme", 16384, 1, 100), dent("seq_read", 0, "nvme", "nvme", 32768, 1, 100),
          dent("seq_read", 0, "nvme", "nvme", 8192, 1, 100), dent("seq_read", 0, "nvme", "nvme", 4194304, 1, 100),
          dent("seq_write", 0, "nvme", "nvme", 4096, 1, 100), aent("int_add", 10), aent("int_mul", 10), NULL);
    mkdoc(&docs[1], "kvm", one_virtio, dent("seq_read", 3, "virtio", "virtio-blk", 4096, 1, 60),
          dent("seq_read", 3, "virtio", "virtio-blk", 16384, 1, 90), dent("seq_read", 3, "virtio", "virtio-blk", 32768, 1, 100),
          dent("seq_read", 3, "virtio", "virtio-blk", 8192, 1, 70), dent("seq_read", 3, "virtio", "virtio-blk", 4194304, 1, 110),
          dent("seq_write", 3, "virtio", "virtio-blk", 4096, 1, 50), aent("int_add", 9), aent("int_mul", 10), NULL);
    compare(2, BC_MATCH_ROLE);
    struct bc_summary s;
    assert_int_equal(bc_summarize(&tab, &s), 0);
    assert_int_equal(s.ng, 4);
    static const char *const names[] = {"disk read <64K", "disk read >=1M", "disk write <64K", "alu"};
    for (int g = 0; g < 4; g++)
        assert_string_equal(s.g[g].name, names[g]);
    const struct bc_sum_cell *c = &s.g[0].c[1];
    assert_int_equal(s.g[0].nrows, 4);
    assert_int_equal(c->n, 4);
    assert_true(fabs(c->median_overhead_pct - 20.0) < 1e-9); /* 40, 30, 10, 0 -> (30 + 10) / 2 */
    assert_int_equal(c->outside_noise, 3);                  /* 100 vs 100 overlaps */
    assert_int_equal(c->nworst, 3);
    assert_true(tab.rows[c->worst[0]].c[1].overhead_pct == 40 && tab.rows[c->worst[1]].c[1].overhead_pct == 30 &&
                tab.rows[c->worst[2]].c[1].overhead_pct == 10);
    assert_true(fabs(s.g[1].c[1].median_overhead_pct + 10.0) < 1e-9);
    assert_int_equal(s.g[1].c[1].nworst, 0); /* -10%: better than the baseline, no "worst" */
    assert_true(fabs(s.g[3].c[1].median_overhead_pct - 5.0) < 1e-9);
    assert_int_equal(s.g[3].c[1].nworst, 1); /* +10% int_add; int_mul at 0% is not worse */
    assert_true(tab.rows[s.g[3].c[1].worst[0]].c[1].overhead_pct == 10);
    bc_summary_free(&s);
}

/* --suite and --test (fnmatch) keep only what they name. */
static void filters(void **state)
{
    (void)state;
    mkdoc(&docs[0], "bare", one_nvme, dent("seq_read", 0, "nvme", "nvme", 4096, 1, 1),
          dent("rand_read", 0, "nvme", "nvme", 4096, 1, 1), aent("int_add", 1), aent("int_mul", 1), NULL);
    ndocs = 1;
    bc_doc_labels(docs, 1);
    const char *suites[] = {"alu"}, *tests[] = {"*_read", "int_mul"};
    struct bc_opts o = {.suites = suites, .nsuites = 1};
    assert_int_equal(bc_compare_opts(docs, 1, &o, &tab), 0);
    assert_int_equal(tab.nrows, 2);
    bc_table_free(&tab);
    o = (struct bc_opts){.tests = tests, .ntests = 2};
    assert_int_equal(bc_compare_opts(docs, 1, &o, &tab), 0);
    assert_int_equal(tab.nrows, 3);
    bc_table_free(&tab);
    o.suites = suites;
    o.nsuites = 1;
    assert_int_equal(bc_compare_opts(docs, 1, &o, &tab), 0);
    assert_int_equal(tab.nrows, 1);
    assert_string_equal(tab.rows[0].first->test, "int_mul");
    /* every name must match: a typo among several is an error naming it */
    char err[512];
    assert_int_equal(bc_opts_check(docs, 1, &o, err, sizeof err), -1); /* *_read: none in alu */
    o.tests = tests + 1;
    o.ntests = 1;
    assert_int_equal(bc_opts_check(docs, 1, &o, err, sizeof err), 0);
    const char *typo[] = {"disk", "alus"}, *nomatch[] = {"int_mul", "seq_*"};
    o = (struct bc_opts){.suites = typo, .nsuites = 2};
    assert_int_equal(bc_opts_check(docs, 1, &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "--suite 'alus' matches no entry"));
    assert_non_null(strstr(err, "alu, disk") ? strstr(err, "alu, disk") : strstr(err, "disk, alu"));
    o = (struct bc_opts){.suites = suites, .nsuites = 1, .tests = nomatch, .ntests = 2};
    assert_int_equal(bc_opts_check(docs, 1, &o, err, sizeof err), -1); /* seq_* is not in alu */
    assert_non_null(strstr(err, "--test 'seq_*' matches no test of the suites selected"));
}

/* env.disks, then env.cpu.arch (mkdoc writes its disks argument after "disks":) */
static const char *const a64_env = "[],\"cpu\":{\"arch\":\"aarch64\"}";

#define SIMD(isa, t) pent("alu", "simd_fma", "{\"isa\":\"" isa "\",\"threads\":" #t "}", 0)
static int row_of(const char *test, const char *shown)
{
    for (int r = 0; r < tab.nrows; r++)
        if (!strcmp(tab.rows[r].first->test, test) && !strcmp(tab.rows[r].params_text, shown))
            return r;
    fail_msg("no row %s %s", test, shown);
    return -1;
}

/* x86 (sse2 < avx2 < avx512) against aarch64 (asimd < sve): the lowest level each measured
 * pairs as isa=base, the highest as isa=best, avx2 (between) stays alone; the base ISA's tests
 * (x86-64 / aarch64) pair; fma, not a level, matches as written; the vmcost operands (leaf /
 * register, none / counter) are left out across architectures and shown in column at. */
static void isa_roles_across_architectures(void **state)
{
    (void)state;
    static const struct {
        const char *suite, *test, *x86, *a64; /* params; NULL: not measured there */
        double x, a;
    } e[] = {
        {"alu", "simd_fma", "{\"isa\":\"sse2\"}", "{\"isa\":\"asimd\"}", 10, 8},
        {"alu", "simd_fma", "{\"isa\":\"avx512\"}", "{\"isa\":\"sve\"}", 40, 16},
        {"alu", "int_add", "{\"isa\":\"x86-64\"}", "{\"isa\":\"aarch64\"}", 5, 4},
        {"alu", "fp_fma", "{\"isa\":\"fma\"}", "{\"isa\":\"fma\"}", 3, 2},
        {"mem", "copy", "{\"isa\":\"sse2\",\"level\":\"DRAM\",\"bytes\":268435456}",
         "{\"isa\":\"asimd\",\"level\":\"DRAM\",\"bytes\":134217728}", 30, 12},
        {"mem", "copy", "{\"isa\":\"avx512\",\"level\":\"DRAM\",\"bytes\":268435456}",
         "{\"isa\":\"sve\",\"level\":\"DRAM\",\"bytes\":134217728}", 32, 16},
        {"vmcost", "cpuid", "{\"leaf\":\"0x0\"}", "{\"register\":\"id_aa64pfr0_el1\"}", 100, 50},
        {"vmcost", "rdtsc", "{}", "{\"counter\":\"cntvct_el0\"}", 10, 20},
        {"alu", "simd_fma", "{\"isa\":\"avx2\"}", NULL, 20, 0},
    };
    const char *x86[9], *a64[8];
    for (int i = 0; i < 9; i++) {
        x86[i] = pent(e[i].suite, e[i].test, e[i].x86, e[i].x);
        if (e[i].a64)
            a64[i] = pent(e[i].suite, e[i].test, e[i].a64, e[i].a);
    }
    mkdoc(&docs[0], "x86", NULL, x86[0], x86[1], x86[2], x86[3], x86[4], x86[5], x86[6], x86[7],
          x86[8], NULL);
    mkdoc(&docs[1], "a64", a64_env, a64[0], a64[1], a64[2], a64[3], a64[4], a64[5], a64[6], a64[7],
          NULL);
    compare(2, BC_MATCH_EXACT); /* the old rule: fma alone */
    int both = 0;
    for (int r = 0; r < tab.nrows; r++)
        both += tab.rows[r].present == 2;
    assert_int_equal(both, 1);
    bc_table_free(&tab);
    compare(2, BC_MATCH_ROLE);
    assert_int_equal(tab.nrows, 9); /* 8 pairs and avx2 */
    assert_int_equal(tab.unmatched, 1);
    int r = row_of("simd_fma", "isa=best");
    assert_string_equal(tab.rows[r].isa_role, "best");
    assert_string_equal(tab.rows[r].c[0].isa, "avx512");
    assert_string_equal(tab.rows[r].c[1].isa, "sve");
    assert_true(tab.rows[r].c[1].ratio_pct == 40);
    r = row_of("simd_fma", "isa=base");
    assert_string_equal(tab.rows[r].c[1].isa, "asimd");
    assert_true(tab.rows[r].c[1].median == 8 && tab.rows[r].c[0].median == 10);
    assert_int_equal(tab.rows[row_of("simd_fma", "isa=avx2")].present, 1);
    r = row_of("int_add", "isa=base");
    assert_string_equal(tab.rows[r].c[0].isa, "x86-64");
    assert_string_equal(tab.rows[r].c[1].isa, "aarch64");
    assert_null(tab.rows[row_of("fp_fma", "isa=fma")].isa_role);
    r = row_of("copy", "isa=best level=DRAM");
    assert_int_equal(tab.rows[r].present, 2);
    assert_string_equal(tab.rows[r].c[1].at, "128 MiB");
    r = row_of("cpuid", "");
    assert_int_equal(tab.rows[r].present, 2);
    assert_string_equal(tab.rows[r].c[0].at, "leaf=0x0");
    assert_string_equal(tab.rows[r].c[1].at, "register=id_aa64pfr0_el1");
    r = row_of("rdtsc", "");
    assert_int_equal(tab.rows[r].present, 2);
    assert_string_equal(tab.rows[r].c[1].at, "counter=cntvct_el0");
    const char *w = warning_with("architectures differ");
    assert_non_null(w);
    assert_non_null(strstr(w, "x86 (x86-"));
    assert_non_null(strstr(w, ".json) is x86-64, a64 (a64-"));
    assert_non_null(strstr(w, ".json) is aarch64"));
    assert_non_null(w = warning_with("ISA levels differ"));
    assert_non_null(strstr(w, "avx512 x86, sve a64"));
}

/* Within x86: bare metal's best (avx512) pairs with a VM's (avx2), the sweep measured at each
 * one's best too; no architecture warning; the operands stay in the key (same architecture). */
static void isa_best_within_x86(void **state)
{
    (void)state;
    mkdoc(&docs[0], "bare", NULL, SIMD("sse2", 1), SIMD("avx2", 1), SIMD("avx512", 1),
          pent("mem", "sweep", "{\"isa\":\"avx512\",\"level\":\"L1\",\"bytes\":4096}", 1),
          pent("mem", "sweep", "{\"isa\":\"avx512\",\"level\":\"L1\",\"bytes\":8192}", 1),
          pent("vmcost", "cpuid", "{\"leaf\":\"0x0\"}", 1), NULL);
    mkdoc(&docs[1], "vm", NULL, SIMD("sse2", 1), SIMD("avx2", 1),
          pent("mem", "sweep", "{\"isa\":\"avx2\",\"level\":\"L1\",\"bytes\":4096}", 1),
          pent("mem", "sweep", "{\"isa\":\"avx2\",\"level\":\"L1\",\"bytes\":8192}", 1),
          pent("vmcost", "cpuid", "{\"leaf\":\"0x1\"}", 1), NULL);
    compare(2, BC_MATCH_ROLE);
    int r = row_of("simd_fma", "isa=best threads=1");
    assert_int_equal(tab.rows[r].present, 2);
    assert_string_equal(tab.rows[r].c[1].isa, "avx2");
    assert_int_equal(tab.rows[row_of("sweep", "isa=best bytes=4096")].present, 2);
    assert_int_equal(tab.rows[row_of("sweep", "isa=best bytes=8192")].present, 2);
    assert_int_equal(tab.rows[row_of("cpuid", "leaf=0x0")].present, 1);
    assert_null(warning_with("architectures differ"));
    assert_non_null(warning_with("ISA levels differ: 3 rows"));
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test_teardown(role_ignores_index_kind_api, teardown),
        cmocka_unit_test_teardown(two_disks_pair_by_size, teardown),
        cmocka_unit_test_teardown(disk_label_pairs, teardown),
        cmocka_unit_test_teardown(mixed_drivers_warned, teardown),
        cmocka_unit_test_teardown(pools_by_tag, teardown),
        cmocka_unit_test_teardown(sizes_pair_across_classes, teardown),
        cmocka_unit_test_teardown(reading_order, teardown),
        cmocka_unit_test_teardown(summary_numbers, teardown),
        cmocka_unit_test_teardown(filters, teardown),
        cmocka_unit_test_teardown(isa_roles_across_architectures, teardown),
        cmocka_unit_test_teardown(isa_best_within_x86, teardown),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
