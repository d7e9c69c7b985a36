/* test_fmt.c - bb_snprintf against the C library's snprintf on integers, strings, widths,
 * precisions and doubles (%f %e %g), plus truncation and the returned length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/lib/fmt.h"

#define SAME(...)                                                                              \
    do {                                                                                       \
        char a[256], b[256];                                                                   \
        int ra = bb_snprintf(a, sizeof a, __VA_ARGS__);                                        \
        int rb = snprintf(b, sizeof b, __VA_ARGS__);                                           \
        if (strcmp(a, b) || ra != rb)                                                          \
            fail_msg("format %s: ours '%s' (%d), libc '%s' (%d)", #__VA_ARGS__, a, ra, b, rb); \
    } while (0)

static void integers(void **s)
{
    (void)s;
    SAME("%d|%i|%u|%x|%X|%o", -42, 7, 3000000000u, 0xbeefu, 0xbeefu, 8u);
    SAME("%5d|%-5d|%05d|%+d|% d|%.3d|%8.3d", 42, 42, -42, 42, 42, 7, -7);
    SAME("%ld|%lld|%llu|%zu|%lx", -1L, -9223372036854775807LL - 1, 18446744073709551615ULL,
         (size_t)12345, 0xdeadbeefUL);
    SAME("%#x|%#o|%hhd|%hd", 255u, 8u, 300, 70000);
    SAME("%.0d|%c|%%|%5c", 0, 'x', 'y');
    SAME("%*d|%-*d|%.*d", 6, 1, 6, 2, 4, 3);
}

static void strings(void **s)
{
    (void)s;
    SAME("%s|%10s|%-10s|%.3s|%10.2s", "abc", "abc", "abc", "abcdef", "xyz");
    SAME("[%s]", "");
}

static void doubles(void **s)
{
    (void)s;
    SAME("%f|%.2f|%.0f|%10.3f|%-10.1f|%+.1f", 3.14159, 2.675000001, 2.5000001, -1.5, 0.25, 1.0);
    SAME("%.3f|%.3f|%.1f|%.4f", 0.0005001, 0.9996, 9.96, 1e-7);
    SAME("%f|%.2f|%.3f", 0.0, -0.0, 123456789.125);
    SAME("%e|%.2e|%E|%.0e", 12345.678, 0.00012345, 1e300, 5e-300);
    SAME("%g|%g|%g|%g|%g|%g", 100000.0, 1000000.0, 0.0001, 0.00001, 1.5, 123456789.0);
    SAME("%.12g|%.12g|%.12g|%.12g", 2596000000.0, 1.0 / 3.0, 19.8499010349, 6.02214076e23);
    SAME("%.4g|%12.4g|%-12.4g|%.10g", 37.0912, 0.5415, 3.662, 1e-5);
    SAME("%g|%G", 1e-10, 2.5e+20);
    SAME("%f|%F|%e", 1.0 / 0.0, -1.0 / 0.0, 1e308 * 10);
    SAME("%5.1f%%", 659.3);
}

/* Many pseudo-random magnitudes: 6 significant digits and 3 decimals must match libc exactly. */
static void random_doubles(void **s)
{
    (void)s;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double mant = (double)(x >> 11) / 9007199254740992.0;  /* [0,1) */
        int ex = (int)(x % 29) - 20; /* up to 1e8: %.3f then needs <= 12 digits */
        double v = mant;
        for (int k = 0; k < (ex < 0 ? -ex : ex); k++)
            v = ex < 0 ? v / 10 : v * 10;
        if (i & 1)
            v = -v;
        SAME("%.6g|%.3f|%.4e", v, v, v);
    }
}

static void truncation(void **s)
{
    (void)s;
    char b[8];
    int r = bb_snprintf(b, sizeof b, "%s", "0123456789");
    assert_int_equal(r, 10);
    assert_string_equal(b, "0123456");
    r = bb_snprintf(NULL, 0, "%d", 12345);
    assert_int_equal(r, 5);
    memset(b, 'x', sizeof b);
    r = bb_snprintf(b, 1, "abc");
    assert_int_equal(b[0], '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers), cmocka_unit_test(strings), cmocka_unit_test(doubles), cmocka_unit_test(random_doubles),
        cmocka_unit_test(truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
