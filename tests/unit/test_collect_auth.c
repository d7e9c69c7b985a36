/* test_collect_auth.c - barebench-collect's side of signed uploads (tools/collect/collect_auth.c): the
 * head checks (missing, malformed signature or run id), the MAC over the whole body (wrong key,
 * a replayed body under another run id, a changed byte, a run id that is not the document's),
 * the legacy token, where secrets may come from (empty is an error, never "off"), which
 * addresses may be listened on; and that libcrypto's MAC equals the image's own
 * (kernel/upload/upload.c over kernel/lib/hmac.c), so both ends agree on every input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/upload/upload.h"
#include "kernel/upload/upload_key.h"
#include "tools/collect/collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RID "0123456789abcdef0123456789abcdef"
#define RID2 "fedcba9876543210fedcba9876543210"
#define KEYHEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static const char *g_names[4], *g_values[4];

static const char *fake_header(void *ctx, const char *name)
{
    (void)ctx;
    for (int i = 0; i < 4 && g_names[i]; i++)
        if (!strcasecmp(g_names[i], name))
            return g_values[i];
    return NULL;
}

static void headers(const char *n0, const char *v0, const char *n1, const char *v1)
{
    memset(g_names, 0, sizeof g_names);
    g_names[0] = n0, g_values[0] = v0, g_names[1] = n1, g_values[1] = v1;
}

static struct collect_cfg keyed(void)
{
    static uint8_t key[32];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    struct collect_cfg c = {0};
    c.key = key, c.keylen = sizeof key;
    return c;
}

static const char *doc(const char *rid)
{
    static char b[256];
    snprintf(b, sizeof b, "{\"schema\":\"barebench/1\",\"tool\":{\"run_id\":\"%s\"},\"results\":[]}", rid);
    return b;
}

/* Sign body for run rid with key (the image's code) into the header value "v1=HEX". */
static const char *sign(const uint8_t *key, size_t kl, const char *rid, const char *body)
{
    static char v[80];
    char hex[65];
    upload_sign(key, kl, rid, body, strlen(body), hex);
    snprintf(v, sizeof v, "v1=%s", hex);
    return v;
}

/* head check then body check, as collect_http.c makes them */
static int verdict(const struct collect_cfg *c, const char *body, char *msg, size_t ml)
{
    struct collect_auth a;
    int st = collect_auth_head(c, fake_header, NULL, &a, msg, ml);
    return st ? st : collect_auth_body(c, &a, body, strlen(body), msg, ml);
}

static void signed_uploads(void **state)
{
    struct collect_cfg c = keyed();
    char msg[600];
    const char *body = doc(RID);
    headers("X-Barebench-Signature", sign(c.key, c.keylen, RID, body), "X-Barebench-Run-Id", RID);
    assert_int_equal(verdict(&c, body, msg, sizeof msg), 0);

    /* a wrong key */
    uint8_t other[32];
    memset(other, 7, sizeof other);
    headers("X-Barebench-Signature", sign(other, sizeof other, RID, body), "X-Barebench-Run-Id", RID);
    assert_int_equal(verdict(&c, body, msg, sizeof msg), 401);
    assert_non_null(strstr(msg, "wrong signature"));

    /* a captured upload replayed under another run id: the signature no longer matches */
    char sig[80];
    snprintf(sig, sizeof sig, "%s", sign(c.key, c.keylen, RID, body));
    headers("X-Barebench-Signature", sig, "X-Barebench-Run-Id", RID2);
    assert_int_equal(verdict(&c, body, msg, sizeof msg), 401);
    assert_non_null(strstr(msg, "wrong signature"));

    /* one byte of the body changed */
    headers("X-Barebench-Signature", sig, "X-Barebench-Run-Id", RID);
    char changed[256];
    snprintf(changed, sizeof changed, "%s", body);
    changed[3] ^= 1;
    assert_int_equal(verdict(&c, changed, msg, sizeof msg), 401);

    /* signed right, but for a run id the document does not carry (or carries none) */
    headers("X-Barebench-Signature", sign(c.key, c.keylen, RID2, body), "X-Barebench-Run-Id", RID2);
    assert_int_equal(verdict(&c, body, msg, sizeof msg), 401);
    assert_non_null(strstr(msg, "tool.run_id is another run"));
    const char *norid = "{\"schema\":\"barebench/1\",\"results\":[]}";
    headers("X-Barebench-Signature", sign(c.key, c.keylen, RID, norid), "X-Barebench-Run-Id", RID);
    assert_int_equal(verdict(&c, norid, msg, sizeof msg), 401);
    assert_non_null(strstr(msg, "missing"));

    /* a legacy token is no signature */
    headers("X-Barebench-Token", "s3cret", NULL, NULL);
    assert_int_equal(verdict(&c, body, msg, sizeof msg), 401);
    assert_non_null(strstr(msg, "missing signature"));
}

/* What the head must carry, checked before any body is read */
static void malformed_heads(void **state)
{
    struct collect_cfg c = keyed();
    struct collect_auth a;
    char msg[600];
    const char *good = sign(c.key, c.keylen, RID, doc(RID));
    char upper[80];
    snprintf(upper, sizeof upper, "v1=%s", good + 3);
    for (char *p = upper + 3; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    static const char *bad[] = {"", "v1=", "v2=00", "sha256=abcd", "v1=xyz"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        headers("X-Barebench-Signature", bad[i], "X-Barebench-Run-Id", RID);
        assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 400);
        assert_non_null(strstr(msg, "malformed X-Barebench-Signature"));
    }
    char longer[90];
    snprintf(longer, sizeof longer, "%s0", good);
    headers("X-Barebench-Signature", longer, "X-Barebench-Run-Id", RID);
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 400);
    headers("X-Barebench-Signature", upper, "X-Barebench-Run-Id", RID);
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 400);
    headers("X-Barebench-Signature", good, NULL, NULL);
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 401);
    assert_non_null(strstr(msg, "missing X-Barebench-Run-Id"));
    headers("X-Barebench-Signature", good, "X-Barebench-Run-Id", "../../etc");
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 400);
    headers(NULL, NULL, NULL, NULL);
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 401);
    assert_non_null(strstr(msg, "missing signature"));
    headers("X-Barebench-Signature", good, "X-Barebench-Run-Id", RID);
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 0);
    assert_true(a.signed_upload);
    assert_string_equal(a.run_id, RID);
}

static void legacy_token(void **state)
{
    struct collect_cfg c = {0};
    struct collect_auth a;
    char msg[600];
    c.token = "s3cret";
    headers("X-Barebench-Token", "s3cret", NULL, NULL);
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 0);
    assert_false(a.signed_upload);
    headers("Authorization", "Bearer s3cret", NULL, NULL);
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 0);
    static const char *bad[] = {"s3cre", "s3cret!", "", "S3CRET"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        headers("X-Barebench-Token", bad[i], NULL, NULL);
        assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 401);
    }
    headers(NULL, NULL, NULL, NULL);
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 401);
    c.token = NULL; /* no key, no token: loopback trials only (collect_bind_allowed) */
    assert_int_equal(collect_auth_head(&c, fake_header, NULL, &a, msg, sizeof msg), 0);
}

static char g_dir[] = "/tmp/test_collect_authXXXXXX";

static const char *file_with(const char *name, const char *text)
{
    static char path[200];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Secrets come from a file or the environment; empty or malformed is an error, never "off" */
static void secrets_setup(void **state)
{
    struct collect_cfg c;
    char err[400];
    assert_non_null(mkdtemp(g_dir));
    unsetenv("BAREBENCH_KEY");
    unsetenv("BAREBENCH_TOKEN");
    assert_int_equal(collect_auth_setup(&c, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(c.keylen, 0);
    assert_null(c.token);
    assert_int_equal(collect_auth_setup(&c, file_with("k", KEYHEX "\n"), NULL, err, sizeof err), 0);
    assert_int_equal(c.keylen, 32);
    assert_int_equal(c.key[31], 0x1f);
    assert_int_equal(collect_auth_setup(&c, file_with("empty", ""), NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty"));
    assert_int_equal(collect_auth_setup(&c, file_with("short", "abcd\n"), NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "too short"));
    assert_null(strstr(err, "abcd"));
    char missing[240];
    snprintf(missing, sizeof missing, "%s/none", g_dir);
    assert_int_equal(collect_auth_setup(&c, missing, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file"));
    assert_int_equal(collect_auth_setup(&c, g_dir, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));

    setenv("BAREBENCH_KEY", "", 1);
    assert_int_equal(collect_auth_setup(&c, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "BAREBENCH_KEY: the key is empty"));
    setenv("BAREBENCH_KEY", KEYHEX, 1);
    assert_int_equal(collect_auth_setup(&c, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(c.keylen, 32);
    setenv("BAREBENCH_TOKEN", "s3cret", 1);
    assert_int_equal(collect_auth_setup(&c, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "use one"));
    unsetenv("BAREBENCH_KEY");
    assert_int_equal(collect_auth_setup(&c, NULL, NULL, err, sizeof err), 0);
    assert_string_equal(c.token, "s3cret");
    assert_int_equal(c.keylen, 0);
    setenv("BAREBENCH_TOKEN", "", 1);
    assert_int_equal(collect_auth_setup(&c, NULL, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "the token is empty"));
    unsetenv("BAREBENCH_TOKEN");
    assert_int_equal(collect_auth_setup(&c, NULL, file_with("t", "\n"), err, sizeof err), -1);
    assert_non_null(strstr(err, "the token is empty"));
    assert_int_equal(collect_auth_setup(&c, NULL, file_with("t", "tok en\n"), err, sizeof err), -1);
    assert_int_equal(collect_auth_setup(&c, NULL, file_with("t", "s3cret\n"), err, sizeof err), 0);
    assert_string_equal(c.token, "s3cret");
    assert_int_equal(collect_auth_setup(&c, file_with("k", KEYHEX), file_with("t", "x"), err,
                                        sizeof err), -1);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    assert_int_equal(system(cmd), 0);
}

/* Beyond loopback only with a key, or when told --insecure-open */
static void bind_policy(void **state)
{
    struct collect_cfg open = {0}, tok = {0}, key = keyed();
    char err[400];
    tok.token = "s3cret";
    static const char *const lo[] = {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"};
    static const char *const wide[] = {"0.0.0.0", "::", "10.0.0.1", "192.168.1.5", "::ffff:10.0.0.1",
                                       "fe80::1"};
    for (size_t i = 0; i < sizeof lo / sizeof lo[0]; i++)
        assert_int_equal(collect_bind_allowed(&open, lo[i], 0, err, sizeof err), 0);
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++) {
        assert_int_equal(collect_bind_allowed(&open, wide[i], 0, err, sizeof err), -1);
        assert_non_null(strstr(err, "--insecure-open"));
        assert_int_equal(collect_bind_allowed(&tok, wide[i], 0, err, sizeof err), -1);
        assert_non_null(strstr(err, "clear text"));
        assert_int_equal(collect_bind_allowed(&key, wide[i], 0, err, sizeof err), 0);
        assert_int_equal(collect_bind_allowed(&open, wide[i], 1, err, sizeof err), 0);
    }
}

/* libcrypto's HMAC (the collector) equals kernel/lib/hmac.c's (the image) on many lengths and keys */
static void both_sides_agree(void **state)
{
    static char body[5000];
    uint8_t key[64];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (char)(i * 131 + 7);
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(i * 37 + 1);
    size_t lens[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 4999, 5000};
    for (size_t kl = 16; kl <= 64; kl += 8)
        for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
            char hex[65], lib[65];
            unsigned char mac[32];
            upload_sign(key, kl, RID, body, lens[i], hex);
            assert_int_equal(collect_auth_mac(key, kl, RID, body, lens[i], mac), 0);
            for (int k = 0; k < 32; k++)
                sprintf(lib + 2 * k, "%02x", mac[k]);
            assert_string_equal(hex, lib);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signed_uploads), cmocka_unit_test(malformed_heads),
        cmocka_unit_test(legacy_token),   cmocka_unit_test(secrets_setup),
        cmocka_unit_test(bind_policy),    cmocka_unit_test(both_sides_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
