/* json.c - streaming JSON writer: escaping (control characters, quotes, invalid UTF-8 replaced
 * by U+FFFD), numbers with 12 significant digits, commas and nesting checked. */
#include "kernel/lib/json.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

void json_init(struct json *j, int pretty)
{
    memset(j, 0, sizeof *j);
    j->first[0] = 1;
    j->pretty = pretty;
}

void json_free(struct json *j)
{
    plat_free(j->buf);
    j->buf = NULL;
    j->len = j->cap = 0;
}

static void raw(struct json *j, const char *s, size_t n)
{
    if (j->failed)
        return;
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 4096;
        while (cap < j->len + n + 1)
            cap *= 2;
        char *nb = plat_alloc(cap);
        if (!nb) {
            j->failed = 1;
            return;
        }
        if (j->buf) {
            memcpy(nb, j->buf, j->len);
            plat_free(j->buf);
        }
        j->buf = nb;
        j->cap = cap;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void newline(struct json *j)
{
    if (!j->pretty)
        return;
    raw(j, "\n", 1);
    for (int i = 0; i < j->depth; i++)
        raw(j, "  ", 2);
}

/* Called before every value or key: writes the separating comma. */
static void pre_value(struct json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (!j->first[j->depth])
        raw(j, ",", 1);
    j->first[j->depth] = 0;
    if (j->depth > 0)
        newline(j);
}

static void nest_open(struct json *j, char c)
{
    pre_value(j);
    raw(j, &c, 1);
    if (j->depth + 1 >= JSON_MAX_DEPTH) {
        j->failed = 1;
        return;
    }
    j->depth++;
    j->first[j->depth] = 1;
}

static void nest_close(struct json *j, char c)
{
    if (j->depth == 0) {
        j->failed = 1;
        return;
    }
    int empty = j->first[j->depth];
    j->depth--;
    if (!empty)
        newline(j);
    raw(j, &c, 1);
}

void json_obj_begin(struct json *j) { nest_open(j, '{'); }
void json_obj_end(struct json *j) { nest_close(j, '}'); }
void json_arr_begin(struct json *j) { nest_open(j, '['); }
void json_arr_end(struct json *j) { nest_close(j, ']'); }

/* Length of a valid UTF-8 sequence starting at s (max n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
    else return 0;
    if (len > n) return 0;
    unsigned cp = c & (0x3f >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
}

static void string_body(struct json *j, const char *s, size_t n)
{
    raw(j, "\"", 1);
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = u[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            raw(j, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                              : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
            if (named) {
                raw(j, named, 2);
            } else {
                bb_snprintf(esc, sizeof esc, "\\u%04x", c);
                raw(j, esc, 6);
            }
            i++;
        } else if (c < 0x80) {
            size_t k = i;
            while (k < n && u[k] >= 0x20 && u[k] < 0x7f && u[k] != '"' && u[k] != '\\')
                k++;
            raw(j, s + i, k - i);
            i = k;
        } else {
            size_t l = utf8_len(u + i, n - i);
            if (l) {
                raw(j, s + i, l);
                i += l;
            } else {
                raw(j, "\\ufffd", 6);
                i++;
            }
        }
    }
    raw(j, "\"", 1);
}

void json_key(struct json *j, const char *key)
{
    pre_value(j);
    string_body(j, key, strlen(key));
    raw(j, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
    j->after_key = 1;
}

void json_strn(struct json *j, const char *s, size_t n)
{
    pre_value(j);
    string_body(j, s, n);
}

void json_str(struct json *j, const char *s)
{
    if (!s) {
        json_nil(j);
        return;
    }
    json_strn(j, s, strlen(s));
}

void json_num(struct json *j, double v)
{
    if (v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
        json_nil(j);
        return;
    }
    char b[40];
    int n = bb_snprintf(b, sizeof b, "%.12g", v);
    pre_value(j);
    raw(j, b, (size_t)n);
}

void json_int(struct json *j, int64_t v)
{
    char b[24];
    int n = bb_snprintf(b, sizeof b, "%lld", (long long)v);
    pre_value(j);
    raw(j, b, (size_t)n);
}

void json_uint(struct json *j, uint64_t v)
{
    char b[24];
    int n = bb_snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    pre_value(j);
    raw(j, b, (size_t)n);
}

void json_bool(struct json *j, int v)
{
    pre_value(j);
    raw(j, v ? "true" : "false", v ? 4 : 5);
}

void json_nil(struct json *j)
{
    pre_value(j);
    raw(j, "null", 4);
}

void json_kv_str(struct json *j, const char *k, const char *v) { json_key(j, k); json_str(j, v); }
void json_kv_num(struct json *j, const char *k, double v) { json_key(j, k); json_num(j, v); }
void json_kv_int(struct json *j, const char *k, int64_t v) { json_key(j, k); json_int(j, v); }
void json_kv_uint(struct json *j, const char *k, uint64_t v) { json_key(j, k); json_uint(j, v); }
void json_kv_bool(struct json *j, const char *k, int v) { json_key(j, k); json_bool(j, v); }
