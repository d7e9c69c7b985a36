/* test_options.c - the option parser: good lines, every kind of bad input (unknown key,
 * missing value, out of range, garbled, overlong), program-name skipping, sizes, help. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"
#include "bench/disk_options.h"
#include "bench/mem_options.h"
#include "kernel/run/fault.h"
#include "kernel/run/options.h"
#include "kernel/upload/upload_auth.h"

#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

static struct options o;
static char err[256];

static int parse(const char *line)
{
    options_defaults(&o);
    err[0] = '\0';
    return options_parse(line, &o, err, sizeof err);
}

static void defaults(void **s)
{
    (void)s;
    assert_int_equal(parse(""), 0);
    assert_int_equal(o.suites, options_all_suites());
    assert_int_equal(o.reps, 5);
    assert_int_equal(o.then, THEN_SHUTDOWN);
    assert_int_equal(o.then_set, 0);
    assert_int_equal(o.profile, PROFILE_STANDARD);
}

static void good_line(void **s)
{
    (void)s;
    assert_int_equal(parse("  suite=timer,mem\treps=7 then=wait profile=quick tag=esxi-7 "), 0);
    assert_int_equal(o.suites, options_suite_bit("timer") | options_suite_bit("mem"));
    assert_int_equal(o.reps, 7);
    assert_int_equal(o.then, THEN_WAIT);
    assert_int_equal(o.then_set, 1);
    assert_int_equal(o.profile, PROFILE_QUICK);
    assert_string_equal(o.tag, "esxi-7");
    assert_int_equal(parse("suite=all reps=3 reps=9"), 0); /* the later value wins */
    assert_int_equal(o.reps, 9);
    assert_int_equal(o.suites, options_all_suites());
}

static void lists_and_sizes(void **s)
{
    (void)s;
    assert_int_equal(parse("disk_blocks=4K,1M,64MiB disk_qd=1,32 mem_max=512M disk_write=no"), 0);
    const struct disk_options *d = disk_options(&o);
    assert_int_equal(d->nblocks, 3);
    assert_int_equal(d->blocks[0], 4096);
    assert_int_equal(d->blocks[1], 1 << 20);
    assert_int_equal(d->blocks[2], 64 << 20);
    assert_int_equal(d->nqd, 2);
    assert_int_equal(d->qd[1], 32);
    assert_int_equal(mem_options(&o)->max, 512ull << 20);
    assert_int_equal(d->write, 0);
    uint64_t v;
    assert_int_equal(options_parse_size("2G", &v), 0);
    assert_int_equal(v, 2ull << 30);
    assert_int_equal(options_parse_size("12x", &v), -1);
    assert_int_equal(options_parse_size("", &v), -1);
    assert_int_equal(options_parse_size("99999999999999999999", &v), -1);
}

static void unknown_key(void **s)
{
    (void)s;
    assert_int_equal(parse("suite=timer rpes=3"), -1);
    assert_string_equal(err, "unknown option 'rpes' (try 'help' for the list)");
    assert_int_equal(parse("bogus"), -1);
    assert_non_null(strstr(err, "unknown option 'bogus'"));
}

static void bad_values(void **s)
{
    (void)s;
    assert_int_equal(parse("reps=0"), -1);
    assert_string_equal(err, "bad value '0' for 'reps': expected 1..1000");
    assert_int_equal(parse("reps=1001"), -1);
    assert_int_equal(parse("reps=-1"), -1);
    assert_int_equal(parse("reps=3x"), -1);
    assert_int_equal(parse("then=halt"), -1);
    assert_non_null(strstr(err, "'then'"));
    assert_non_null(strstr(err, "shutdown|reboot|exit|wait"));
    assert_int_equal(parse("suite=timer,,mem"), -1);
    assert_int_equal(parse("suite=gpu"), -1);
    assert_non_null(strstr(err, "'suite'"));
    assert_int_equal(parse("disk_blocks=100"), -1); /* below 512 */
    assert_string_equal(err, "bad value '100' for 'disk_blocks': expected SIZE,SIZE (each 512..1G, at most 16)");
    assert_int_equal(parse("disk_qd=0"), -1);
    assert_int_equal(parse("tag=has\"quote"), -1);
    assert_int_equal(parse("tag=../etc"), -1); /* the tag goes into file names */
    assert_non_null(strstr(err, "letters, digits"));
    assert_int_equal(parse("tag=kvm-7.2_host"), 0);
    assert_string_equal(o.tag, "kvm-7.2_host");
    assert_int_equal(parse("save=maybe"), -1);
}

static void missing_value(void **s)
{
    (void)s;
    assert_int_equal(parse("reps"), -1);
    assert_string_equal(err, "option 'reps' needs a value (reps=...)");
    assert_int_equal(parse("reps="), -1);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(parse("=5"), -1);
    assert_non_null(strstr(err, "no option name"));
    assert_int_equal(parse("help=no"), -1);
}

static void garbled_and_long(void **s)
{
    (void)s;
    assert_int_equal(parse("suite=timer \x01reps=3"), -1);
    assert_non_null(strstr(err, "unprintable character 0x01 at position 13"));
    assert_int_equal(parse("tag=caf\xc3\xa9"), -1);
    assert_non_null(strstr(err, "unprintable"));
    static char longline[OPT_LINE_MAX + 100];
    memset(longline, 'a', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    assert_int_equal(parse(longline), -1);
    assert_non_null(strstr(err, "too long"));
    /* the longest accepted word does not overflow anything and is then rejected by key */
    memset(longline, 'k', OPT_LINE_MAX);
    longline[OPT_LINE_MAX] = '\0';
    assert_int_equal(parse(longline), -1);
    assert_non_null(strstr(err, "unknown option"));
}

static void program_name(void **s)
{
    (void)s;
    assert_string_equal(options_skip_program_name("barebench.efi suite=mem"), " suite=mem");
    assert_string_equal(options_skip_program_name("\\EFI\\BOOT\\BOOTX64.EFI reps=2"), " reps=2");
    assert_string_equal(options_skip_program_name("http://10.0.2.2/x/barebench.efi reps=2"), " reps=2");
    assert_string_equal(options_skip_program_name("suite=mem"), "suite=mem");
    assert_string_equal(options_skip_program_name("help"), "help");
    assert_string_equal(options_skip_program_name(""), "");
}

static void help_flag(void **s)
{
    (void)s;
    assert_int_equal(parse("help"), 0);
    assert_int_equal(o.help, 1);
}

static int lines;
static int saw_then;
static void count(const char *l)
{
    lines++;
    if (strstr(l, "then=shutdown|reboot|exit|wait"))
        saw_then = 1;
}

static void help_text(void **s)
{
    (void)s;
    options_help(count);
    assert_true(lines > 10);
    assert_true(saw_then);
}

static void suite_names(void **s)
{
    (void)s;
    char b[64];
    options_suite_names(options_suite_bit("timer") | options_suite_bit("disk"), b, sizeof b);
    assert_string_equal(b, "timer,disk");
    assert_string_equal(options_suite_name(options_suite_bit("vmcost")), "vmcost");
    /* the bits follow the run order of bench/suites.c */
    assert_int_equal(options_suite_bit("timer"), 1);
    assert_int_equal(options_suite_bit("disk"), 16);
    assert_int_equal(options_suite_bit("nosuch"), 0);
}

static int help_has(const char *needle);
/* suite= knows what the layer above registered, nothing of its own (kernel/ names no suite) */
static void registered_suites(void **s)
{
    (void)s;
    static const char *const mine[] = {"fast", "slow", NULL};
    options_register_suites(mine);
    struct options o;
    char err[256];
    options_defaults(&o);
    assert_int_equal(o.suites, 3);
    assert_int_equal(options_set(&o, "suite", "slow", err, sizeof err), 0);
    assert_int_equal(o.suites, 2);
    assert_int_equal(options_set(&o, "suite", "alu", err, sizeof err), -1);
    assert_non_null(strstr(err, "suite"));
    assert_true(help_has("suite=all|fast,slow "));
    app_init(); /* back to the suites of this build */
    options_defaults(&o);
    assert_int_equal(o.suites, 31);
    assert_true(help_has("suite=all|timer,alu,vmcost,mem,disk "));
}

static const char *help_needle;
static int help_found;
static void help_line(const char *l)
{
    if (strstr(l, help_needle))
        help_found = 1;
}
static int help_has(const char *needle)
{
    help_needle = needle;
    help_found = 0;
    options_help(help_line);
    return help_found;
}

/* upload= is checked when parsed (this is the Linux build: host names are allowed there) */
static void upload_url(void **s)
{
    (void)s;
    assert_int_equal(parse("upload=http://10.0.2.2:8080/ upload_token=x"), 0);
    assert_string_equal(o.upload, "http://10.0.2.2:8080/");
    assert_int_equal(parse("upload=http://collector.lan:8080/in"), 0);
    assert_string_equal(o.upload, "http://collector.lan:8080/in");
    assert_int_equal(parse("upload=https://10.0.2.2/ upload_ca_file=/barebench/ca.pem"), 0);
    assert_string_equal(o.upload, "https://10.0.2.2/");
    assert_string_equal(o.upload_ca_file, "/barebench/ca.pem");
    static const char *const bad[] = {"ftp://10.0.2.2/", "https:/10.0.2.2/", "10.0.2.2:8080", "http://", "http://:80/",
                                      "http://10.0.2.2:0/", "http://10.0.2.2:65536/",
                                      "http://10.0.2.2:80x/", "http://10.0.2.2:/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[160];
        snprintf(line, sizeof line, "reps=3 upload=%s", bad[i]);
        assert_int_equal(parse(line), -1);
        char want[160];
        snprintf(want, sizeof want, "bad value '%s' for 'upload': ", bad[i]);
        assert_non_null(strstr(err, want));
        assert_string_equal(o.upload, ""); /* nothing half-applied */
    }
    assert_int_equal(parse("upload=http://10.0.2.2:65535/"), 0);
}

#define KEY32 "00112233445566778899aabbccddeeff"

/* upload_key=: a fleet key of 32..128 hex digits; a bad one is refused without quoting it */
static void upload_key_option(void **s)
{
    (void)s;
    assert_int_equal(parse("upload=http://10.0.2.2:8080/ upload_key=" KEY32), 0);
    assert_string_equal(o.upload_key, KEY32);
    static const char *const bad[] = {"0011223344556677", "00112233445566778899aabbccddeefg",
                                      KEY32 "0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[200];
        snprintf(line, sizeof line, "upload_key=%s", bad[i]);
        assert_int_equal(parse(line), -1);
        assert_non_null(strstr(err, "'upload_key'"));
        assert_null(strstr(err, bad[i]));
        assert_string_equal(o.upload_key, "");
    }
    assert_int_equal(parse("upload_key_file=/barebench/upload.key"), 0);
    assert_string_equal(o.upload_key_file, "/barebench/upload.key");
}

/* The command line as the document and console show it: secret values replaced */
static void redacted_line(void **s)
{
    (void)s;
    char out[256];
    options_redact("suite=timer upload_key=" KEY32 "  upload_token=s3cret tag=x upload_key_file=/k",
                   out, sizeof out);
    assert_string_equal(out, "suite=timer upload_key=REDACTED  upload_token=REDACTED tag=x "
                             "upload_key_file=/k");
    options_redact("upload_keys=abc xupload_key=abc upload_key", out, sizeof out);
    assert_string_equal(out, "upload_keys=abc xupload_key=abc upload_key");
    options_redact("upload_token=s3cret", out, 10); /* truncated, never the secret */
    assert_string_equal(out, "upload_to");
    options_redact("upload_token=s3cret", out, 18);
    assert_string_equal(out, "upload_token=REDA");
}

/* upload_key_load: the key from upload_key= or the file upload_key_file= names (here a path
 * of the Linux build); one of them, never beside upload_token=; problems named, key not quoted */
static void key_loading(void **s)
{
    (void)s;
    uint8_t key[UPLOAD_KEY_MAX];
    size_t kl = 7;
    char e[256], path[] = "/tmp/test_options_keyXXXXXX", line[200];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, KEY32 "\n", 33), 33);
    close(fd);
    assert_int_equal(parse("suite=timer"), 0);
    assert_int_equal(upload_key_load(&o, key, &kl, e, sizeof e), 0);
    assert_int_equal(kl, 0);
    assert_int_equal(parse("upload_key=" KEY32), 0);
    assert_int_equal(upload_key_load(&o, key, &kl, e, sizeof e), 0);
    assert_int_equal(kl, 16);
    assert_int_equal(key[1], 0x11);
    snprintf(line, sizeof line, "upload_key_file=%s", path);
    assert_int_equal(parse(line), 0);
    kl = 0;
    assert_int_equal(upload_key_load(&o, key, &kl, e, sizeof e), 0);
    assert_int_equal(kl, 16);
    assert_int_equal(key[15], 0xff);
    snprintf(line, sizeof line, "upload_key=" KEY32 " upload_key_file=%s", path);
    assert_int_equal(parse(line), 0);
    assert_int_equal(upload_key_load(&o, key, &kl, e, sizeof e), -1);
    assert_non_null(strstr(e, "both"));
    assert_int_equal(parse("upload_key=" KEY32 " upload_token=s3cret"), 0);
    assert_int_equal(upload_key_load(&o, key, &kl, e, sizeof e), -1);
    assert_non_null(strstr(e, "upload_token"));
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "\n", 1), 1);
    close(fd);
    snprintf(line, sizeof line, "upload_key_file=%s", path);
    assert_int_equal(parse(line), 0);
    assert_int_equal(upload_key_load(&o, key, &kl, e, sizeof e), -1);
    assert_non_null(strstr(e, "empty"));
    unlink(path);
    assert_int_equal(upload_key_load(&o, key, &kl, e, sizeof e), -1);
    assert_non_null(strstr(e, path));
    assert_non_null(strstr(e, "No such file"));
    assert_int_equal(parse("upload_key_file=/"), 0);
    assert_int_equal(upload_key_load(&o, key, &kl, e, sizeof e), -1);
    assert_non_null(strstr(e, "not a regular file"));
}

static void screen_mode(void **s)
{
    (void)s;
    assert_int_equal(parse(""), 0);
    assert_int_equal(o.screen, SCREEN_SUMMARY);
    assert_int_equal(parse("screen=full"), 0);
    assert_int_equal(o.screen, SCREEN_FULL);
    assert_int_equal(parse("screen=json"), -1);
    assert_non_null(strstr(err, "'screen'"));
}

/* fault= (test-only injection): known names into bits, anything else refused by name; off by default */
static void fault_names_mask(void **s)
{
    (void)s;
    assert_int_equal(parse(""), 0);
    assert_int_equal(o.faults, 0u);
    assert_int_equal(parse("fault=ap-stuck,disk-hang"), 0);
    assert_int_equal(o.faults, FAULT_AP_STUCK | FAULT_DISK_HANG);
    assert_int_equal(parse("fault=refclock-frozen,ap-stuck,uart-stuck,disk-hang,tcp-cancel,no-efi-tls"), 0);
    assert_int_equal(o.faults, 63u);
    assert_int_equal(parse("fault=cpu-on-fire"), -1);
    assert_non_null(strstr(err, "'fault'"));
    assert_non_null(strstr(err, "refclock-frozen"));
    assert_int_equal(parse("fault=ap-stuck,,disk-hang"), -1);
    char l[64];
    fault_list(FAULT_UART_STUCK | FAULT_TCP_CANCEL, l, sizeof l);
    assert_string_equal(l, "uart-stuck,tcp-cancel");
}

/* The suites' own options: rows a suite declares (struct opt_group) and registers through its
 * struct suite entry; parsed, defaulted, copied and listed in help like the runtime's own. */
struct fast_values {
    int level;
    char names[16];
    uint64_t sizes[4];
    int nsizes;
};
static const struct opt_def fast_rows[] = {
    {.key = "fast_level", .kind = OPT_INT, .off = offsetof(struct fast_values, level), .min = 1,
     .max = 9, .values = "1..9", .help = "how fast (default 3)", .def = "3"},
    {.key = "fast_names", .kind = OPT_STR, .off = offsetof(struct fast_values, names), .cap = 16,
     .values = "all|NAME,NAME", .help = "which fast tests", .def = "all"},
    {.key = "fast_sizes", .kind = OPT_SIZELIST, .off = offsetof(struct fast_values, sizes), .cap = 4,
     .min = 4096, .max = 1 << 20, .count_off = offsetof(struct fast_values, nsizes),
     .values = "SIZE,SIZE", .help = "sizes"},
};
static const struct opt_group fast_group = {"fast", fast_rows, 3, sizeof(struct fast_values)};

static void suite_option_group(void **s)
{
    (void)s;
    static const char *const mine[] = {"fast", "slow", NULL};
    const struct opt_group *const list[] = {&fast_group, NULL};
    options_register_suites(mine);
    assert_int_equal(options_register_groups(list, err, sizeof err), 0);
    struct options a, b;
    options_defaults(&a);
    const struct fast_values *v = options_group_values(&a, &fast_group);
    assert_non_null(v);
    assert_int_equal(v->level, 3); /* the row's default */
    assert_string_equal(v->names, "all");
    assert_int_equal(v->nsizes, 0);
    assert_null(options_group_values(&a, &disk_option_group)); /* not registered now */
    assert_int_equal(options_set(&a, "disk_write", "no", err, sizeof err), -1);
    assert_string_equal(err, "unknown option 'disk_write' (try 'help' for the list)");
    /* later wins, on a copy: the copy carries the group's values (defaults < cfg < command line) */
    assert_int_equal(options_parse("fast_level=5 fast_sizes=4K,1M", &a, err, sizeof err), 0);
    b = a;
    assert_int_equal(options_parse("fast_level=7 reps=2", &b, err, sizeof err), 0);
    const struct fast_values *w = options_group_values(&b, &fast_group);
    assert_int_equal(v->level, 5);
    assert_int_equal(w->level, 7);
    assert_int_equal(w->nsizes, 2);
    assert_int_equal(w->sizes[1], 1 << 20);
    assert_int_equal(options_parse("fast_level=10", &b, err, sizeof err), -1);
    assert_string_equal(err, "bad value '10' for 'fast_level': expected 1..9");
    assert_int_equal(options_parse("fast_sizes=2M", &b, err, sizeof err), -1);
    assert_string_equal(err, "bad value '2M' for 'fast_sizes': expected SIZE,SIZE (each 4K..1M, at most 4)");
    assert_int_equal(options_parse("fast_level", &b, err, sizeof err), -1);
    assert_string_equal(err, "option 'fast_level' needs a value (fast_level=...)");
    assert_true(help_has("options of the fast suite:"));
    assert_true(help_has("  fast_level=1..9"));
    assert_true(help_has("how fast (default 3)"));
    app_init(); /* back to the suites of this build */
}

/* a group whose key the runtime or another group has, or that does not fit, is refused whole */
static void suite_option_group_refused(void **s)
{
    (void)s;
    static const struct opt_def clash_reps[] = {{.key = "reps", .kind = OPT_INT, .max = 1}};
    static const struct opt_def clash_fast[] = {{.key = "fast_level", .kind = OPT_INT, .max = 1}};
    static const struct opt_group g_reps = {"bad", clash_reps, 1, sizeof(int)};
    static const struct opt_group g_fast = {"other", clash_fast, 1, sizeof(int)};
    static const struct opt_group g_big = {"big", fast_rows, 3, OPT_GROUP_BYTES + 1};
    const struct opt_group *const l1[] = {&fast_group, &g_reps, NULL};
    const struct opt_group *const l2[] = {&fast_group, &g_fast, NULL};
    const struct opt_group *const l3[] = {&g_big, NULL};
    const struct opt_group *const l4[] = {&fast_group, &fast_group, NULL};
    assert_int_equal(options_register_groups(l1, err, sizeof err), -1);
    assert_string_equal(err, "option 'reps' of suite bad is already an option");
    assert_int_equal(options_register_groups(l2, err, sizeof err), -1);
    assert_non_null(strstr(err, "'fast_level' of suite other"));
    assert_int_equal(options_register_groups(l3, err, sizeof err), -1);
    assert_non_null(strstr(err, "options of suite big do not fit"));
    assert_int_equal(options_register_groups(l4, err, sizeof err), -1);
    struct options a;
    options_defaults(&a);
    assert_null(options_group_values(&a, &fast_group)); /* none registered */
    assert_int_equal(options_set(&a, "fast_level", "2", err, sizeof err), -1);
    app_init();
}

/* this build's suites: mem and disk declare their options, app_init registers them */
static void this_builds_suite_options(void **s)
{
    (void)s;
    assert_int_equal(parse(""), 0);
    const struct disk_options *d = disk_options(&o);
    const struct mem_options *m = mem_options(&o);
    assert_non_null(d);
    assert_non_null(m);
    /* the defaults as before: every disk may be read, writes only on scratch-marked ones */
    assert_string_equal(d->disk, "all");
    assert_int_equal(d->write, 1);
    assert_string_equal(d->tests, "all");
    assert_int_equal(d->driver, 0);
    assert_int_equal(d->nblocks, 0);
    assert_int_equal(d->nqd, 0);
    assert_int_equal(d->budget, 0);
    assert_string_equal(m->tests, "all");
    assert_int_equal(m->max, 0);
    assert_int_equal(m->dram, 0);
    assert_int_equal(parse("disk=none disk_driver=both disk_tests=seq_read disk_budget=64G "
                           "mem_tests=cores mem_dram=1G disk_write=off"), 0);
    assert_string_equal(d->disk, "none");
    assert_int_equal(d->driver, 3);
    assert_string_equal(d->tests, "seq_read");
    assert_int_equal(d->budget, 64ull << 30);
    assert_int_equal(d->write, 0);
    assert_string_equal(m->tests, "cores");
    assert_int_equal(m->dram, 1ull << 30);
    assert_int_equal(parse("disk_write=maybe"), -1);
    assert_string_equal(err, "bad value 'maybe' for 'disk_write': expected yes|no");
    assert_int_equal(parse("disk=a\\b"), -1);
    assert_int_equal(parse("disk_driver=mine"), -1);
    assert_string_equal(err, "bad value 'mine' for 'disk_driver': expected auto|native|firmware|both");
    assert_string_equal(app_disks(&o), "all");
    /* every option is in help: the runtime's, then each suite's under its name */
    static const char *const keys[] = {"mem_max=SIZE", "mem_dram=0|64K..1T", "mem_tests=all|",
                                       "disk=all|none|N,N|PATH,PATH", "disk_blocks=SIZE,SIZE",
                                       "disk_budget=SIZE", "disk_qd=N,N", "disk_driver=auto|",
                                       "disk_write=yes|no", "disk_tests=all|", "disk_label=NAME|",
                                       "options of the mem suite:", "options of the disk suite:"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        assert_true(help_has(keys[i]));
}

/* disk_label=: which disk gets which name, and malformed values named */
static void disk_label_spec(void **state)
{
    (void)state;
    char out[DISK_LABEL_MAX], why[200];
    assert_int_equal(disk_label_of("ssd", 3, "/x", out, sizeof out, why, sizeof why), 0);
    assert_string_equal(out, "ssd"); /* a bare name: every disk */
    assert_int_equal(disk_label_of("0=fast,1=slow", 1, NULL, out, sizeof out, why, sizeof why), 0);
    assert_string_equal(out, "slow");
    assert_int_equal(disk_label_of("0=fast,1=slow", 2, NULL, out, sizeof out, why, sizeof why), 0);
    assert_string_equal(out, "");
    assert_int_equal(disk_label_of("1=x,/dev/sdb=data", 0, "/dev/sdb", out, sizeof out, why, sizeof why), 0);
    assert_string_equal(out, "data"); /* by path (Linux) */
    assert_int_equal(disk_label_of("10=x", 1, NULL, out, sizeof out, why, sizeof why), 0);
    assert_string_equal(out, ""); /* 10 is not 1 */
    assert_int_equal(disk_label_of("", 0, NULL, out, sizeof out, why, sizeof why), 0);
    assert_string_equal(out, "");
    assert_int_equal(disk_label_of("x,0=y", 0, NULL, out, sizeof out, why, sizeof why), -1);
    assert_string_equal(out, "");
    assert_non_null(strstr(why, "a bare NAME labels every disk"));
    assert_int_equal(disk_label_of("0=", 0, NULL, out, sizeof out, why, sizeof why), -1);
    assert_non_null(strstr(why, "item 1 needs a name of 1..31 characters"));
    assert_int_equal(disk_label_of("0=a,=b", 0, NULL, out, sizeof out, why, sizeof why), -1);
    assert_non_null(strstr(why, "item 2 needs a disk before '='"));
    assert_int_equal(disk_label_of("0=a/b", 0, NULL, out, sizeof out, why, sizeof why), -1);
    assert_non_null(strstr(why, "'/' in a name"));
    assert_int_equal(disk_label_of("0=abcdefghijabcdefghijabcdefghijXY", 0, NULL, out, sizeof out, why,
                                   sizeof why), -1);
    assert_int_equal(parse("disk_label=0=fast,1=slow"), 0);
}

int main(void)
{
    app_init(); /* suite= names, as both builds register them */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),      cmocka_unit_test(good_line),
        cmocka_unit_test(lists_and_sizes), cmocka_unit_test(unknown_key),
        cmocka_unit_test(bad_values),    cmocka_unit_test(missing_value),
        cmocka_unit_test(garbled_and_long), cmocka_unit_test(program_name),
        cmocka_unit_test(help_flag),     cmocka_unit_test(help_text),
        cmocka_unit_test(suite_names),   cmocka_unit_test(registered_suites),
        cmocka_unit_test(disk_label_spec),
        cmocka_unit_test(upload_url),    cmocka_unit_test(screen_mode),
        cmocka_unit_test(upload_key_option), cmocka_unit_test(redacted_line),
        cmocka_unit_test(key_loading),
        cmocka_unit_test(fault_names_mask),
        cmocka_unit_test(suite_option_group), cmocka_unit_test(suite_option_group_refused),
        cmocka_unit_test(this_builds_suite_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
