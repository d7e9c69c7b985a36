/* output_check.h - checks on what benchcmp writes from untrusted documents, shared by the unit
 * test (tests/unit/test_benchcmp.c, over tests/fixtures/hostile/) and the fuzz target
 * (tests/fuzz/fuzz_report.c).  Each returns 0, or -1 with what and where in `why`. */
#ifndef BB_OUTPUT_CHECK_H
#define BB_OUTPUT_CHECK_H

#include <stddef.h>

/** A gnuplot script: outside single-quoted literals no backquote, '@' (macro), '"' (gnuplot
 *  substitutes `command` inside double quotes), '$', '!', raw control byte, nor the words
 *  system, eval, load, call, shell, cd, save, print, pause, import, reread, history, fit, exit,
 *  quit; every literal closed on its line ('' is its only escape) with no raw control byte; every
 *  literal where gnuplot expects a file name (after plot/output or a plot's top-level comma)
 *  a plain name [A-Za-z0-9][A-Za-z0-9._-]* (no '<cmd' or '|cmd' pipes). */
int oc_gnuplot_script(const char *s, size_t n, char *why, size_t whylen);
/** A gnuplot data file: lines empty, '#' comments without control bytes, or numbers and '?'. */
int oc_data_file(const char *s, size_t n, char *why, size_t whylen);
/** Terminal text: no control byte but '\n', no DEL, no byte that is not valid UTF-8, no C1,
 *  bidirectional or line-separator code point. */
int oc_terminal(const char *s, size_t n, char *why, size_t whylen);
/** Markdown: terminal rules, every table (run of lines starting with '|') with the same number
 *  of unescaped '|' on each line, and no raw HTML tag start ('<' then a letter, '/' or '!'). */
int oc_markdown(const char *s, size_t n, char *why, size_t whylen);
/** CSV (RFC 4180): well-formed quoting, the same number of cells in every record, terminal
 *  rules in each cell, and no cell (nor a part after ';') that starts with = + - @ TAB or CR
 *  unless the cell is a plain number. */
int oc_csv(const char *s, size_t n, char *why, size_t whylen);
/** HTML sections (bc_print's BC_HTML): terminal rules, every '<' one of the writer's own tags
 *  (section h2 p table thead tbody tr th td ul li, opening or closing) with at most class="..."
 *  and id="..." of [a-z -], every '&' one of its entities (&amp; &lt; &gt; &quot; &#39; &ge;). */
int oc_html(const char *s, size_t n, char *why, size_t whylen);
/** Every NAME.gp and NAME.dat in dir through the checks above; -1 also when dir is unreadable. */
int oc_plot_dir(const char *dir, char *why, size_t whylen);
/** Removes the files in dir (charts of the last run), not dir itself. */
void oc_empty_dir(const char *dir);

#endif
