/* test_progname.c - unit tests of kernel/run/progname.c: the program's own name is stripped from
 * command lines as the UEFI shell and iPXE pass them; anything else is left for the parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/run/progname.h"

static void test_shell_forms(void **state)
{
    (void)state;
    assert_string_equal(progname_skip("barebench suite=timer", "\\barebench.efi"), " suite=timer");
    assert_string_equal(progname_skip("BAREBENCH.EFI reps=2", "\\tools\\barebench.efi"), " reps=2");
    assert_string_equal(progname_skip("fs0:\\tools\\barebench reps=2", "\\tools\\barebench.efi"), " reps=2");
    assert_string_equal(progname_skip("  bootx64 reps=2", "\\EFI\\BOOT\\BOOTX64.EFI"), " reps=2");
    assert_string_equal(progname_skip("barebench", "\\barebench.efi"), "");
}

static void test_ipxe_form(void **state)
{
    (void)state;
    assert_string_equal(progname_skip("barebench.efi profile=quick tag=a", "barebench.efi"),
                        " profile=quick tag=a");
    assert_string_equal(progname_skip("bb profile=quick", "bb"), " profile=quick");
}

static void test_options_left_alone(void **state)
{
    (void)state;
    assert_string_equal(progname_skip("suite=timer", "\\barebench.efi"), "suite=timer");
    assert_string_equal(progname_skip("rpes suite=timer", "\\barebench.efi"), "rpes suite=timer");
    assert_string_equal(progname_skip("help", "\\barebench.efi"), "help");
    assert_string_equal(progname_skip("", "\\barebench.efi"), "");
    assert_string_equal(progname_skip("barebench=1", "\\barebench.efi"), "barebench=1");
}

static void test_unknown_image_falls_back(void **state)
{
    (void)state;
    assert_string_equal(progname_skip("barebench.efi reps=2", ""), " reps=2");
    assert_string_equal(progname_skip("barebench.efi reps=2", NULL), " reps=2");
    assert_string_equal(progname_skip("reps=2", ""), "reps=2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shell_forms),
        cmocka_unit_test(test_ipxe_form),
        cmocka_unit_test(test_options_left_alone),
        cmocka_unit_test(test_unknown_image_falls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
