/* test_config.c - unit tests of barebench.cfg parsing (kernel/run/config.c): syntax, errors naming
 * file, line and key, all-or-nothing, and the precedence defaults < config < load options. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"
#include "bench/disk_options.h"
#include "bench/mem_options.h"
#include "kernel/run/config.h"

static char err[256];

static int apply(const char *text, struct options *o)
{
    err[0] = '\0';
    return config_apply(text, strlen(text), "\\barebench\\barebench.cfg", o, err, sizeof err);
}

static void test_empty_and_comments(void **state)
{
    (void)state;
    struct options o, d;
    options_defaults(&o);
    options_defaults(&d);
    assert_int_equal(apply("", &o), 0);
    assert_int_equal(apply("\n\n# only a comment\n   # indented comment\n\t\n", &o), 0);
    assert_memory_equal(&o, &d, sizeof o);
}

static void test_settings(void **state)
{
    (void)state;
    struct options o;
    options_defaults(&o);
    assert_int_equal(apply("# baked in\nprofile=quick\r\nsuite = timer,mem\nreps= 2  # two\n"
                           "then =exit\ntag=rack7\n",
                           &o),
                     5);
    assert_int_equal(o.profile, PROFILE_QUICK);
    assert_int_equal(o.suites, options_suite_bit("timer") | options_suite_bit("mem"));
    assert_int_equal(o.reps, 2);
    assert_int_equal(o.then, THEN_EXIT);
    assert_int_equal(o.then_set, 1);
    assert_string_equal(o.tag, "rack7");
}

static void test_several_words_bom_no_newline(void **state)
{
    (void)state;
    struct options o;
    options_defaults(&o);
    assert_int_equal(apply("\xef\xbb\xbfsuite=alu reps=9\nsave=no", &o), 3);
    assert_int_equal(o.suites, options_suite_bit("alu"));
    assert_int_equal(o.reps, 9);
    assert_int_equal(o.save, 0);
}

static void test_unknown_key_names_file_line_key(void **state)
{
    (void)state;
    struct options o, before;
    options_defaults(&o);
    before = o;
    assert_int_equal(apply("reps=3\n\n# x\nrpes=3\nsuite=timer\n", &o), -1);
    assert_non_null(strstr(err, "\\barebench\\barebench.cfg line 4:"));
    assert_non_null(strstr(err, "unknown option 'rpes'"));
    assert_memory_equal(&o, &before, sizeof o); /* nothing half-applied */
}

static void test_bad_value_and_missing_value(void **state)
{
    (void)state;
    struct options o;
    options_defaults(&o);
    assert_int_equal(apply("reps=0\n", &o), -1);
    assert_non_null(strstr(err, "line 1: bad value '0' for 'reps'"));
    assert_int_equal(apply("profile\n", &o), -1);
    assert_non_null(strstr(err, "line 1: option 'profile' needs a value"));
    assert_int_equal(apply("ok=\n", &o), -1);
    assert_non_null(strstr(err, "'ok'"));
    assert_int_equal(apply("=3\n", &o), -1);
    assert_non_null(strstr(err, "no option name"));
}

static void test_unprintable_and_utf16(void **state)
{
    (void)state;
    struct options o;
    options_defaults(&o);
    assert_int_equal(apply("reps=3\ntag=caf\xc3\xa9\n", &o), -1);
    assert_non_null(strstr(err, "line 2: unprintable character 0xc3 in column 8"));
    static const char u16[] = "\xff\xfer\0e\0p\0s\0=\0003\0";
    assert_int_equal(config_apply(u16, sizeof u16 - 1, "f.cfg", &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "UTF-16"));
    char nul[] = "reps=3\nre\0ps=4\n";
    assert_int_equal(config_apply(nul, sizeof nul - 1, "f.cfg", &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "f.cfg line 2: unprintable character 0x00"));
}

static void test_long_line(void **state)
{
    (void)state;
    static char big[OPT_LINE_MAX + 20];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct options o;
    options_defaults(&o);
    assert_int_equal(apply(big, &o), -1);
    assert_non_null(strstr(err, "line 1: line too long"));
}

static void test_precedence(void **state)
{
    (void)state;
    /* defaults < barebench.cfg < load options */
    struct options o;
    options_defaults(&o);
    assert_int_equal(apply("reps=2\nsuite=timer\ntag=fromcfg\n", &o), 3);
    assert_int_equal(options_parse("tag=fromcmd", &o, err, sizeof err), 0);
    assert_int_equal(o.reps, 2);
    assert_int_equal(o.suites, options_suite_bit("timer"));
    assert_string_equal(o.tag, "fromcmd");
    assert_int_equal(o.profile, PROFILE_STANDARD); /* untouched default */
}

/* a suite's own options (registered through its struct suite entry) in the same order:
 * defaults < barebench.cfg < load options (the Linux build's --key value flags become the same
 * key=value line), and a bad one in the file leaves every setting as it was */
static void test_precedence_suite_options(void **state)
{
    (void)state;
    struct options o;
    options_defaults(&o);
    const struct disk_options *d = disk_options(&o);
    assert_int_equal(apply("disk_write=no\ndisk_blocks=4K,64K\nmem_tests=cores\ndisk_qd=1,4\n", &o), 4);
    assert_int_equal(d->write, 0);
    assert_int_equal(d->nblocks, 2);
    assert_int_equal(options_parse("disk_blocks=1M disk_qd=32", &o, err, sizeof err), 0);
    assert_int_equal(d->nblocks, 1); /* the command line's list replaces the file's */
    assert_int_equal(d->blocks[0], 1 << 20);
    assert_int_equal(d->nqd, 1);
    assert_int_equal(d->qd[0], 32);
    assert_int_equal(d->write, 0);                        /* from the file */
    assert_string_equal(mem_options(&o)->tests, "cores"); /* from the file */
    assert_string_equal(d->disk, "all");                  /* untouched default */
    assert_string_equal(d->tests, "all");
    assert_int_equal(options_parse("disk_write=yes", &o, err, sizeof err), 0);
    assert_int_equal(d->write, 1);

    struct options before;
    options_defaults(&o);
    before = o;
    assert_int_equal(apply("disk_write=no\ndisk=0\ndisk_qd=0\n", &o), -1);
    assert_non_null(strstr(err, "line 3"));
    assert_non_null(strstr(err, "disk_qd"));
    assert_memory_equal(&o, &before, sizeof o); /* all or nothing: disk_write=no not half-applied */
    assert_int_equal(disk_options(&o)->write, 1);
    assert_string_equal(disk_options(&o)->disk, "all");
}

int main(void)
{
    app_init(); /* suite= names, as both builds register them */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_comments),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_several_words_bom_no_newline),
        cmocka_unit_test(test_unknown_key_names_file_line_key),
        cmocka_unit_test(test_bad_value_and_missing_value),
        cmocka_unit_test(test_unprintable_and_utf16),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_precedence_suite_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
