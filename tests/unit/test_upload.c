/* test_upload.c - the portable half of upload=: URL parsing, the POST head with its token
 * header and Content-Length, and reading the collector's answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/upload.h"

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

    assert_int_equal(upload_parse_url("https://10.0.0.1/", &u, why, sizeof why), -1);
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
    char why[80], head[512];
    upload_parse_url("http://10.0.2.2:9000/up", &u, why, sizeof why);
    int n = upload_request_head(&u, "s3cret", 12345, head, sizeof head);
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(head));
    assert_true(!strncmp(head, "POST /up HTTP/1.1\r\n", 19));
    assert_non_null(strstr(head, "\r\nHost: 10.0.2.2:9000\r\n"));
    assert_non_null(strstr(head, "\r\nContent-Length: 12345\r\n"));
    assert_non_null(strstr(head, "\r\nX-Barebench-Token: s3cret\r\n"));
    assert_true(!strcmp(head + n - 4, "\r\n\r\n"));
    n = upload_request_head(&u, "", 1, head, sizeof head);
    assert_null(strstr(head, "Token"));
    assert_int_equal(upload_request_head(&u, "x", 1, head, 40), -1); /* too small: refused */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_parsing), cmocka_unit_test(url_check), cmocka_unit_test(ipv4), cmocka_unit_test(request_head),
        cmocka_unit_test(answers), cmocka_unit_test(net_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
