/* test_json.c - the JSON writer: escaping of quotes, control characters and invalid UTF-8,
 * nesting and commas, non-finite numbers; every output is re-read with jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "kernel/lib/json.h"

static json_t *reparse(struct json *j)
{
    json_error_t e;
    json_t *v = json_loads(j->buf, 0, &e);
    if (!v)
        fail_msg("not valid JSON (%s at %d): %s", e.text, e.position, j->buf);
    return v;
}

static void escaping(void **s)
{
    (void)s;
    struct json j;
    json_init(&j, 0);
    json_obj_begin(&j);
    json_kv_str(&j, "q", "say \"hi\"\\ now");
    json_kv_str(&j, "ctl", "a\nb\tc\r\x01\x1f\x7f");
    json_kv_str(&j, "utf8", "caf\xc3\xa9 \xe2\x82\xac");
    json_kv_str(&j, "bad", "x\xff\xc3y\xed\xa0\x80"); /* stray bytes, truncated seq, surrogate */
    json_obj_end(&j);
    assert_false(j.failed);
    assert_non_null(strstr(j.buf, "\\u0001"));
    json_t *v = reparse(&j);
    assert_string_equal(json_string_value(json_object_get(v, "q")), "say \"hi\"\\ now");
    assert_string_equal(json_string_value(json_object_get(v, "ctl")), "a\nb\tc\r\x01\x1f\x7f");
    assert_string_equal(json_string_value(json_object_get(v, "utf8")), "caf\xc3\xa9 \xe2\x82\xac");
    assert_string_equal(json_string_value(json_object_get(v, "bad")),
                        "x\xef\xbf\xbd\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    json_decref(v);
    json_free(&j);
}

static void nesting_and_numbers(void **s)
{
    (void)s;
    for (int pretty = 0; pretty < 2; pretty++) {
        struct json j;
        json_init(&j, pretty);
        json_obj_begin(&j);
        json_key(&j, "a");
        json_arr_begin(&j);
        json_num(&j, 1.5);
        json_num(&j, 1.0 / 0.0);
        json_num(&j, 0.0 / 0.0);
        json_int(&j, -42);
        json_bool(&j, 0);
        json_obj_begin(&j);
        json_obj_end(&j);
        json_arr_end(&j);
        json_kv_num(&j, "tiny", 1.25e-9);
        json_kv_num(&j, "big", 2596000000.0);
        json_kv_num(&j, "third", 1.0 / 3.0);
        json_obj_end(&j);
        json_t *v = reparse(&j);
        json_t *a = json_object_get(v, "a");
        assert_int_equal(json_array_size(a), 6);
        assert_true(json_real_value(json_array_get(a, 0)) == 1.5);
        assert_true(json_is_null(json_array_get(a, 1)));
        assert_true(json_is_null(json_array_get(a, 2)));
        assert_int_equal(json_integer_value(json_array_get(a, 3)), -42);
        assert_true(json_is_false(json_array_get(a, 4)));
        assert_true(json_number_value(json_object_get(v, "tiny")) == 1.25e-9);
        assert_true(json_number_value(json_object_get(v, "big")) == 2596000000.0);
        double third = json_number_value(json_object_get(v, "third"));
        assert_true(third > 0.333333333332 && third < 0.333333333334);
        json_decref(v);
        json_free(&j);
    }
}

static void unbalanced_is_flagged(void **s)
{
    (void)s;
    struct json j;
    json_init(&j, 0);
    json_obj_end(&j);
    assert_true(j.failed);
    json_free(&j);
    json_init(&j, 0);
    for (int i = 0; i < JSON_MAX_DEPTH + 2; i++)
        json_arr_begin(&j);
    assert_true(j.failed);
    json_free(&j);
}

static void large_document_grows(void **s)
{
    (void)s;
    struct json j;
    json_init(&j, 1);
    json_arr_begin(&j);
    for (int i = 0; i < 20000; i++)
        json_num(&j, i * 0.5);
    json_arr_end(&j);
    json_t *v = reparse(&j);
    assert_int_equal(json_array_size(v), 20000);
    assert_true(json_number_value(json_array_get(v, 19999)) == 9999.5);
    json_decref(v);
    json_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escaping), cmocka_unit_test(nesting_and_numbers),
        cmocka_unit_test(unbalanced_is_flagged), cmocka_unit_test(large_document_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
