/* config.c - parses barebench.cfg text (portable, unit-tested): comments, blank lines, CRLF,
 * key=value words per line; every problem is reported with file, line and key. */
#include "kernel/run/config.h"
#include "kernel/lib/fmt.h"

#include <string.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Copy line [s, s+n) into out without comment, outer blanks and blanks around '='.
 * Returns -1 (with the column in *col) on a character that is not printable ASCII. */
static int clean_line(const char *s, size_t n, char *out, size_t *col)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '#' && (i == 0 || is_blank(s[i - 1])))
            break;
        if ((c < 0x20 && c != '\t' && c != '\r') || c > 0x7e) {
            *col = i + 1;
            return -1;
        }
        if (is_blank((char)c)) {
            size_t j = i;
            while (j < n && is_blank(s[j]))
                j++;
            /* drop blanks at either end and next to '=' */
            if (k == 0 || j == n || s[j] == '#' || s[j] == '=' || out[k - 1] == '=') {
                i = j - 1;
                continue;
            }
            c = ' ';
            i = j - 1;
        }
        out[k++] = (char)c;
    }
    out[k] = '\0';
    return 0;
}

static int count_words(const char *s)
{
    int n = 0;
    for (const char *p = s; *p; p++)
        if (*p != ' ' && (p == s || p[-1] == ' '))
            n++;
    return n;
}

int config_apply(const char *text, size_t len, const char *file, struct options *o, char *err,
                 size_t errlen)
{
    static char line[OPT_LINE_MAX + 1];
    char why[200];
    struct options tmp = *o;
    int settings = 0;

    if (len >= 2 && ((unsigned char)text[0] == 0xff || (unsigned char)text[0] == 0xfe) &&
        ((unsigned char)text[1] == 0xfe || (unsigned char)text[1] == 0xff)) {
        bb_snprintf(err, errlen, "%s: the file is UTF-16 text; save it as plain ASCII/UTF-8", file);
        return -1;
    }
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        text += 3;
        len -= 3;
    }
    size_t pos = 0;
    for (int lineno = 1; pos < len; lineno++) {
        size_t n = 0;
        while (pos + n < len && text[pos + n] != '\n')
            n++;
        size_t col = 0;
        if (n > OPT_LINE_MAX) {
            bb_snprintf(err, errlen, "%s line %d: line too long (%u characters, at most %u)", file,
                        lineno, (unsigned)n, OPT_LINE_MAX);
            return -1;
        }
        if (clean_line(text + pos, n, line, &col)) {
            bb_snprintf(err, errlen, "%s line %d: unprintable character 0x%02x in column %u", file,
                        lineno, (unsigned char)text[pos + col - 1], (unsigned)col);
            return -1;
        }
        pos += n + 1;
        if (!line[0])
            continue;
        if (options_parse(line, &tmp, why, sizeof why)) {
            bb_snprintf(err, errlen, "%s line %d: %s", file, lineno, why);
            return -1;
        }
        settings += count_words(line);
    }
    *o = tmp;
    return settings;
}
