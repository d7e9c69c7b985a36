/* test_safe_text.c - the escaping of untrusted strings (tools/benchcmp/safe_text.c): display form
 * (control bytes, C1, bidi, bad UTF-8), gnuplot literals, CSV cells, Markdown cells; and that
 * tests/unit/output_check.c accepts what they write and refuses what they must not write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/benchcmp/safe_text.h"
#include "output_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *shown(const char *s)
{
    static char buf[512];
    st_display(buf, sizeof buf, s);
    return buf;
}

/* What put(f, s) writes, as a new string. */
static char *written(void (*put)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    put(f, s);
    fclose(f);
    return buf;
}

static void expect_put(void (*put)(FILE *, const char *), const char *s, const char *want)
{
    char *got = written(put, s);
    if (strcmp(got, want))
        fail_msg("wrote [%s], want [%s]", got, want);
    free(got);
}

static void display_form(void **state)
{
    (void)state;
    assert_string_equal(shown("plain text, 1.5 GB/s"), "plain text, 1.5 GB/s");
    assert_string_equal(shown("a\x1b[31mb"), "a\\x1b[31mb");
    assert_string_equal(shown("l1\nl2\r\t"), "l1\\nl2\\r\\t");
    assert_string_equal(shown("del\x7f bel\x07"), "del\\x7f bel\\x07");
    assert_string_equal(shown("Ünïcode ≈ 𝄞"), "Ünïcode ≈ 𝄞");       /* printable UTF-8 kept */
    assert_string_equal(shown("csi\xc2\x9b" "2J"), "csi\\u009b2J");   /* C1 as a code point */
    assert_string_equal(shown("\xe2\x80\xae" "evil"), "\\u202eevil"); /* right-to-left override */
    assert_string_equal(shown("\xe2\x80\xa8"), "\\u2028");             /* line separator */
    assert_string_equal(shown("bad\xff\x9b"), "bad\\xff\\x9b");       /* raw C1 byte: not UTF-8 */
    assert_string_equal(shown("cut\xe2\x82"), "cut\\xe2\\x82");       /* truncated sequence */
    assert_string_equal(shown("\xc0\xaf"), "\\xc0\\xaf");             /* overlong '/' */
    assert_string_equal(shown("\xed\xa0\x80"), "\\xed\\xa0\\x80");    /* a surrogate */
    assert_string_equal(shown("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
    assert_string_equal(shown(NULL), "");
    /* the display form of a display form is itself */
    const char *samples[] = {"a\x1b[31mb\n", "\xc2\x9b\xff", "x\\x1b", "Ünï\xe2\x80\xae", ""};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char once[128], twice[128];
        st_display(once, sizeof once, samples[i]);
        st_display(twice, sizeof twice, once);
        assert_string_equal(once, twice);
    }
    /* cut between whole escapes only; the length needed is returned */
    char small[6];
    assert_int_equal(st_display(small, sizeof small, "ab\x1b" "cd"), 8);
    assert_string_equal(small, "ab");
    assert_int_equal(st_display(small, sizeof small, "é\xe2\x80\xae"), 8);
    assert_string_equal(small, "é");
    assert_int_equal(st_display(NULL, 0, "\x1b"), 4);
    char *dup = st_display_dup("\x1b]0;title\x07");
    assert_string_equal(dup, "\\x1b]0;title\\x07");
    free(dup);
}

static void gnuplot_literal(void **state)
{
    (void)state;
    expect_put(st_put_gnuplot, "", "''");
    expect_put(st_put_gnuplot, "it's", "'it''s'");
    expect_put(st_put_gnuplot, "''", "''''''");
    expect_put(st_put_gnuplot, "x`touch y`", "'x`touch y`'"); /* no substitution in '...' */
    expect_put(st_put_gnuplot, "@M \"q\" \\", "'@M \"q\" \\'");
    expect_put(st_put_gnuplot, "a\nb\x1b", "'a\\nb\\x1b'");  /* never a raw line break */
    expect_put(st_put_gnuplot, "x' . system('touch y') . '", "'x'' . system(''touch y'') . '''");
    /* the oracle accepts a script of such literals, and refuses each way out of one */
    const char *nasty[] = {"x`touch y`", "it's", "x' . system('touch y') . '", "@M", "a\nb", "\"\\",
                           "< cat /etc/passwd", "| sh"};
    char why[256];
    for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
        char *buf = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&buf, &n);
        fputs("set title ", f);
        st_put_gnuplot(f, nasty[i]);
        fputs(" noenhanced\nplot 'x.dat' using 1:2 title ", f);
        st_put_gnuplot(f, nasty[i]);
        fputs(", \\\n     'x.dat' using 1:3 title 'b'\n", f);
        fclose(f);
        if (oc_gnuplot_script(buf, n, why, sizeof why))
            fail_msg("%s: %s", buf, why);
        free(buf);
    }
    static const char *const refused[] = {
        "set title \"x`touch y`\"\n", "set title 'a' . `touch y`\n", "set title 'it's'\n",
        "set title 'open\n", "M = 'x'\nset title @M\n", "set title system('id')\n",
        "plot '< touch y' using 1\n", "set output '|sh'\n", "plot 'a.dat' using 1, '<sh' using 1\n",
        "set title 'a\x1b'\n", "load 'x.gp'\n", "!touch y\n", "plot $data using 1\n",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (!oc_gnuplot_script(refused[i], strlen(refused[i]), why, sizeof why))
            fail_msg("the oracle let through: %s", refused[i]);
}

static void csv_cell(void **state)
{
    (void)state;
    expect_put(st_put_csv, "plain", "plain");
    expect_put(st_put_csv, "", "");
    expect_put(st_put_csv, "-3.2", "-3.2");          /* numbers stay numbers */
    expect_put(st_put_csv, "1e+06", "1e+06");
    expect_put(st_put_csv, "-1.5e-07", "-1.5e-07");
    expect_put(st_put_csv, "=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"");
    expect_put(st_put_csv, "+1", "\"'+1\"");
    expect_put(st_put_csv, "  =cmd|x", "\"'  =cmd|x\"");    /* blanks a spreadsheet may trim */
    expect_put(st_put_csv, "-2+3", "\"'-2+3\"");
    expect_put(st_put_csv, "-", "\"'-\"");
    expect_put(st_put_csv, "@SUM(A1)", "\"'@SUM(A1)\"");
    expect_put(st_put_csv, "a;=cmd", "\"a;'=cmd\"");  /* ';' separates cells in some locales */
    expect_put(st_put_csv, "\tx", "\\tx");            /* TAB shown escaped: no longer leading */
    expect_put(st_put_csv, "a,b", "\"a,b\"");
    expect_put(st_put_csv, "say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_put(st_put_csv, "x\ny", "x\\ny");
    assert_true(st_is_number("0") && st_is_number("-12.5") && st_is_number("3e-2"));
    assert_false(st_is_number("") || st_is_number("-") || st_is_number("1e") || st_is_number("0x10") ||
                 st_is_number("inf") || st_is_number("1 ") || st_is_number("+1") || st_is_number(".5"));
    /* the oracle: what st_put_csv writes passes, formula cells do not */
    char why[256];
    const char *ok = "a,\"'=1+1\",-3.2,\"'-x\"\n\"b,c\",x,1e+06,\"a;'@x\"\n";
    if (oc_csv(ok, strlen(ok), why, sizeof why))
        fail_msg("%s", why);
    const char *refused[] = {"a,=1+1\n", "\"=1\"\n", "a,-x\n", "\"a;=b\"\n", "a,b\nc\n", "\"open\n",
                             "x\x1b\n"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_int_equal(oc_csv(refused[i], strlen(refused[i]), why, sizeof why), -1);
}

static void markdown_and_terminal(void **state)
{
    (void)state;
    expect_put(st_put_markdown, "a|b\\c<img>", "a\\|b\\\\c&lt;img>");
    expect_put(st_put_markdown, "e\x1b[2J", "e\\x1b[2J");
    expect_put(st_put_display, "\xc2\x9b\xe2\x80\xae", "\\u009b\\u202e");
    char why[256];
    const char *table = "| a | b\\|c | d\\\\ |\n|---|---|---|\n| 1 | 2 | 3 |\n";
    if (oc_markdown(table, strlen(table), why, sizeof why))
        fail_msg("%s", why);
    const char *forged = "| a | b |\n| x\\\\| y | z |\n";
    assert_int_equal(oc_markdown(forged, strlen(forged), why, sizeof why), -1);
    assert_int_equal(oc_markdown("<script>\n", 9, why, sizeof why), -1);
    const char *term_bad[] = {"a\x1b[31m", "\x07", "\x7f", "\xc2\x9b", "\xe2\x80\xae", "\xff", "\xe2\x82"};
    for (size_t i = 0; i < sizeof term_bad / sizeof term_bad[0]; i++)
        assert_int_equal(oc_terminal(term_bad[i], strlen(term_bad[i]), why, sizeof why), -1);
    const char *term_ok = "Ünïcode ≈ 𝄞\nline two\n";
    assert_int_equal(oc_terminal(term_ok, strlen(term_ok), why, sizeof why), 0);
}

/* HTML: no tag, attribute end or entity of the document's own survives; escapes shown */
static void html(void **state)
{
    (void)state;
    expect_put(st_put_html, "<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect_put(st_put_html, "\" onload=\"x&amp;", "&quot; onload=&quot;x&amp;amp;");
    expect_put(st_put_html, "e\x1b[2J \xe2\x80\xae \xff", "e\\x1b[2J \\u202e \\xff");
    expect_put(st_put_html, "Ünïcode ≈", "Ünïcode ≈");
    char why[256];
    const char *ok = "<section id=\"table\">\n<table class=\"results\"><tr><td class=\"num noise\">"
                     "1 &lt;b&gt; &amp; &quot;&#39; &ge;</td></tr></table>\n</section>\n";
    if (oc_html(ok, strlen(ok), why, sizeof why))
        fail_msg("%s", why);
    const char *refused[] = {"<script>", "<td onclick=\"x\">", "<td class=\"a\" onload=x>",
                             "<td class='a'>", "<img src=x>", "&foo;", "&", "<td", "<td class=\"A\">",
                             "<td>\x1b</td>"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (oc_html(refused[i], strlen(refused[i]), why, sizeof why) != -1)
            fail_msg("oc_html took %s", refused[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(display_form),
        cmocka_unit_test(gnuplot_literal),
        cmocka_unit_test(csv_cell),
        cmocka_unit_test(markdown_and_terminal),
        cmocka_unit_test(html),
    };
    return cmocka_run_group_tests_name("safe_text", tests, NULL, NULL);
}
