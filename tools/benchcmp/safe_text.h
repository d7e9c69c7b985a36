/* safe_text.h - strings from results documents (untrusted: any machine on the rack network can
 * write one) made safe for what people read and what programs interpret: the terminal, Markdown,
 * CSV cells, HTML and gnuplot string literals.  No jansson, no benchcmp types: usable by every host tool.
 *
 * The display form, which every other form starts from: valid UTF-8 printable text is kept as
 * is; control bytes (C0, DEL), C1 code points (U+0080..U+009F), bidirectional and line/paragraph
 * separator code points, and bytes that are not valid UTF-8 are shown escaped: \n \r \t, \x1b,
 * \u009b, \u202e.  The display form of a display form is itself (escaping twice changes nothing). */
#ifndef BB_SAFE_TEXT_H
#define BB_SAFE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/** The display form of src into dst (n bytes, always terminated when n > 0; cut only between
 *  whole characters or escapes).  Returns the length the whole display form needs, like snprintf. */
size_t st_display(char *dst, size_t n, const char *src);
/** The display form in a new malloc'd string; NULL when out of memory. */
char *st_display_dup(const char *src);
/** Writes the display form of src to f. */
void st_put_display(FILE *f, const char *src);
/** One Markdown table cell: the display form with '\\', '|' and '<' escaped (a cell cannot end
 *  early, and no raw HTML reaches a renderer). */
void st_put_markdown(FILE *f, const char *src);
/** One CSV cell (RFC 4180 quoting) of the display form; a cell that a spreadsheet would take as
 *  a formula (it starts with = + - @ TAB or CR, or such a character follows a ';', a separator in
 *  some locales) gets a ' before that character and is quoted (OWASP).  Numbers, negative ones
 *  too, stay numbers. */
void st_put_csv(FILE *f, const char *src);
/** HTML text or a quoted attribute value: the display form with & < > " ' as character
 *  references (no markup, no attribute end, no entity of the document's own reaches the page). */
void st_put_html(FILE *f, const char *src);
/** A gnuplot string literal of the display form: single-quoted (gnuplot runs no `command`
 *  substitution and no @macro expansion there, and knows no escapes but '' for a quote). */
void st_put_gnuplot(FILE *f, const char *src);
/** A file name part of src: letters, digits, '-', '_' and '.' kept, runs of anything else one
 *  '-' (none leading or trailing); safe in a shell word, a gnuplot literal and a URL. */
void st_file_part(char *dst, size_t n, const char *src);
/** 1 when s is a plain decimal number (-3.2, 1e+06): what a CSV cell may start with '-' for. */
int st_is_number(const char *s);

#endif
