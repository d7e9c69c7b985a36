/* test_collect_store.c - barebench-collect's store without its HTTP side: the minimum document
 * (docs/schema.json's required members, identity, something said), the quota and its 507, and
 * the start-up recovery of what a killed collector left (temporaries, claims, index entries). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/collect/collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BB_TOP
#define BB_TOP "."
#endif
#define FIX BB_TOP "/tests/fixtures/"
#define RID "0123456789abcdef0123456789abcdef"
#define RID2 "11111111111111111111111111111111"

static json_t *fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, FIX "%s", name);
    json_t *j = json_load_file(path, 0, NULL);
    assert_non_null(j);
    return j;
}

/* collect_doc_check on j (consumed); the message in msg. */
static int check_doc(json_t *j, char *msg, size_t n)
{
    msg[0] = '\0';
    int rc = collect_doc_check(j, msg, n);
    json_decref(j);
    return rc;
}

static void fixtures_pass(void **state)
{
    (void)state;
    const char *f[] = {"baremetal.json", "kvm.json", "esxi.json"};
    char msg[600];
    for (int i = 0; i < 3; i++) {
        int rc = check_doc(fixture(f[i]), msg, sizeof msg);
        if (rc)
            fprintf(stderr, "%s: %s\n", f[i], msg);
        assert_int_equal(rc, 0);
    }
}

static void empty_document_refused(void **state)
{
    (void)state;
    char msg[600];
    assert_int_equal(check_doc(json_loads("{\"schema\":\"barebench/1\",\"results\":[]}", 0, NULL),
                               msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "missing tool, time, skipped, errors, env (the machine's identity)"));
    assert_non_null(strstr(msg, "no entry in results, skipped or errors"));
}

/* A run that measured nothing but says why is kept; one that says nothing at all is not. */
static void nothing_said_refused(void **state)
{
    (void)state;
    char msg[600];
    json_t *j = fixture("kvm.json");
    json_object_set_new(j, "results", json_array());
    json_object_set_new(j, "skipped", json_array());
    assert_int_equal(check_doc(json_incref(j), msg, sizeof msg), -1);
    assert_string_equal(msg, "not a document the collector keeps: no entry in results, skipped or "
                             "errors (a run says what it measured, or why it measured nothing)");
    json_array_append_new(json_object_get(j, "errors"),
                          json_pack("{ssssss}", "suite", "timer", "test", "calibration", "what",
                                    "no usable clock source"));
    assert_int_equal(check_doc(j, msg, sizeof msg), 0);
}

/* Required at every level the schema has them: tool, env's parts, entries; and their types. */
static void nested_required_and_types(void **state)
{
    (void)state;
    char msg[600];
    json_t *j = fixture("kvm.json");
    json_object_del(json_object_get(json_object_get(j, "env"), "cpu"), "family");
    json_object_del(json_object_get(j, "tool"), "build");
    json_object_del(json_array_get(json_object_get(j, "results"), 3), "reps");
    json_object_set_new(json_object_get(j, "tool"), "reps", json_string("3"));
    assert_int_equal(check_doc(j, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "missing tool.build, env.cpu.family, results[3].reps"));
    assert_non_null(strstr(msg, "wrong type: tool.reps: integer expected"));

    j = fixture("kvm.json");
    json_object_del(j, "env");
    assert_int_equal(check_doc(j, msg, sizeof msg), -1);
    assert_string_equal(msg, "not a document the collector keeps: missing env (the machine's identity)");

    j = fixture("esxi.json"); /* a list of types: params values are string|number|boolean */
    json_object_set_new(json_object_get(json_array_get(json_object_get(j, "results"), 0), "params"),
                        "bad", json_array());
    assert_int_equal(check_doc(j, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "results[0].params.bad: string|number|boolean expected"));
}

/* Only what the schema requires: a unit the schema does not list yet is still kept. */
static void enums_not_enforced(void **state)
{
    (void)state;
    char msg[600];
    json_t *j = fixture("kvm.json");
    json_object_set_new(json_array_get(json_object_get(j, "results"), 0), "unit", json_string("GiB/s"));
    assert_int_equal(check_doc(j, msg, sizeof msg), 0);
}

static void parse_size(void **state)
{
    (void)state;
    unsigned long long v;
    assert_int_equal(collect_parse_size("10G", &v), 0);
    assert_true(v == 10ull << 30);
    assert_int_equal(collect_parse_size("64k", &v), 0);
    assert_true(v == 65536);
    assert_int_equal(collect_parse_size("1000", &v), 0);
    assert_true(v == 1000);
    assert_int_equal(collect_parse_size("0", &v), 0);
    assert_true(v == 0);
    assert_int_equal(collect_parse_size("", &v), -1);
    assert_int_equal(collect_parse_size("G", &v), -1);
    assert_int_equal(collect_parse_size("10 ", &v), -1);
    assert_int_equal(collect_parse_size("10GB", &v), -1);
    assert_int_equal(collect_parse_size("-1", &v), -1);
    assert_int_equal(collect_parse_size("16777216T", &v), -1);  /* 2^64: over */
    assert_int_equal(collect_parse_size("99999999999999999999", &v), -1);
}

/* A fresh directory; its path in buf. */
static const char *tmpdir(char *buf, size_t n)
{
    snprintf(buf, n, "%s/test_collect_store.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(buf));
    return buf;
}

static void put(const char *dir, const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int exists(const char *dir, const char *name)
{
    char path[600];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

/* kvm.json with run id rid and tag as one compact body (malloc'ed; length in n). */
static char *body_with(const char *rid, const char *tag, size_t *n)
{
    json_t *j = fixture("kvm.json");
    json_object_set_new(json_object_get(j, "tool"), "run_id", json_string(rid));
    json_object_set_new(json_object_get(j, "tool"), "tag", json_string(tag));
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    *n = strlen(s);
    return s;
}

static void rm_rf(const char *dir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* The quota in files and bytes: 507 naming the limit; a repeat of a stored run is still 200. */
static void quota_refuses_with_507(void **state)
{
    (void)state;
    char dir[300], info[1200], err[600], msg[600], stored[600];
    struct collect_cfg cfg = {.dir = tmpdir(dir, sizeof dir), .max_bytes = 1 << 20, .timeout_s = 1,
                              .body_timeout_s = 1, .max_conns = 1, .threads = 1, .quota_files = 2};
    assert_int_equal(collect_store_open(&cfg, info, sizeof info, err, sizeof err), 0);
    size_t n1, n2, n3;
    char *b1 = body_with(RID, "one", &n1), *b2 = body_with(RID2, "two", &n2);
    char *b3 = body_with("22222222222222222222222222222222", "three", &n3);
    assert_int_equal(collect_store(b1, n1, &cfg, msg, sizeof msg, stored, sizeof stored), 201);
    assert_int_equal(collect_store(b2, n2, &cfg, msg, sizeof msg, stored, sizeof stored), 201);
    assert_int_equal(collect_store(b3, n3, &cfg, msg, sizeof msg, stored, sizeof stored), 507);
    assert_non_null(strstr(msg, "--quota-files 2"));
    assert_int_equal(collect_store(b1, n1, &cfg, msg, sizeof msg, stored, sizeof stored), 200);
    assert_non_null(strstr(msg, "already stored as one_kvm_"));

    cfg.quota_files = 0; /* bytes: room for the two stored and not a third */
    cfg.quota_bytes = n1 + n2 + n3 - 1;
    assert_int_equal(collect_store(b3, n3, &cfg, msg, sizeof msg, stored, sizeof stored), 507);
    assert_non_null(strstr(msg, "would pass --quota-bytes"));
    cfg.quota_bytes += 1;
    assert_int_equal(collect_store(b3, n3, &cfg, msg, sizeof msg, stored, sizeof stored), 201);
    unsigned long long bytes, files;
    collect_quota_usage(&bytes, &files);
    assert_true(bytes == n1 + n2 + n3 && files == 3);

    cfg.quota_bytes = 0; /* the file system's reserve: more than it has free */
    cfg.reserve_bytes = 1ll << 62;
    assert_int_equal(collect_store(b3, n3, &cfg, msg, sizeof msg, stored, sizeof stored), 200);
    char *b4 = body_with("33333333333333333333333333333333", "four", &n1);
    assert_int_equal(collect_store(b4, n1, &cfg, msg, sizeof msg, stored, sizeof stored), 507);
    assert_non_null(strstr(msg, "file system nearly full"));
    assert_non_null(strstr(msg, "--reserve-bytes"));
    free(b1), free(b2), free(b3), free(b4);
    rm_rf(dir);
}

/* What a killed collector leaves, settled at the next start by collect_store.c's invariant. */
static void start_settles_leftovers(void **state)
{
    (void)state;
    char dir[300], info[1200], err[600], path[600], runs[400];
    struct collect_cfg cfg = {.dir = tmpdir(dir, sizeof dir), .max_bytes = 1 << 20, .timeout_s = 1,
                              .body_timeout_s = 1, .max_conns = 1, .threads = 1};
    snprintf(runs, sizeof runs, "%s/.runs", dir);
    assert_int_equal(mkdir(runs, 0755), 0);
    size_t n;
    char *b = body_with(RID, "a", &n);
    put(dir, "a.json", b); /* linked, not yet indexed: finished */
    snprintf(path, sizeof path, "%s/" RID ".pending", runs);
    assert_int_equal(symlink("../a.json", path), 0);
    put(dir, "other.json", "{\"tool\":{\"run_id\":\"" RID2 "\"}}"); /* a claim on a file of another run */
    snprintf(path, sizeof path, "%s/" "33333333333333333333333333333333" ".pending", runs);
    assert_int_equal(symlink("../other.json", path), 0);
    snprintf(path, sizeof path, "%s/" "44444444444444444444444444444444" ".pending", runs);
    assert_int_equal(symlink("../never-linked.json", path), 0); /* claimed, not linked */
    snprintf(path, sizeof path, "%s/" "55555555555555555555555555555555", runs);
    assert_int_equal(symlink("../removed-by-hand.json", path), 0);
    snprintf(path, sizeof path, "%s/" RID2, runs);
    assert_int_equal(symlink("../other.json", path), 0); /* a stored run: kept */
    put(dir, ".incoming-Ab12Cd", "half a docu");
    put(dir, ".incoming-long-name", "not ours");
    put(dir, "keep.incoming-Ab12Cd", "not ours");
    snprintf(path, sizeof path, "%s/.incoming-Dir123", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/.incoming-Lnk123", dir);
    assert_int_equal(symlink("a.json", path), 0);

    assert_int_equal(collect_store_open(&cfg, info, sizeof info, err, sizeof err), 0);
    assert_non_null(strstr(info, "1 temporary files removed, 1 runs finished, 2 claims undone, "
                                 "1 index entries of removed files dropped"));
    assert_false(exists(dir, ".incoming-Ab12Cd"));
    assert_true(exists(dir, ".incoming-long-name") && exists(dir, "keep.incoming-Ab12Cd"));
    assert_true(exists(dir, ".incoming-Dir123") && exists(dir, ".incoming-Lnk123"));
    assert_true(exists(dir, ".runs/" RID) && !exists(dir, ".runs/" RID ".pending"));
    assert_false(exists(dir, ".runs/33333333333333333333333333333333.pending"));
    assert_false(exists(dir, ".runs/33333333333333333333333333333333"));
    assert_false(exists(dir, ".runs/44444444444444444444444444444444.pending"));
    assert_false(exists(dir, ".runs/55555555555555555555555555555555"));
    assert_true(exists(dir, ".runs/" RID2) && exists(dir, "other.json") && exists(dir, "a.json"));
    assert_non_null(strstr(info, "holds 3 documents")); /* a.json, other.json, keep.incoming-... */

    /* the finished run answers as stored; a second collector on the directory is refused */
    char msg[600], stored[600];
    assert_int_equal(collect_store(b, n, &cfg, msg, sizeof msg, stored, sizeof stored), 200);
    assert_non_null(strstr(msg, "already stored as a.json ("));
    assert_int_equal(collect_store_open(&cfg, info, sizeof info, err, sizeof err), -1);
    assert_non_null(strstr(err, "is in use by another barebench-collect (pid "));
    free(b);
    rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixtures_pass),
        cmocka_unit_test(empty_document_refused),
        cmocka_unit_test(nothing_said_refused),
        cmocka_unit_test(nested_required_and_types),
        cmocka_unit_test(enums_not_enforced),
        cmocka_unit_test(parse_size),
        cmocka_unit_test(quota_refuses_with_507),
        cmocka_unit_test(start_settles_leftovers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
