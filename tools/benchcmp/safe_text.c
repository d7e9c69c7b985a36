/* safe_text.c - escaping of untrusted strings for terminals, Markdown, CSV, HTML and gnuplot: one
 * decoder (display_unit) decides what is shown as is and what escaped; the forms build on it. */
#include "tools/benchcmp/safe_text.h"

#include <stdlib.h>
#include <string.h>

/* The code point of the valid UTF-8 sequence at p (len bytes consumed), or -1 (invalid). */
static long utf8_at(const unsigned char *p, int *len)
{
    unsigned char b = p[0];
    int need;
    long cp;
    unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range (no overlongs, no surrogates) */
    if (b >= 0xc2 && b <= 0xdf)
        need = 1, cp = b & 0x1f;
    else if (b >= 0xe0 && b <= 0xef)
        need = 2, cp = b & 0x0f, lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
    else if (b >= 0xf0 && b <= 0xf4)
        need = 3, cp = b & 0x07, lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
    else
        return -1;
    for (int i = 1; i <= need; i++) {
        unsigned char c = p[i]; /* a NUL ends the string and fails the range check */
        if (c < (i == 1 ? lo : 0x80) || c > (i == 1 ? hi : 0xbf))
            return -1;
        cp = cp << 6 | (c & 0x3f);
    }
    *len = need + 1;
    return cp;
}

/* Code points shown escaped although valid: C1 controls (terminals act on some, e.g. U+009B
 * CSI), bidirectional overrides and isolates (they reorder what is read), line separators. */
static int hidden_cp(long cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
           cp == 0x2029;
}

/* The display form of the character at p: written to out (at most 12 bytes, not terminated),
 * its length in *outlen; returns how many bytes of p it took (0 at the end). */
static size_t display_unit(const char *p, char out[12], size_t *outlen)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b = (unsigned char)*p;
    int len;
    long cp;
    if (!b)
        return 0;
    if (b >= 0x20 && b < 0x7f) {
        out[0] = (char)b;
        *outlen = 1;
        return 1;
    }
    if (b == '\n' || b == '\r' || b == '\t') {
        out[0] = '\\';
        out[1] = b == '\n' ? 'n' : b == '\r' ? 'r' : 't';
        *outlen = 2;
        return 1;
    }
    if (b >= 0x80 && (cp = utf8_at((const unsigned char *)p, &len)) >= 0) {
        if (!hidden_cp(cp)) {
            memcpy(out, p, (size_t)len);
            *outlen = (size_t)len;
        } else {
            out[0] = '\\', out[1] = 'u';
            for (int i = 0; i < 4; i++)
                out[2 + i] = hex[(cp >> (12 - 4 * i)) & 0xf];
            *outlen = 6;
        }
        return (size_t)len;
    }
    out[0] = '\\', out[1] = 'x', out[2] = hex[b >> 4], out[3] = hex[b & 0xf]; /* C0, DEL, bad byte */
    *outlen = 4;
    return 1;
}

size_t st_display(char *dst, size_t n, const char *src)
{
    size_t len = 0, took, ul;
    int full = 0;
    char u[12];
    for (const char *p = src ? src : ""; (took = display_unit(p, u, &ul)); p += took) {
        if (!full && len + ul < n)
            memcpy(dst + len, u, ul);
        else if (!full && n) {
            dst[len] = '\0';
            full = 1;
        }
        len += ul;
    }
    if (!full && n)
        dst[len] = '\0';
    return len;
}

char *st_display_dup(const char *src)
{
    size_t need = st_display(NULL, 0, src) + 1;
    char *s = malloc(need);
    if (s)
        st_display(s, need, src);
    return s;
}

/* Every display unit of src to f, with `special` characters written as `esc(c)`. */
static void put_units(FILE *f, const char *src, const char *special, const char *(*esc)(char))
{
    size_t took, ul;
    char u[12];
    for (const char *p = src ? src : ""; (took = display_unit(p, u, &ul)); p += took)
        if (ul == 1 && special && strchr(special, u[0]))
            fputs(esc(u[0]), f);
        else
            fwrite(u, 1, ul, f);
}

void st_put_display(FILE *f, const char *src)
{
    put_units(f, src, NULL, NULL);
}

static const char *md_esc(char c)
{
    return c == '|' ? "\\|" : c == '\\' ? "\\\\" : "&lt;";
}

void st_put_markdown(FILE *f, const char *src)
{
    put_units(f, src, "|\\<", md_esc);
}

static const char *html_esc(char c)
{
    return c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;" : "&#39;";
}

void st_put_html(FILE *f, const char *src)
{
    put_units(f, src, "&<>\"'", html_esc);
}

static const char *gp_esc(char c)
{
    (void)c;
    return "''";
}

void st_put_gnuplot(FILE *f, const char *src)
{
    fputc('\'', f);
    put_units(f, src, "'", gp_esc);
    fputc('\'', f);
}

int st_is_number(const char *s)
{
    const char *p = s + (*s == '-');
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (*p == 'e' || *p == 'E') {
        p += 1 + (p[1] == '+' || p[1] == '-');
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

static int formula_char(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void st_put_csv(FILE *f, const char *src)
{
    char *d = st_display_dup(src);
    if (!d) {
        fputs("\"(out of memory)\"", f);
        return;
    }
    const char *first = d; /* spreadsheets may trim leading blanks before they look */
    while (*first == ' ')
        first++;
    int lead = formula_char(*first) && !st_is_number(first), inner = 0;
    for (const char *q = strchr(d, ';'); q && !inner; q = strchr(q + 1, ';'))
        inner = formula_char(q[1]);
    if (!lead && !inner && !strpbrk(d, ",\"") && d[0] != ' ' && (!d[0] || d[strlen(d) - 1] != ' ')) {
        fputs(d, f);
        free(d);
        return;
    }
    fputc('"', f);
    for (const char *q = d; *q; q++) {
        if ((q == d && lead) || (q > d && q[-1] == ';' && formula_char(*q)))
            fputc('\'', f);
        if (*q == '"')
            fputc('"', f);
        fputc(*q, f);
    }
    fputc('"', f);
    free(d);
}

void st_file_part(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; *src && i + 1 < n; src++) {
        char c = *src;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
        if (ok || (i && dst[i - 1] != '-'))
            dst[i++] = ok ? c : '-';
    }
    while (i && dst[i - 1] == '-')
        i--;
    if (n)
        dst[i] = '\0';
}
