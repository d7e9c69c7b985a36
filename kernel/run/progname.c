/* progname.c - strips the program's own name from a launcher's command line: the UEFI shell
 * passes "barebench reps=2" as typed, iPXE "barebench.efi reps=2".  Portable, unit-tested. */
#include "kernel/run/progname.h"
#include "kernel/run/options.h"

#include <stddef.h>
#include <string.h>

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Base name of a path ('\\', '/' or ':' separate), as [*start, *start + return). */
static size_t base_name(const char *s, size_t n, const char **start)
{
    size_t b = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\\' || s[i] == '/' || s[i] == ':')
            b = i + 1;
    *start = s + b;
    return n - b;
}

static int same(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn || an == 0)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

static int has_efi_suffix(const char *s, size_t n)
{
    return n > 4 && same(s + n - 4, 4, ".efi", 4);
}

const char *progname_skip(const char *line, const char *image_path)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t wn = 0;
    while (p[wn] && p[wn] != ' ' && p[wn] != '\t')
        wn++;
    const char *w, *img;
    size_t wb = base_name(p, wn, &w);
    size_t ib = image_path ? base_name(image_path, strlen(image_path), &img) : 0;
    if (ib && !memchr(p, '=', wn)) {
        size_t istem = has_efi_suffix(img, ib) ? ib - 4 : ib;
        size_t wstem = has_efi_suffix(w, wb) ? wb - 4 : wb;
        if (same(w, wstem, img, istem))
            return p + wn;
    }
    return options_skip_program_name(line);
}
