/* test_upload.c - the portable half of upload=: URL parsing, the POST head with its signature (or
 * legacy token) headers and Content-Length, and reading the collector's answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/run/run_id.h"
#include "kernel/upload/upload.h"
#include "kernel/upload/upload_key.h"
#include "kernel/upload/upload_retry.h"

#include <stdio.h>
#include <string.h>

static void url_parsing(void **state)
{
    struct upload_url u;
    char why[160];
    assert_int_equal(upload_parse_url("http://10.0.2.2:8080/", &u, why, sizeof why), 0);
    assert_string_equal(u.host, "10.0.2.2");
    assert_true(u.has_ip);
    assert_int_equal(u.ip[0], 10);
    assert_int_equal(u.ip[3], 2);
    assert_int_equal(u.port, 8080);
    assert_string_equal(u.path, "/");
    assert_int_equal(upload_parse_url("http://collector.lan/in/x", &u, why, sizeof why), 0);
    assert_false(u.has_ip);
    assert_int_equal(u.port, 80);
    assert_string_equal(u.path, "/in/x");
    assert_int_equal(upload_parse_url("http://10.0.0.1", &u, why, sizeof why), 0);
    assert_string_equal(u.path, "/");

    assert_int_equal(upload_parse_url("https://10.0.0.1/", &u, why, sizeof why), 0); /* TLS */
    assert_true(u.tls && u.port == 443);
    assert_int_equal(upload_parse_url("ftp://10.0.0.1/", &u, why, sizeof why), -1);
    assert_non_null(strstr(why, "http://"));
    assert_int_equal(upload_parse_url("http://:80/", &u, why, sizeof why), -1);
    assert_int_equal(upload_parse_url("http://h:0/", &u, why, sizeof why), -1);
    assert_int_equal(upload_parse_url("http://h:65536/", &u, why, sizeof why), -1);
    assert_int_equal(upload_parse_url("http://h:80x/", &u, why, sizeof why), -1);
    assert_non_null(strstr(why, "port"));
}

/* upload_check_url: what the option parser accepts; need_ip is the UEFI image's rule */
static void url_check(void **state)
{
    char why[160];
    assert_int_equal(upload_check_url("http://10.0.2.2:8080/", 1, why, sizeof why), 0);
    assert_int_equal(upload_check_url("http://10.0.2.2:8080/", 0, why, sizeof why), 0);
    assert_int_equal(upload_check_url("http://collector.lan:8080/", 0, why, sizeof why), 0);
    assert_int_equal(upload_check_url("http://collector.lan:8080/", 1, why, sizeof why), -1);
    assert_non_null(strstr(why, "'collector.lan' is not a numeric IPv4 address"));
    assert_int_equal(upload_check_url("http://10.0.2:80/", 1, why, sizeof why), -1);
    assert_int_equal(upload_check_url("http://300.0.2.2:80/", 1, why, sizeof why), -1);
    assert_int_equal(upload_check_url("ftp://10.0.2.2/", 0, why, sizeof why), -1);
    assert_non_null(strstr(why, "http://"));
    assert_int_equal(upload_check_url("http://10.0.2.2:0/", 1, why, sizeof why), -1);
    assert_int_equal(upload_check_url("http://10.0.2.2:65536/", 1, why, sizeof why), -1);
    assert_non_null(strstr(why, "port"));
    assert_int_equal(upload_check_url("http://10.0.2.2:65535/", 1, why, sizeof why), 0);
    assert_int_equal(upload_check_url("http://10.0.2.2:1", 1, why, sizeof why), 0);
}

static void ipv4(void **state)
{
    uint8_t ip[4];
    assert_int_equal(upload_parse_ipv4("192.168.1.254", 13, ip), 0);
    assert_int_equal(ip[0], 192);
    assert_int_equal(ip[3], 254);
    assert_int_equal(upload_parse_ipv4("256.1.1.1", 9, ip), -1);
    assert_int_equal(upload_parse_ipv4("1.1.1", 5, ip), -1);
    assert_int_equal(upload_parse_ipv4("1.1.1.1.", 8, ip), -1);
    assert_int_equal(upload_parse_ipv4("1.1.1.1", 6, ip), -1); /* only n characters count: "1.1.1." */
}

static void request_head(void **state)
{
    struct upload_url u;
    char why[80], head[768];
    upload_parse_url("http://10.0.2.2:9000/up", &u, why, sizeof why);
    struct upload_auth tok = {"s3cret", NULL, 0, NULL, NULL, NULL, 0};
    int n = upload_request_head(&u, &tok, "x", 12345, head, sizeof head);
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(head));
    assert_true(!strncmp(head, "POST /up HTTP/1.1\r\n", 19));
    assert_non_null(strstr(head, "\r\nHost: 10.0.2.2:9000\r\n"));
    assert_non_null(strstr(head, "\r\nContent-Length: 12345\r\n"));
    assert_non_null(strstr(head, "\r\nX-Barebench-Token: s3cret\r\n"));
    assert_null(strstr(head, "Signature"));
    assert_true(!strcmp(head + n - 4, "\r\n\r\n"));
    struct upload_auth none = {"", NULL, 0, NULL, NULL, NULL, 0};
    n = upload_request_head(&u, &none, "x", 1, head, sizeof head);
    assert_null(strstr(head, "Token"));
    assert_null(strstr(head, "X-Barebench"));
    assert_int_equal(upload_request_head(&u, &tok, "x", 1, head, 40), -1); /* too small: refused */
}

/* The signed head: the run id and HMAC-SHA256 of "barebench-upload-v1\n" RUNID "\n" BODY; the
 * expected value is OpenSSL's (openssl dgst -sha256 -mac HMAC -macopt hexkey:0001..0f), and the
 * key never appears in the head. */
static void signed_head(void **state)
{
    static const uint8_t key[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const char *rid = "0123456789abcdef0123456789abcdef", *body = "{\"schema\":\"barebench/1\"}";
    const char *want = "6f896ca9f04a01263b8fa2ee391bcf6a4d22e48c3a54f4e95ff82b56e1af27d5";
    char hex[65], head[768], why[80];
    upload_sign(key, sizeof key, rid, body, strlen(body), hex);
    assert_string_equal(hex, want);
    struct upload_url u;
    upload_parse_url("http://10.0.2.2:9000/", &u, why, sizeof why);
    struct upload_auth a = {NULL, key, sizeof key, rid, NULL, NULL, 0};
    int n = upload_request_head(&u, &a, body, strlen(body), head, sizeof head);
    assert_true(n > 0);
    assert_non_null(strstr(head, "\r\nX-Barebench-Run-Id: 0123456789abcdef0123456789abcdef\r\n"));
    char line[128];
    snprintf(line, sizeof line, "\r\nX-Barebench-Signature: v1=%s\r\n", want);
    assert_non_null(strstr(head, line));
    assert_null(strstr(head, "Token"));
    assert_null(strstr(head, "000102030405"));
    /* another run id or one more byte of body: another signature */
    upload_sign(key, sizeof key, "1123456789abcdef0123456789abcdef", body, strlen(body), hex);
    assert_string_not_equal(hex, want);
    upload_sign(key, sizeof key, rid, "{\"schema\":\"barebench/1\"} ", strlen(body) + 1, hex);
    assert_string_not_equal(hex, want);
}

/* The key's text form: 32..128 hex digits, blanks around ignored; what is wrong is said, the key
 * never quoted. */
static void key_text(void **state)
{
    uint8_t k[UPLOAD_KEY_MAX];
    size_t kl = 99;
    assert_null(upload_key_parse("000102030405060708090a0b0c0d0E0F\n", 33, k, &kl));
    assert_int_equal(kl, 16);
    assert_int_equal(k[0], 0);
    assert_int_equal(k[15], 15);
    char long_key[129];
    memset(long_key, 'a', 128);
    long_key[128] = '\0';
    assert_null(upload_key_parse(long_key, 128, k, &kl));
    assert_int_equal(kl, 64);
    const char *why = upload_key_parse(long_key, 127, k, &kl);
    assert_non_null(why);
    assert_non_null(strstr(why, "odd"));
    long_key[127] = 'a';
    assert_non_null(upload_key_parse("aa", 2, k, &kl));
    assert_non_null(strstr(upload_key_parse("", 0, k, &kl), "empty"));
    assert_non_null(strstr(upload_key_parse(" \r\n", 3, k, &kl), "empty"));
    assert_int_equal(kl, 0);
    why = upload_key_parse("0123456789abcdef0123456789abcde", 31, k, &kl);
    assert_non_null(strstr(why, "too short"));
    why = upload_key_parse("0123456789abcdef0123456789abcdeg", 32, k, &kl);
    assert_non_null(strstr(why, "hexadecimal"));
    assert_null(strstr(why, "0123"));
    char too_long[131];
    memset(too_long, 'b', 130);
    assert_non_null(strstr(upload_key_parse(too_long, 130, k, &kl), "too long"));
}

static void answers(void **state)
{
    char why[200];
    const char *ok = "HTTP/1.1 201 Created\r\nContent-Length: 20\r\n\r\nstored a.json (5 b)\n";
    assert_true(upload_answer_complete(ok, strlen(ok)));
    assert_int_equal(upload_parse_answer(ok, strlen(ok), why, sizeof why), 201);
    assert_string_equal(why, "HTTP 201: stored a.json (5 b)");
    const char *head_only = "HTTP/1.1 401 Unauthorized\r\nX: y\r\n\r\n";
    assert_false(upload_answer_complete(head_only, strlen(head_only)));
    assert_int_equal(upload_parse_answer(head_only, strlen(head_only), why, sizeof why), 401);
    assert_string_equal(why, "HTTP 401");
    assert_int_equal(upload_parse_answer("SSH-2.0-OpenSSH\r\n", 17, why, sizeof why), -1);
    assert_int_equal(upload_parse_answer("HTTP/1.1 2", 10, why, sizeof why), -1);
}

static void net_setting(void **state)
{
    assert_string_equal(upload_net(), "dhcp");
    upload_set_net("10.0.2.15/24,10.0.2.2");
    assert_string_equal(upload_net(), "10.0.2.15/24,10.0.2.2");
    upload_set_net("");
    assert_string_equal(upload_net(), "dhcp");
}

/* --- retries: a fake host whose attempts answer from a script, on a fake clock --- */
static uint64_t g_now;
static uint64_t g_slept[16];
static int g_nslept, g_nsaid, g_calls;
static const int *g_script;      /* status of each attempt */
static uint64_t g_attempt_ms;    /* how long each attempt takes */
static char g_said[16][320];

static uint64_t fake_now(void) { return g_now; }
static void fake_sleep(uint64_t ms) { g_slept[g_nslept++] = ms; g_now += ms; }
static uint64_t fake_random(void) { return 0xdeadbeefcafef00dull; }
static void fake_say(const char *l) { snprintf(g_said[g_nsaid++], sizeof g_said[0], "%s", l); }
static const struct upload_env fake_env = {fake_now, fake_sleep, fake_random, fake_say};

static int fake_attempt(void *ctx, char *why, size_t whylen)
{
    (void)ctx;
    int st = g_script[g_calls++];
    g_now += g_attempt_ms;
    snprintf(why, whylen, st > 0 ? "HTTP %d" : "connection refused", st);
    return st;
}

static int run_script(const int *script, int retries, uint64_t attempt_ms, int *attempts)
{
    char why[100];
    g_now = 1000, g_nslept = g_nsaid = g_calls = 0, g_script = script, g_attempt_ms = attempt_ms;
    return upload_with_retries(retries, fake_attempt, NULL, &fake_env, why, sizeof why, attempts);
}

static void retry_rules(void **state)
{
    assert_true(upload_should_retry(UPLOAD_NO_ANSWER));
    assert_true(upload_should_retry(500) && upload_should_retry(503) && upload_should_retry(507));
    assert_true(upload_should_retry(429)); /* the collector's per-address rate limit */
    assert_false(upload_should_retry(201) || upload_should_retry(200));
    assert_false(upload_should_retry(401) || upload_should_retry(409) || upload_should_retry(413));
    assert_false(upload_should_retry(UPLOAD_PERMANENT));
    /* equal jitter: half the step fixed, half random; doubling up to the cap */
    for (uint64_t r = 0; r < 5000; r += 7) {
        uint64_t w2 = upload_backoff_ms(2, r), w3 = upload_backoff_ms(3, r), w9 = upload_backoff_ms(9, r);
        assert_true(w2 >= 1000 && w2 <= 2000);
        assert_true(w3 >= 2000 && w3 <= 4000);
        assert_true(w9 >= UPLOAD_BACKOFF_MAX_MS / 2 && w9 <= UPLOAD_BACKOFF_MAX_MS);
    }
    assert_true(upload_backoff_ms(2, 1) != upload_backoff_ms(2, 2)); /* jitter does vary */
}

static void retries_until_landed(void **state)
{
    int attempts;
    const int down_then_up[] = {UPLOAD_NO_ANSWER, 503, 201};
    assert_int_equal(run_script(down_then_up, 3, 100, &attempts), 201);
    assert_int_equal(attempts, 3);
    assert_int_equal(g_nslept, 2);
    assert_true(g_slept[0] >= 1000 && g_slept[0] <= 2000 && g_slept[1] >= 2000 && g_slept[1] <= 4000);
    assert_int_equal(g_nsaid, 3); /* one line per attempt, saying its outcome */
    assert_non_null(strstr(g_said[0], "upload attempt 1 of 4 failed: connection refused"));
    assert_non_null(strstr(g_said[0], "; next in "));
    assert_non_null(strstr(g_said[1], "attempt 2 of 4 failed: HTTP 503"));
    assert_non_null(strstr(g_said[2], "attempt 3 of 4 landed: HTTP 201"));

    const int refused[] = {401, 201};
    assert_int_equal(run_script(refused, 3, 100, &attempts), 401); /* a 4xx is not retried */
    assert_int_equal(attempts, 1);
    assert_int_equal(g_nslept, 0);
    assert_non_null(strstr(g_said[0], "attempt 1 of 4 refused: HTTP 401"));

    const int never[] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
    assert_int_equal(run_script(never, 3, 100, &attempts), UPLOAD_NO_ANSWER);
    assert_int_equal(attempts, 4); /* default: 4 attempts */
    assert_true(g_now - 1000 < 60000); /* within about 60 s */
    assert_int_equal(run_script(never, 0, 100, &attempts), UPLOAD_NO_ANSWER);
    assert_int_equal(attempts, 1);
    assert_int_equal(run_script(never, 99, 100, &attempts), UPLOAD_NO_ANSWER);
    assert_int_equal(attempts, 11); /* capped at 10 retries */

    /* slow attempts (the 25 s worst case each): the time budget stops further attempts */
    assert_int_equal(run_script(never, 3, 25000, &attempts), UPLOAD_NO_ANSWER);
    assert_true(attempts < 4);
    assert_non_null(strstr(g_said[g_nsaid - 1], "no time left"));
    assert_true(g_now - 1000 <= UPLOAD_BUDGET_MS + 25000);
}

static void run_ids(void **state)
{
    run_id_start();
    const char *id = run_id();
    assert_int_equal(strlen(id), 32);
    for (int i = 0; i < 32; i++)
        assert_non_null(strchr("0123456789abcdef", id[i]));
    char first[33];
    snprintf(first, sizeof first, "%s", id);
    run_id_start(); /* made once per run */
    assert_string_equal(run_id(), first);
    assert_true(run_random() != run_random());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_parsing), cmocka_unit_test(url_check), cmocka_unit_test(ipv4),
        cmocka_unit_test(request_head), cmocka_unit_test(signed_head), cmocka_unit_test(key_text),
        cmocka_unit_test(answers), cmocka_unit_test(net_setting), cmocka_unit_test(retry_rules),
        cmocka_unit_test(retries_until_landed), cmocka_unit_test(run_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
