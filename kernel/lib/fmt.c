/* fmt.c - a freestanding vsnprintf (integers, strings, %f/%e/%g doubles).
 * Both builds use it so console text and JSON numbers look the same on UEFI and Linux. */
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <stdint.h>

struct out {
    char *buf;
    size_t cap;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

static void puts_n(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

struct spec {
    int left, plus, space, zero, alt;
    int width;
    int prec; /* -1: none */
};

/* Emit sign/prefix + body with width handling. */
static void emit(struct out *o, const struct spec *sp, const char *prefix, const char *body,
                 size_t blen, int zeros)
{
    size_t plen = 0;
    while (prefix[plen])
        plen++;
    int total = (int)(plen + blen) + zeros;
    int fill = sp->width > total ? sp->width - total : 0;
    if (!sp->left && !sp->zero)
        pad(o, ' ', fill);
    puts_n(o, prefix, plen);
    if (!sp->left && sp->zero)
        pad(o, '0', fill);
    pad(o, '0', zeros);
    puts_n(o, body, blen);
    if (sp->left)
        pad(o, ' ', fill);
}

static void fmt_int(struct out *o, struct spec sp, uint64_t v, int neg, unsigned base, int upper)
{
    char tmp[24];
    size_t n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    char body[24];
    for (size_t i = 0; i < n; i++)
        body[i] = tmp[n - 1 - i];
    int zeros = 0;
    if (sp.prec >= 0) {
        sp.zero = 0;
        if ((int)n < sp.prec)
            zeros = sp.prec - (int)n;
    } else if (n == 0) {
        zeros = 1;
    }
    const char *prefix = "";
    if (neg)
        prefix = "-";
    else if (sp.plus)
        prefix = "+";
    else if (sp.space)
        prefix = " ";
    if (sp.alt && base == 16 && n)
        prefix = upper ? "0X" : "0x";
    if (sp.alt && base == 8 && zeros == 0)
        zeros = 1;
    emit(o, &sp, prefix, body, n, zeros);
}

/* Decimal digits of a finite, non-negative double: writes `nd` significant digits into d[]
 * and returns the decimal exponent of the first digit (value = 0.d0d1d2... * 10^(e+1)). */
static int float_digits(double x, char *d, int nd)
{
    if (x == 0.0) {
        for (int i = 0; i < nd; i++)
            d[i] = '0';
        return 0;
    }
    int e = 0;
    /* normalise x into [1, 10) */
    static const double big[] = {1e256, 1e128, 1e64, 1e32, 1e16, 1e8, 1e4, 1e2, 1e1};
    static const int bige[] = {256, 128, 64, 32, 16, 8, 4, 2, 1};
    for (int i = 0; i < 9; i++) {
        if (x >= big[i]) {
            x /= big[i];
            e += bige[i];
        }
    }
    for (int i = 0; i < 9; i++) {
        if (x < 1.0 && x * big[i] < 10.0) {
            x *= big[i];
            e -= bige[i];
        }
    }
    while (x < 1.0) {
        x *= 10.0;
        e--;
    }
    while (x >= 10.0) {
        x /= 10.0;
        e++;
    }
    /* take up to 17 digits as an integer, then round to nd */
    int take = nd < 17 ? nd : 17;
    double scaled = x;
    for (int i = 1; i < take; i++)
        scaled *= 10.0;
    uint64_t m = (uint64_t)scaled;
    double frac = scaled - (double)m;
    if (frac > 0.5 || (frac == 0.5 && (m & 1))) /* exact ties go to even, as C libraries do */
        m++;
    uint64_t lim = 1;
    for (int i = 0; i < take; i++)
        lim *= 10;
    if (m >= lim) { /* rounding carried into a new digit */
        m /= 10;
        e++;
    }
    for (int i = take - 1; i >= 0; i--) {
        d[i] = (char)('0' + m % 10);
        m /= 10;
    }
    for (int i = take; i < nd; i++)
        d[i] = '0';
    return e;
}

#define FBUF 400

static void fmt_float(struct out *o, struct spec sp, double x, char conv)
{
    int neg = 0;
    int upper = conv == 'F' || conv == 'E' || conv == 'G';
    if (x != x) { /* NaN */
        sp.zero = 0;
        emit(o, &sp, "", upper ? "NAN" : "nan", 3, 0);
        return;
    }
    if (x < 0 || (x == 0 && 1.0 / x < 0)) {
        neg = 1;
        x = -x;
    }
    const char *prefix = neg ? "-" : sp.plus ? "+" : sp.space ? " " : "";
    if (x > 1.7976931348623157e308) {
        sp.zero = 0;
        emit(o, &sp, prefix, upper ? "INF" : "inf", 3, 0);
        return;
    }
    int prec = sp.prec < 0 ? 6 : sp.prec;
    if (prec > 60)
        prec = 60;
    char body[FBUF];
    size_t n = 0;
    char d[80];
    char kind = (char)(conv | 0x20); /* f, e or g */
    int strip = 0;
    if (kind == 'g') {
        int p = prec == 0 ? 1 : prec;
        int e = float_digits(x, d, p);
        if (e < -4 || e >= p) {
            kind = 'e';
            prec = p - 1;
        } else {
            kind = 'f';
            prec = p - 1 - e;
        }
        strip = !sp.alt;
    }
    if (kind == 'e') {
        int e = float_digits(x, d, prec + 1);
        body[n++] = d[0];
        if (prec > 0 || sp.alt)
            body[n++] = '.';
        for (int i = 1; i <= prec; i++)
            body[n++] = d[i];
        if (strip && prec > 0) {
            while (body[n - 1] == '0')
                n--;
            if (body[n - 1] == '.')
                n--;
        }
        body[n++] = upper ? 'E' : 'e';
        body[n++] = e < 0 ? '-' : '+';
        int ae = e < 0 ? -e : e;
        if (ae >= 100)
            body[n++] = (char)('0' + ae / 100);
        body[n++] = (char)('0' + (ae / 10) % 10);
        body[n++] = (char)('0' + ae % 10);
    } else {
        /* %f: significant digits needed = digits before the point (e+1) + prec after it;
         * the exponent is taken at full precision so rounding cannot move it yet */
        int e = float_digits(x, d, 17);
        int nd = e + 1 + prec;
        if (nd > 70) { /* too wide for our buffer: fall back to exponent form */
            sp.prec = prec;
            fmt_float(o, sp, neg ? -x : x, upper ? 'E' : 'e');
            return;
        }
        int up = 0;
        if (nd <= 0) {
            /* every requested digit lies above the value's first digit: 0 or one unit */
            double unit = 1.0;
            for (int i = 0; i < prec; i++)
                unit /= 10.0;
            up = x > unit / 2.0;
            nd = 0;
        } else if (float_digits(x, d, nd) != e) {
            /* rounding carried into a new leading digit (9.96 -> 10.0): 1 then zeros */
            e++;
            nd++;
            d[0] = '1';
            for (int i = 1; i < nd; i++)
                d[i] = '0';
        }
        int lead = e < 0 ? -e - 1 : 0; /* zeros between the point and the first digit */
        if (e >= 0)
            for (int i = 0; i <= e; i++)
                body[n++] = d[i];
        else
            body[n++] = (prec == 0 && up) ? '1' : '0';
        if (prec > 0 || sp.alt)
            body[n++] = '.';
        for (int i = 0; i < prec; i++) {
            if (nd == 0)
                body[n++] = (i == prec - 1 && up) ? '1' : '0';
            else if (e >= 0)
                body[n++] = d[e + 1 + i];
            else
                body[n++] = i < lead ? '0' : d[i - lead];
        }
        if (strip && prec > 0) {
            while (body[n - 1] == '0')
                n--;
            if (body[n - 1] == '.')
                n--;
        }
    }
    emit(o, &sp, prefix, body, n, 0);
}

int bb_vsnprintf(char *buf, size_t cap, const char *f, va_list ap)
{
    struct out o = {buf, cap, 0};
    while (*f) {
        if (*f != '%') {
            put(&o, *f++);
            continue;
        }
        f++;
        struct spec sp = {0, 0, 0, 0, 0, 0, -1};
        for (;; f++) {
            if (*f == '-') sp.left = 1;
            else if (*f == '+') sp.plus = 1;
            else if (*f == ' ') sp.space = 1;
            else if (*f == '0') sp.zero = 1;
            else if (*f == '#') sp.alt = 1;
            else break;
        }
        if (*f == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = 1;
                sp.width = -sp.width;
            }
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp.width = sp.width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            f++;
            sp.prec = 0;
            if (*f == '*') {
                sp.prec = va_arg(ap, int);
                if (sp.prec < 0)
                    sp.prec = -1;
                f++;
            } else {
                while (*f >= '0' && *f <= '9')
                    sp.prec = sp.prec * 10 + (*f++ - '0');
            }
        }
        if (sp.left)
            sp.zero = 0;
        int lng = 0; /* 0 int, 1 long, 2 long long, 3 size_t/intmax, -1 short, -2 char */
        for (;; f++) {
            if (*f == 'l') lng = lng == 1 ? 2 : 1;
            else if (*f == 'z' || *f == 'j' || *f == 't') lng = 3;
            else if (*f == 'h') lng = lng == -1 ? -2 : -1;
            else break;
        }
        char c = *f ? *f++ : '\0';
        switch (c) {
        case 'd':
        case 'i': {
            int64_t v;
            if (lng == 1) v = va_arg(ap, long);
            else if (lng == 2) v = va_arg(ap, long long);
            else if (lng == 3) v = (int64_t)va_arg(ap, intptr_t);
            else v = va_arg(ap, int);
            if (lng == -1) v = (short)v;
            if (lng == -2) v = (signed char)v;
            fmt_int(&o, sp, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0, 10, 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v;
            if (lng == 1) v = va_arg(ap, unsigned long);
            else if (lng == 2) v = va_arg(ap, unsigned long long);
            else if (lng == 3) v = va_arg(ap, size_t);
            else v = va_arg(ap, unsigned);
            if (lng == -1) v = (unsigned short)v;
            if (lng == -2) v = (unsigned char)v;
            sp.plus = sp.space = 0;
            fmt_int(&o, sp, v, 0, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X');
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            sp.alt = 1;
            fmt_int(&o, sp, v, 0, 16, 0);
            break;
        }
        case 'c': {
            char ch = (char)va_arg(ap, int);
            sp.zero = 0;
            emit(&o, &sp, "", &ch, 1, 0);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            size_t len = 0;
            while (s[len] && (sp.prec < 0 || (int)len < sp.prec))
                len++;
            sp.zero = 0;
            emit(&o, &sp, "", s, len, 0);
            break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
            fmt_float(&o, sp, va_arg(ap, double), c);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            goto done;
        default: /* unknown conversion: print it literally */
            put(&o, '%');
            put(&o, c);
            break;
        }
    }
done:
    if (cap)
        buf[o.len < cap ? o.len : cap - 1] = '\0';
    return (int)o.len;
}

int bb_snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = bb_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int bb_printf(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int r = bb_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t n = r < 0 ? 0 : (size_t)r < sizeof line ? (size_t)r : sizeof line - 1;
    plat_write(line, n);
    return r;
}
