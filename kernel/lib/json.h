/* json.h - a streaming JSON writer into a growing memory buffer (both builds).
 * It keeps commas and nesting right and escapes strings so the output is always valid JSON. */
#ifndef BB_JSON_H
#define BB_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

struct json {
    char *buf;
    size_t len, cap;
    int depth;
    unsigned char first[JSON_MAX_DEPTH]; /* nothing written yet at this level */
    int after_key;                       /* a key was written, its value comes next */
    int failed;                          /* out of memory or misuse: output is incomplete */
    int pretty;                          /* newline + indent per element */
};

void json_init(struct json *j, int pretty);
void json_free(struct json *j);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);

void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t n);
void json_num(struct json *j, double v);   /* non-finite numbers become null */
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, int v);
void json_nil(struct json *j);           /* JSON null (jansson owns the name json_null) */

/* key + value in one call */
void json_kv_str(struct json *j, const char *k, const char *v);
void json_kv_num(struct json *j, const char *k, double v);
void json_kv_int(struct json *j, const char *k, int64_t v);
void json_kv_uint(struct json *j, const char *k, uint64_t v);
void json_kv_bool(struct json *j, const char *k, int v);

#endif
