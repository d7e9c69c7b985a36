/* output_check.c - an oracle for what benchcmp writes from hostile documents: scans gnuplot
 * scripts the way gnuplot lexes them, data files, terminal text, Markdown and CSV, and names
 * the first thing a reader or an interpreter would act on.  Independent of tools/benchcmp/safe_text.c
 * (UTF-8 is decoded by the C library here). */
#include "output_check.h"

#include <ctype.h>
#include <dirent.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

static int bad(char *why, size_t whylen, const char *s, size_t at, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int l = vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    if (n && l >= 0 && (size_t)l < whylen) { /* where: the offset and the bytes around it */
        size_t from = at > 20 ? at - 20 : 0, k = (size_t)l;
        k += (size_t)snprintf(why + k, whylen - k, " at byte %zu: ", at);
        for (size_t i = from; i < n && i < at + 20 && k + 5 < whylen; i++) {
            unsigned char c = (unsigned char)s[i];
            k += (size_t)snprintf(why + k, whylen - k, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c);
        }
    }
    return -1;
}

/* --- gnuplot scripts --- */

static const char *const denied_words[] = {"system", "eval", "load", "call", "shell", "cd", "save",
                                           "print", "pause", "import", "reread", "history", "fit",
                                           "exit", "quit", NULL};

static int denied(const char *w, size_t l)
{
    for (int i = 0; denied_words[i]; i++)
        if (strlen(denied_words[i]) == l && !strncmp(denied_words[i], w, l))
            return 1;
    return 0;
}

static int plain_file_name(const char *s, size_t l)
{
    if (!l || !isalnum((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < l; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
            return 0;
    return 1;
}

int oc_gnuplot_script(const char *s, size_t n, char *why, size_t whylen)
{
    /* per command: its first word, paren depth, and what came last (a word or a character) */
    char cmd[16] = "", last_word[16] = "";
    int depth = 0, new_cmd = 1, last_comma = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            int continued = i > 0 && s[i - 1] == '\\';
            if (!continued)
                cmd[0] = '\0', depth = 0, new_cmd = 1, last_word[0] = '\0', last_comma = 0;
            i++;
            continue;
        }
        if (c == '\'') { /* a literal: '' is a quote; ends on this line */
            size_t start = ++i;
            char lit[256];
            size_t ll = 0;
            for (;; i++) {
                if (i >= n || s[i] == '\n')
                    return bad(why, whylen, s, start - 1, n, "unterminated quote");
                if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                    return bad(why, whylen, s, i, n, "raw control byte in a literal");
                if (s[i] == '\'' && i + 1 < n && s[i + 1] == '\'') {
                    i++;
                } else if (s[i] == '\'') {
                    break;
                }
                if (ll + 1 < sizeof lit)
                    lit[ll++] = s[i];
            }
            i++;
            int file_pos = !strcmp(last_word, "plot") || !strcmp(last_word, "splot") ||
                           !strcmp(last_word, "replot") || !strcmp(last_word, "output") ||
                           (last_comma && depth == 0 && !strcmp(cmd, "plot"));
            if (file_pos && !plain_file_name(lit, ll))
                return bad(why, whylen, s, start - 1, n, "a file name that is not a plain name");
            last_word[0] = '\0', last_comma = 0, new_cmd = 0;
            continue;
        }
        if (c == '`')
            return bad(why, whylen, s, i, n, "backquote (command substitution)");
        if (c == '@')
            return bad(why, whylen, s, i, n, "'@' (macro substitution)");
        if (c == '"')
            return bad(why, whylen, s, i, n, "double-quoted string (substitutes `command`)");
        if (c == '$' || c == '!')
            return bad(why, whylen, s, i, n, "'%c' outside a literal", c);
        if (c < 0x20 && c != '\t')
            return bad(why, whylen, s, i, n, "raw control byte");
        if (c >= 0x7f)
            return bad(why, whylen, s, i, n, "byte 0x%02x outside a literal", c);
        if (isalpha(c) || c == '_') {
            size_t l = 0;
            while (i + l < n && (isalnum((unsigned char)s[i + l]) || s[i + l] == '_'))
                l++;
            if (denied(s + i, l))
                return bad(why, whylen, s, i, n, "the word '%.*s'", (int)l, s + i);
            snprintf(last_word, sizeof last_word, "%.*s", (int)(l < 15 ? l : 15), s + i);
            if (new_cmd)
                memcpy(cmd, last_word, sizeof cmd);
            new_cmd = 0, last_comma = 0;
            i += l;
            continue;
        }
        if (c == ';')
            cmd[0] = '\0', depth = 0, new_cmd = 1;
        else if (c == '(')
            depth++;
        else if (c == ')')
            depth--;
        if (c != ' ' && c != '\t' && c != '\\') {
            last_comma = c == ',';
            last_word[0] = '\0';
        }
        i++;
    }
    return 0;
}

int oc_data_file(const char *s, size_t n, char *why, size_t whylen)
{
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        char sub[200];
        if (s[i] == '#') {
            if (oc_terminal(s + i, e - i, sub, sizeof sub))
                return bad(why, whylen, s, i, n, "a comment with %s", sub);
        } else {
            for (size_t k = i; k < e;) {
                while (k < e && s[k] == ' ')
                    k++;
                size_t t = k;
                while (t < e && s[t] != ' ')
                    t++;
                if (t == k)
                    break;
                char tok[64];
                snprintf(tok, sizeof tok, "%.*s", (int)(t - k < 63 ? t - k : 63), s + k);
                char *end;
                if (strcmp(tok, "?") && (strtod(tok, &end), *end || t - k > 63))
                    return bad(why, whylen, s, k, n, "not a number in a data line");
                k = t;
            }
        }
        i = e + 1;
    }
    return 0;
}

/* --- what people read --- */

int oc_terminal(const char *s, size_t n, char *why, size_t whylen)
{
    static locale_t utf8; /* made once, kept (a fuzz target calls this thousands of times) */
    if (!utf8)
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!utf8)
        return bad(why, whylen, s, 0, 0, "no C.UTF-8 locale to decode with");
    locale_t old = uselocale(utf8);
    int rc = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (size_t i = 0; i < n && !rc;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n') || c == 0x7f)
                rc = bad(why, whylen, s, i, n, "raw control byte 0x%02x", c);
            i++;
            continue;
        }
        wchar_t w;
        size_t l = mbrtowc(&w, s + i, n - i, &st);
        if (l == (size_t)-1 || l == (size_t)-2 || l == 0) {
            rc = bad(why, whylen, s, i, n, "not valid UTF-8");
        } else if ((w >= 0x80 && w <= 0x9f) || w == 0x061c || w == 0x200e || w == 0x200f ||
                   (w >= 0x202a && w <= 0x202e) || (w >= 0x2066 && w <= 0x2069) || w == 0x2028 ||
                   w == 0x2029) {
            rc = bad(why, whylen, s, i, n, "C1, bidirectional or separator code point U+%04X",
                     (unsigned)w);
        }
        i += l;
    }
    uselocale(old);
    return rc;
}

int oc_markdown(const char *s, size_t n, char *why, size_t whylen)
{
    if (oc_terminal(s, n, why, whylen))
        return -1;
    int cells = -1; /* unescaped '|' per line of the current table */
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        for (size_t k = i; k + 1 < e; k++)
            if (s[k] == '<' && (isalpha((unsigned char)s[k + 1]) || s[k + 1] == '/' || s[k + 1] == '!'))
                return bad(why, whylen, s, k, n, "raw HTML tag");
        if (e > i && s[i] == '|') {
            int pipes = 0;
            for (size_t k = i; k < e; k++) {
                if (s[k] == '\\')
                    k++; /* an escaped character */
                else if (s[k] == '|')
                    pipes++;
            }
            if (cells >= 0 && pipes != cells)
                return bad(why, whylen, s, i, n, "a table row with %d cell separators, not %d", pipes, cells);
            cells = pipes;
        } else {
            cells = -1;
        }
        i = e + 1;
    }
    return 0;
}

/* The tags and attributes benchcmp's HTML sections write; "" ends a list. */
static const char *const html_tags[] = {"section", "h2", "p", "table", "thead", "tbody", "tr", "th",
                                        "td", "ul", "li", ""};
static const char *const html_entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&ge;", ""};

static size_t listed(const char *s, size_t n, const char *const *list)
{
    for (int i = 0; list[i][0]; i++) {
        size_t l = strlen(list[i]);
        if (l <= n && !strncmp(s, list[i], l))
            return l;
    }
    return 0;
}

int oc_html(const char *s, size_t n, char *why, size_t whylen)
{
    if (oc_terminal(s, n, why, whylen))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&' && !listed(s + i, n - i, html_entities))
            return bad(why, whylen, s, i, n, "an '&' that starts no entity the writer uses");
        if (s[i] != '<')
            continue;
        size_t k = i + 1 + (i + 1 < n && s[i + 1] == '/');
        size_t l = listed(s + k, n - k, html_tags);
        if (!l || k + l >= n || (s[k + l] != '>' && s[k + l] != ' '))
            return bad(why, whylen, s, i, n, "a tag the writer does not write");
        for (k += l; k < n && s[k] == ' ';) { /* attributes: class="..." or id="...", [a-z -] */
            size_t a = !strncmp(s + k, " class=\"", 8) ? 8 : !strncmp(s + k, " id=\"", 5) ? 5 : 0;
            if (!a)
                return bad(why, whylen, s, k, n, "an attribute the writer does not write");
            for (k += a; k < n && (islower((unsigned char)s[k]) || s[k] == ' ' || s[k] == '-'); k++)
                ;
            if (k >= n || s[k] != '"')
                return bad(why, whylen, s, k, n, "an attribute value the writer does not write");
            k++;
        }
        if (k >= n || s[k] != '>')
            return bad(why, whylen, s, i, n, "an unclosed tag");
        i = k;
    }
    return 0;
}

static int plain_number(const char *s)
{
    char *end;
    if (!*s || isspace((unsigned char)*s) || strpbrk(s, "xXnNiIpP")) /* no hex, nan, inf */
        return 0;
    strtod(s, &end);
    return *end == '\0';
}

static int formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int oc_csv(const char *s, size_t n, char *why, size_t whylen)
{
    char *cell = malloc(n + 1), sub[200]; /* no cell is longer than the whole */
    int cols = -1, col = 0, rc = 0;
    if (!cell)
        return bad(why, whylen, s, 0, 0, "out of memory");
    for (size_t i = 0; i < n && !rc;) {
        size_t start = i, len = 0;
        if (s[i] == '"') {
            for (i++; i < n && !(s[i] == '"' && (i + 1 >= n || s[i + 1] != '"')); i++)
                cell[len++] = s[i += s[i] == '"'];
            if (i++ >= n) {
                rc = bad(why, whylen, s, start, n, "unterminated quoted cell");
                break;
            }
        } else {
            for (; i < n && s[i] != ',' && s[i] != '\n' && s[i] != '"'; i++)
                cell[len++] = s[i];
        }
        cell[len] = '\0';
        const char *lead = cell; /* spreadsheets may trim leading blanks before they look */
        while (*lead == ' ')
            lead++;
        int formula = formula_start(*lead) && !plain_number(lead);
        for (const char *q = strchr(cell, ';'); q && !formula; q = strchr(q + 1, ';'))
            formula = formula_start(q[1]);
        if (i < n && s[i] != ',' && s[i] != '\n')
            rc = bad(why, whylen, s, i, n, "a stray quote");
        else if (oc_terminal(cell, len, sub, sizeof sub))
            rc = bad(why, whylen, s, start, n, "a cell with %s", sub);
        else if (formula)
            rc = bad(why, whylen, s, start, n, "a cell a spreadsheet takes as a formula");
        col++;
        if (rc || (i < n && s[i++] == ','))
            continue;
        if (cols >= 0 && col != cols)
            rc = bad(why, whylen, s, start, n, "a record with %d cells, not %d", col, cols);
        cols = col, col = 0;
    }
    free(cell);
    return rc;
}

/* --- a directory of charts --- */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0;
    *n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (*n + 4096 > cap) {
            char *nb = realloc(buf, cap = cap * 2 + 8192);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + *n, 1, cap - *n, f);
        *n += got;
        if (!got)
            break;
    }
    fclose(f);
    return buf;
}

/* Every file in dir whose name ends in ext through check. */
static int check_files(const char *dir, const char *ext, int (*check)(const char *, size_t, char *, size_t),
                       char *why, size_t whylen)
{
    DIR *d = opendir(dir);
    if (!d)
        return bad(why, whylen, dir, 0, 0, "cannot read the directory %s", dir);
    struct dirent *de;
    int rc = 0;
    while (!rc && (de = readdir(d))) {
        size_t l = strlen(de->d_name), el = strlen(ext);
        if (l <= el || strcmp(de->d_name + l - el, ext))
            continue;
        char path[4096], sub[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t n;
        char *text = slurp(path, &n);
        if (!text) {
            rc = bad(why, whylen, path, 0, 0, "cannot read %s", path);
            break;
        }
        if (check(text, n, sub, sizeof sub))
            rc = bad(why, whylen, text, 0, 0, "%s: %s", de->d_name, sub);
        free(text);
    }
    closedir(d);
    return rc;
}

int oc_plot_dir(const char *dir, char *why, size_t whylen)
{
    int rc = 0;
    for (int pass = 0; pass < 2 && !rc; pass++) /* the scripts first, then the data */
        rc = check_files(dir, pass ? ".dat" : ".gp", pass ? oc_data_file : oc_gnuplot_script, why, whylen);
    return rc;
}

void oc_empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (de->d_name[0] != '.')
            unlink(path);
    }
    if (d)
        closedir(d);
}
