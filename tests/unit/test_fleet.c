/* test_fleet.c - the fleet store's library on SQLite (the PostgreSQL side runs in
 * tests/host/71-73): connection strings, the schema migrated once and a newer one refused, a run
 * stored once (run id, or its bytes' SHA-256), all its rows or none, the machine key's order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tools/benchcmp/benchcmp.h"
#include "tools/fleet/fleet_engine.h"

static char g_dir[64];

static int setup(void **s)
{
    (void)s;
    snprintf(g_dir, sizeof g_dir, "/tmp/test_fleet.XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd);
}

/* A fresh migrated SQLite store in the test directory. */
static struct fleet_db *fresh(const char *name)
{
    char spec[160], err[512];
    snprintf(spec, sizeof spec, "sqlite:%s/%s", g_dir, name);
    struct fleet_db *db = fleet_open(spec, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(fleet_migrate(db, err, sizeof err), 0);
    return db;
}

static int one_text(void *ctx, int ncols, const char *const *vals, const char *const *names)
{
    (void)names;
    snprintf(ctx, 256, "%s", ncols && vals[0] ? vals[0] : "(null)");
    return 0;
}

/* The first column of the first row of sql, as text. */
static const char *value(struct fleet_db *db, const char *sql)
{
    static char out[256];
    char err[512];
    out[0] = '\0';
    assert_int_equal(fleet_query(db, sql, 0, NULL, one_text, out, err, sizeof err), 0);
    return out;
}

static void connection_strings(void **s)
{
    (void)s;
    char err[512], path[64];
    assert_null(fleet_open("mysql://x/y", err, sizeof err));
    assert_non_null(strstr(err, "not sqlite:PATH, postgresql://"));
    assert_null(fleet_open("", err, sizeof err));
    assert_null(fleet_open("sqlite:", err, sizeof err));
    assert_non_null(strstr(err, "no file named"));
    assert_null(fleet_open("sqlite:/tmp/x.sqlite?timeout=soon", err, sizeof err));
    assert_non_null(strstr(err, "timeout= takes milliseconds"));
    assert_int_equal(fleet_sqlite_file("sqlite:/a/b.sqlite?timeout=10", path, sizeof path), 1);
    assert_string_equal(path, "/a/b.sqlite");
    assert_int_equal(fleet_sqlite_file("postgresql:///db", path, sizeof path), 0);
    /* a password in a postgresql:// string is spotted (the tools refuse it on argv) */
    assert_int_equal(fleet_spec_has_password("postgresql://u:secret@h/db"), 1);
    assert_int_equal(fleet_spec_has_password("postgres://h/db?sslmode=require&password=x"), 1);
    assert_int_equal(fleet_spec_has_password("postgresql://u@h/db"), 0);
    assert_int_equal(fleet_spec_has_password("postgresql:///db?host=/run/postgresql&user=u"), 0);
    assert_int_equal(fleet_spec_has_password("sqlite:/u:p@x"), 0);
}

static void schema_for_both_engines(void **s)
{
    (void)s;
    char *lite = fleet_schema_step(&fleet_sqlite_engine, 1);
    char *pg = fleet_schema_step(&fleet_pg_engine, 1);
    assert_non_null(lite);
    assert_non_null(pg);
    assert_null(strchr(lite, '@')); /* every type put in */
    assert_null(strchr(pg, '@'));
    assert_non_null(strstr(pg, "doc JSONB NOT NULL"));
    assert_non_null(strstr(pg, "id BIGSERIAL PRIMARY KEY"));
    assert_non_null(strstr(lite, "doc TEXT NOT NULL"));
    assert_null(fleet_schema_step(&fleet_pg_engine, FLEET_SCHEMA_VERSION + 1));
    free(lite);
    free(pg);
}

static void migrate_once_and_refuse_newer(void **s)
{
    (void)s;
    char err[512];
    struct fleet_db *db = fresh("m.sqlite");
    assert_int_equal(fleet_migrate(db, err, sizeof err), 0); /* again: nothing to do */
    assert_string_equal(value(db, "SELECT count(*) FROM schema_version"), "1");
    /* $N parameters on SQLite: in any order, reused, and never inside quoted text */
    char out[256], err2[256];
    const char *p[] = {"a", "b"};
    assert_int_equal(fleet_query(db, "SELECT $2 || $1 || '$1' || $2", 2, p, one_text, out, err2,
                                 sizeof err2), 0);
    assert_string_equal(out, "ba$1b");
    assert_int_equal(fleet_query(db, "SELECT $1 || '-' || $2", 2, p, one_text, out, err2,
                                 sizeof err2), 0);
    assert_string_equal(out, "a-b");
    assert_int_equal(fleet_exec(db, "INSERT INTO schema_version VALUES (99, 0)", err, sizeof err), 0);
    assert_int_equal(fleet_migrate(db, err, sizeof err), -1);
    assert_non_null(strstr(err, "schema is version 99, newer than this program's 1"));
    fleet_close(db);
}

static char *fixture(size_t *len)
{
    char err[256];
    char *t = fleet_read_file(BB_TOP "/tests/fixtures/kvm.json", len, err, sizeof err);
    assert_non_null(t);
    return t;
}

static void store_once_all_rows(void **s)
{
    (void)s;
    char err[512], key[40];
    size_t len;
    char *text = fixture(&len);
    struct bc_doc d;
    assert_int_equal(bc_doc_load_buffer(text, len, "kvm.json", &d, err, sizeof err), 0);
    struct fleet_db *db = fresh("s.sqlite");
    assert_int_equal(fleet_store(db, &d, text, len, "kvm.json", err, sizeof err), FLEET_STORED);
    assert_int_equal(fleet_store(db, &d, text, len, "kvm.json", err, sizeof err), FLEET_ALREADY);
    fleet_run_key(&d, text, len, key); /* no tool.run_id: "doc-" + SHA-256 prefix */
    assert_int_equal(strlen(key), 36);
    assert_memory_equal(key, "doc-", 4);
    assert_int_equal(fleet_has_run(db, key, err, sizeof err), 1);
    assert_int_equal(fleet_has_run(db, "doc-0", err, sizeof err), 0);
    char n[16];
    snprintf(n, sizeof n, "%d", d.n);
    assert_string_equal(value(db, "SELECT count(*) FROM results"), n);
    assert_string_equal(value(db, "SELECT count(*) FROM runs"), "1");
    /* the key benchcmp matches by is suite/test/params_key */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT suite || '/' || test || '/' || params_key FROM results "
                              "WHERE idx = %d", d.n - 1);
    assert_string_equal(value(db, sql), d.e[d.n - 1].key);
    /* all rows or none: a row the database refuses takes the run back out */
    assert_int_equal(fleet_exec(db, "CREATE TRIGGER t BEFORE INSERT ON results WHEN NEW.idx = 50"
                                    " BEGIN SELECT RAISE(ABORT, 'row 50 refused'); END",
                                err, sizeof err), 0);
    assert_int_equal(text[len - 1], '\n');
    text[len - 1] = ' '; /* other bytes: another run (it has no run id) */
    assert_int_equal(fleet_store(db, &d, text, len, "x.json", err, sizeof err), FLEET_REFUSED);
    assert_non_null(strstr(err, "row 50 refused"));
    assert_string_equal(value(db, "SELECT count(*) FROM runs"), "1");
    assert_string_equal(value(db, "SELECT count(*) FROM results"), n);
    bc_doc_free(&d);
    free(text);
    fleet_close(db);
}

/* Several runs in one transaction (import's batches): each a savepoint, a refused one takes
 * only itself back out, nothing is there for another connection before the commit. */
static void runs_share_a_transaction(void **s)
{
    (void)s;
    char err[512], spec[160];
    size_t len;
    char *text = fixture(&len);
    struct bc_doc d;
    assert_int_equal(bc_doc_load_buffer(text, len, "kvm.json", &d, err, sizeof err), 0);
    struct fleet_db *db = fresh("t.sqlite");
    snprintf(spec, sizeof spec, "sqlite:%s/t.sqlite", g_dir);
    struct fleet_db *other = fleet_open(spec, err, sizeof err);
    assert_non_null(other);
    assert_int_equal(fleet_exec(db, "CREATE TRIGGER t BEFORE INSERT ON results WHEN NEW.idx = 50"
                                    " AND (SELECT run_id FROM runs WHERE id = NEW.run) LIKE '%2'"
                                    " BEGIN SELECT RAISE(ABORT, 'row 50 refused'); END",
                                err, sizeof err), 0);
    assert_int_equal(fleet_begin(db, err, sizeof err), 0);
    assert_true(fleet_in_transaction(db));
    for (int i = 1; i <= 3; i++) { /* run ids ...1, ...2 (refused at row 50), ...3 */
        char rid[40];
        snprintf(rid, sizeof rid, "%031d%d", 0, i);
        json_object_set_new(json_object_get(d.root, "tool"), "run_id", json_string(rid));
        assert_int_equal(fleet_store(db, &d, text, len, "k.json", err, sizeof err),
                         i == 2 ? FLEET_REFUSED : FLEET_STORED);
        assert_true(fleet_in_transaction(db)); /* the run's own savepoint is closed */
    }
    assert_string_equal(value(other, "SELECT count(*) FROM runs"), "0");
    assert_int_equal(fleet_commit(db, err, sizeof err), 0);
    assert_false(fleet_in_transaction(db));
    char n[16];
    snprintf(n, sizeof n, "%d", 2 * d.n);
    assert_string_equal(value(other, "SELECT group_concat(substr(run_id, 32), ',') FROM runs"), "1,3");
    assert_string_equal(value(other, "SELECT count(*) FROM results"), n);
    /* a rollback of the outer transaction takes every run of it */
    assert_int_equal(fleet_begin(db, err, sizeof err), 0);
    json_object_set_new(json_object_get(d.root, "tool"), "run_id", json_string("00000000000000000000000000000004"));
    assert_int_equal(fleet_store(db, &d, text, len, "k.json", err, sizeof err), FLEET_STORED);
    fleet_rollback(db);
    assert_false(fleet_in_transaction(db));
    assert_string_equal(value(db, "SELECT count(*) FROM runs"), "2");
    fleet_close(other);
    fleet_close(db);
    bc_doc_free(&d);
    free(text);
}

/* Statements are kept prepared per connection: more distinct ones than it keeps, each asked
 * again, give their own answers (an evicted one is prepared anew); a row callback may run the
 * statement that is calling it. */
static int nested(void *ctx, int ncols, const char *const *vals, const char *const *names)
{
    (void)names;
    char err[256];
    struct fleet_db *db = ctx;
    const char *p[] = {"7"};
    assert_int_equal(ncols, 1);
    assert_string_equal(vals[0], "14");
    assert_string_equal(value(db, "SELECT 2 * 7"), "14");
    static char inner[256];
    assert_int_equal(fleet_query(db, "SELECT $1 * 2", 1, p, one_text, inner, err, sizeof err), 0);
    assert_string_equal(inner, "14");
    return 0;
}

static void statements_kept(void **s)
{
    (void)s;
    char err[256], sql[64], want[16];
    struct fleet_db *db = fresh("p.sqlite");
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 40; i++) {
            snprintf(sql, sizeof sql, "SELECT %d + $1", i);
            snprintf(want, sizeof want, "%d", i + round);
            const char *p[] = {round ? "1" : "0"};
            static char got[256];
            assert_int_equal(fleet_query(db, sql, 1, p, one_text, got, err, sizeof err), 0);
            assert_string_equal(got, want);
        }
    const char *p[] = {"7"};
    assert_int_equal(fleet_query(db, "SELECT $1 * 2", 1, p, nested, db, err, sizeof err), 0);
    assert_int_equal(fleet_query(db, "SELECT nosuchcolumn", 0, NULL, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "nosuchcolumn"));
    fleet_close(db);
}

/* The machine key of a document whose env.system is sys, with env.network.mac and env.hostname
 * when not NULL. */
static const char *key_of(const char *sys, const char *mac, const char *host)
{
    static char out[256];
    char buf[1024], net[64] = "", hn[64] = "", err[256];
    struct bc_doc d;
    if (mac)
        snprintf(net, sizeof net, ",\"network\":{\"mac\":\"%s\"}", mac);
    if (host)
        snprintf(hn, sizeof hn, ",\"hostname\":\"%s\"", host);
    snprintf(buf, sizeof buf, "{\"schema\":\"barebench/1\",\"results\":[],"
                              "\"env\":{\"system\":%s%s%s}}", sys, net, hn);
    assert_int_equal(bc_doc_load_buffer(buf, strlen(buf), "k", &d, err, sizeof err), 0);
    fleet_machine_key(&d, "RUN", out, sizeof out);
    bc_doc_free(&d);
    return out;
}

static void machine_key(void **s)
{
    (void)s;
    assert_string_equal(key_of("{\"uuid\":\"4C4C4544-0037-5810-804B-B7C04F4D4C33\",\"serial\":\"X1\"}",
                               "52:54:00:12:34:56", NULL),
                        "uuid:4c4c4544-0037-5810-804b-b7c04f4d4c33");
    assert_string_equal(key_of("{\"uuid\":\"00000000-0000-0000-0000-000000000000\","
                               "\"manufacturer\":\"Dell Inc.\",\"product\":\"R650\",\"serial\":\"X1\"}",
                               NULL, NULL),
                        "serial:Dell Inc./R650/X1");
    assert_string_equal(key_of("{\"uuid\":\"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF\","
                               "\"serial\":\"To Be Filled By O.E.M.\"}", "52:54:00:12:34:56", NULL),
                        "mac:52:54:00:12:34:56");
    /* no UUID, no real serial: the asset tag (SMBIOS type 3) before the MAC, whose card moves */
    assert_string_equal(key_of("{\"serial\":\"Default string\",\"product\":\"R650\","
                               "\"asset_tag\":\"RACK7-0042\"}", "52:54:00:12:34:56", NULL),
                        "asset:/R650/RACK7-0042");
    assert_string_equal(key_of("{\"serial\":\"Default string\",\"asset_tag\":\"No Asset Tag\"}",
                               NULL, "rack7-u12"), "host:rack7-u12");
    assert_string_equal(key_of("{\"serial\":\"Default string\"}", NULL, "rack7-u12"), "host:rack7-u12");
    assert_string_equal(key_of("{}", "00:00:00:00:00:00", NULL), "run:RUN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connection_strings), cmocka_unit_test(schema_for_both_engines),
        cmocka_unit_test(migrate_once_and_refuse_newer), cmocka_unit_test(store_once_all_rows),
        cmocka_unit_test(machine_key), cmocka_unit_test(runs_share_a_transaction),
        cmocka_unit_test(statements_kept),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
