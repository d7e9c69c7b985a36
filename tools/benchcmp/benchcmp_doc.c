/* benchcmp_doc.c - loads one results document with jansson and checks it is a well-formed
 * barebench/1 document; bad input gets a message with the file and the position, never a crash. */
#include "tools/benchcmp/benchcmp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int bc_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* obj.key as a string, or `def` when absent or not a string. */
static const char *str_at(json_t *obj, const char *key, const char *def)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : def;
}

static long long int_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

/* Value of one param as shown in tables: strings bare, numbers short, booleans yes/no. */
static void param_value_text(json_t *v, char *buf, size_t n)
{
    if (json_is_string(v)) {
        snprintf(buf, n, "%s", json_string_value(v));
    } else if (json_is_integer(v)) {
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        snprintf(buf, n, "%g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        snprintf(buf, n, "%s", json_is_true(v) ? "yes" : "no");
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        snprintf(buf, n, "%s", s ? s : "?");
        free(s);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t bc_params_format(json_t *params, const char *const *skip, char *buf, size_t n)
{
    size_t cnt = json_object_size(params), len = 0;
    const char **keys = calloc(cnt ? cnt : 1, sizeof *keys);
    if (n)
        buf[0] = '\0';
    if (!keys)
        return 0;
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(params, k, v) keys[i++] = k;
    qsort(keys, cnt, sizeof *keys, cmp_str);
    for (i = 0; i < cnt; i++) {
        int skipped = 0;
        for (int s = 0; skip && skip[s]; s++)
            skipped |= !strcmp(skip[s], keys[i]);
        if (skipped)
            continue;
        char val[128];
        param_value_text(json_object_get(params, keys[i]), val, sizeof val);
        len += (size_t)snprintf(len < n ? buf + len : NULL, len < n ? n - len : 0, "%s%s=%s",
                                len ? " " : "", keys[i], val);
    }
    free(keys);
    return len;
}

/* "k=v k=v" with keys sorted (the same order as in the key); NULL when out of memory. */
static char *params_text(json_t *params)
{
    size_t need = bc_params_format(params, NULL, NULL, 0) + 1;
    char *out = malloc(need);
    if (out)
        bc_params_format(params, NULL, out, need);
    return out;
}

/* A number member: 0 and the value, or -1 when absent or not a number. */
static int num_at(json_t *obj, const char *key, double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

/* Check and convert results[i]. */
static int load_entry(json_t *o, size_t i, const char *name, struct bc_entry *e, char *err,
                      size_t errlen)
{
    static const char *const strs[] = {"suite", "test", "unit", "better"};
    if (!json_is_object(o))
        return bc_fail(err, errlen, "%s: results[%zu] is not an object", name, i);
    for (int k = 0; k < 4; k++)
        if (!json_is_string(json_object_get(o, strs[k])))
            return bc_fail(err, errlen, "%s: results[%zu]: \"%s\" is missing or not a string", name,
                        i, strs[k]);
    e->suite = str_at(o, "suite", "");
    e->test = str_at(o, "test", "");
    e->unit = str_at(o, "unit", "");
    e->better = str_at(o, "better", "");
    if (strcmp(e->better, "higher") && strcmp(e->better, "lower"))
        return bc_fail(err, errlen, "%s: results[%zu] (%s/%s): \"better\" is \"%.20s\", not higher|lower",
                    name, i, e->suite, e->test, e->better);
    e->params = json_object_get(o, "params");
    if (e->params && !json_is_object(e->params))
        return bc_fail(err, errlen, "%s: results[%zu] (%s/%s): \"params\" is not an object", name, i,
                    e->suite, e->test);
    static const char *const nums[] = {"min", "median", "max"};
    double *dst[] = {&e->min, &e->median, &e->max};
    for (int k = 0; k < 3; k++)
        if (num_at(o, nums[k], dst[k]))
            return bc_fail(err, errlen, "%s: results[%zu] (%s/%s): \"%s\" is missing or not a number",
                        name, i, e->suite, e->test, nums[k]);
    if (!(e->min <= e->median && e->median <= e->max))
        return bc_fail(err, errlen, "%s: results[%zu] (%s/%s): min <= median <= max does not hold",
                    name, i, e->suite, e->test);
    json_t *s = json_object_get(o, "samples");
    if (s && !json_is_array(s))
        return bc_fail(err, errlen, "%s: results[%zu] (%s/%s): \"samples\" is not an array", name, i,
                    e->suite, e->test);
    size_t ns = json_array_size(s);
    if (ns) {
        e->samples = malloc(ns * sizeof(double));
        if (!e->samples)
            return bc_fail(err, errlen, "%s: out of memory", name);
        for (size_t k = 0; k < ns; k++) {
            json_t *v = json_array_get(s, k);
            if (!json_is_number(v))
                return bc_fail(err, errlen, "%s: results[%zu] (%s/%s): samples[%zu] is not a number",
                            name, i, e->suite, e->test, k);
            e->samples[k] = json_number_value(v);
        }
        e->nsamples = (int)ns;
    }
    json_t *empty = json_object();
    char *canon = json_dumps(e->params ? e->params : empty, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(empty);
    e->params_text = params_text(e->params ? e->params : NULL);
    size_t klen = strlen(e->suite) + strlen(e->test) + (canon ? strlen(canon) : 0) + 3;
    e->key = malloc(klen);
    if (!canon || !e->params_text || !e->key) {
        free(canon);
        return bc_fail(err, errlen, "%s: out of memory", name);
    }
    snprintf(e->key, klen, "%s/%s/%s", e->suite, e->test, canon);
    free(canon);
    return 0;
}

static void fill_identity(struct bc_doc *d)
{
    json_t *tool = json_object_get(d->root, "tool"), *env = json_object_get(d->root, "env");
    json_t *cpu = json_object_get(env, "cpu"), *hv = json_object_get(env, "hypervisor");
    json_t *sys = json_object_get(env, "system");
    d->tag = str_at(tool, "tag", "");
    d->build = str_at(tool, "build", "?");
    d->version = str_at(tool, "version", "?");
    d->cpu_brand = str_at(cpu, "brand", "");
    d->cpu_vendor = str_at(cpu, "vendor", "");
    d->cpu_family = int_at(cpu, "family");
    d->cpu_model = int_at(cpu, "model");
    d->cpu_stepping = int_at(cpu, "stepping");
    d->hv_name = str_at(hv, "name", "");
    d->sys_manufacturer = str_at(sys, "manufacturer", "");
    d->sys_product = str_at(sys, "product", "");
    d->time = int_at(d->root, "time");
}

int bc_doc_load_buffer(const char *buf, size_t len, const char *name, struct bc_doc *d,
                       char *err, size_t errlen)
{
    json_error_t je;
    memset(d, 0, sizeof *d);
    d->path = strdup(name);
    if (!d->path)
        return bc_fail(err, errlen, "%s: out of memory", name);
    d->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!d->root) {
        bc_fail(err, errlen, "%s:%d:%d: not valid JSON: %s (byte %zu)", name, je.line, je.column,
             je.text, (size_t)je.position);
        goto err;
    }
    if (!json_is_object(d->root)) {
        bc_fail(err, errlen, "%s: not a barebench results document (top level is not an object)", name);
        goto err;
    }
    json_t *schema = json_object_get(d->root, "schema");
    if (!json_is_string(schema)) {
        bc_fail(err, errlen, "%s: not a barebench results document (no \"schema\" string)", name);
        goto err;
    }
    if (strcmp(json_string_value(schema), BC_SCHEMA)) {
        bc_fail(err, errlen, "%s: unsupported schema \"%.40s\" (this tool reads \"%s\")", name,
             json_string_value(schema), BC_SCHEMA);
        goto err;
    }
    json_t *res = json_object_get(d->root, "results");
    if (!json_is_array(res)) {
        bc_fail(err, errlen, "%s: \"results\" is missing or not an array", name);
        goto err;
    }
    if (json_object_get(d->root, "tool") && !json_is_object(json_object_get(d->root, "tool"))) {
        bc_fail(err, errlen, "%s: \"tool\" is not an object", name);
        goto err;
    }
    if (json_object_get(d->root, "env") && !json_is_object(json_object_get(d->root, "env"))) {
        bc_fail(err, errlen, "%s: \"env\" is not an object", name);
        goto err;
    }
    size_t n = json_array_size(res);
    d->e = calloc(n ? n : 1, sizeof *d->e);
    if (!d->e) {
        bc_fail(err, errlen, "%s: out of memory", name);
        goto err;
    }
    for (size_t i = 0; i < n; i++) {
        d->n = (int)i + 1; /* so bc_doc_free frees a half-built entry too */
        if (load_entry(json_array_get(res, i), i, name, &d->e[i], err, errlen))
            goto err;
    }
    d->n = (int)n;
    fill_identity(d);
    return 0;
err:
    bc_doc_free(d);
    return -1;
}

int bc_doc_load_file(const char *path, size_t max_bytes, struct bc_doc *d, char *err,
                     size_t errlen)
{
    memset(d, 0, sizeof *d);
    FILE *f = fopen(path, "rb");
    if (!f)
        return bc_fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return bc_fail(err, errlen, "%s: is a directory", path);
    }
    /* read at most max_bytes + 1 so that pipes and growing files are bounded too */
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            size_t nc = cap * 2 > max_bytes + 1 ? max_bytes + 1 : cap * 2;
            char *nb = nc > cap ? realloc(buf, nc) : NULL;
            if (!nb)
                break;
            buf = nb;
            cap = nc;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0 || len > max_bytes)
            break;
    }
    int rerr = ferror(f);
    fclose(f);
    if (!buf)
        return bc_fail(err, errlen, "%s: out of memory", path);
    if (len > max_bytes) {
        free(buf);
        return bc_fail(err, errlen, "%s: file too large (over %zu bytes; the limit is --max-bytes %zu)",
                    path, max_bytes, max_bytes);
    }
    if (rerr) {
        free(buf);
        return bc_fail(err, errlen, "%s: read error", path);
    }
    if (len == 0) {
        free(buf);
        return bc_fail(err, errlen, "%s: empty file", path);
    }
    int rc = bc_doc_load_buffer(buf, len, path, d, err, errlen);
    free(buf);
    return rc;
}

void bc_doc_free(struct bc_doc *d)
{
    for (int i = 0; i < d->n && d->e; i++) {
        free(d->e[i].key);
        free(d->e[i].params_text);
        free(d->e[i].samples);
    }
    free(d->e);
    free(d->path);
    json_decref(d->root);
    memset(d, 0, sizeof *d);
}

void bc_doc_labels(struct bc_doc *docs, int n)
{
    for (int i = 0; i < n; i++) {
        struct bc_doc *d = &docs[i];
        const char *base = strrchr(d->path, '/') ? strrchr(d->path, '/') + 1 : d->path;
        const char *l = d->tag && d->tag[0] ? d->tag
                      : d->hv_name && d->hv_name[0] ? d->hv_name : base;
        snprintf(d->label, sizeof d->label, "%s", l);
        /* printable, no separators that break the table formats */
        for (char *p = d->label; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '|' || *p == ',' || *p == '"' ||
                *p == '\'' || *p == '\\')
                *p = '_';
        char base_label[sizeof d->label];
        memcpy(base_label, d->label, sizeof base_label);
        for (int k = 2, taken = 1; taken; k++) {
            taken = 0;
            for (int j = 0; j < i; j++)
                taken |= !strcmp(docs[j].label, d->label);
            if (taken)
                snprintf(d->label, sizeof d->label, "%.52s-%d", base_label, k);
        }
    }
}
