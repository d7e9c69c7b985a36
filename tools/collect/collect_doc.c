/* collect_doc.c - the minimum document barebench-collect keeps: what docs/schema.json requires
 * (embedded at build time, so the two cannot drift), the machine's identity, and something said. */
#include "tools/collect/collect.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

extern const char collect_schema_json[]; /* docs/schema.json, made into C by mk/tools.mk */

static json_t *g_schema;
static pthread_once_t g_schema_once = PTHREAD_ONCE_INIT;

static void load_schema(void)
{
    g_schema = json_loads(collect_schema_json, 0, NULL);
}

/* The problems found, as one line: "missing tool, time; env.cpu.family is not an integer". */
struct findings {
    char missing[400], wrong[400];
    int nmissing, nwrong;
};

static void add(char *buf, size_t n, int *count, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (++*count > 8 || len + 8 >= n) { /* enough to act on; the rest after fixing these */
        if (*count == 9 && len + 6 < n)
            snprintf(buf + len, n - len, ", ...");
        return;
    }
    if (len)
        len += (size_t)snprintf(buf + len, n - len, ", ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
}

/* "#/definitions/entry" -> that node of the schema (only local references are used). */
static json_t *resolve(json_t *node)
{
    const char *ref = json_string_value(json_object_get(node, "$ref"));
    if (!ref || strncmp(ref, "#/definitions/", 14))
        return node;
    return json_object_get(json_object_get(g_schema, "definitions"), ref + 14);
}

static int is_type(json_t *v, const char *type)
{
    if (!strcmp(type, "object")) return json_is_object(v);
    if (!strcmp(type, "array")) return json_is_array(v);
    if (!strcmp(type, "string")) return json_is_string(v);
    if (!strcmp(type, "integer")) return json_is_integer(v);
    if (!strcmp(type, "number")) return json_is_number(v);
    if (!strcmp(type, "boolean")) return json_is_boolean(v);
    return 1; /* a type this check does not know: not its business */
}

/* Does v have the node's "type" (a name, or a list of names)?  No "type": yes.  The expected
 * type(s) go to want ("integer", "string|number|boolean"). */
static int type_ok(json_t *node, json_t *v, char *want, size_t n)
{
    json_t *t = json_object_get(node, "type");
    want[0] = '\0';
    if (json_is_string(t)) {
        if (is_type(v, json_string_value(t)))
            return 1;
        snprintf(want, n, "%s", json_string_value(t));
        return 0;
    }
    size_t i, len = 0;
    json_t *k;
    json_array_foreach(t, i, k) {
        if (!json_is_string(k))
            continue;
        if (is_type(v, json_string_value(k)))
            return 1;
        if (len < n)
            len += (size_t)snprintf(want + len, n - len, "%s%s", len ? "|" : "", json_string_value(k));
    }
    return !json_is_array(t);
}

/* A node with nothing inside to check (no members, items or required ones) that v's type fits:
 * nothing to say, and no path to write (most of a document: its numbers and strings). */
static int leaf_ok(json_t *node, json_t *v)
{
    char want[64];
    node = resolve(node);
    return json_is_object(node) && !json_is_object(v) && !json_is_array(v) &&
           type_ok(node, v, want, sizeof want);
}

/* Check v against one schema node: its type, the members it requires, then (depth first) each
 * member and array item that has a schema of its own.  Enums, bounds and the like are left to
 * tests/validate-docs.sh: a newer image may add a unit, and that document is still worth keeping. */
static void walk(json_t *node, json_t *v, const char *path, struct findings *f, int depth)
{
    char want[64];
    node = resolve(node);
    if (!json_is_object(node) || depth > 8)
        return;
    if (!type_ok(node, v, want, sizeof want)) {
        add(f->wrong, sizeof f->wrong, &f->nwrong, "%s: %s expected", *path ? path : "(top)", want);
        return;
    }
    char sub[160];
    if (json_is_object(v)) {
        size_t i;
        json_t *k;
        json_array_foreach(json_object_get(node, "required"), i, k) {
            const char *key = json_string_value(k);
            if (key && !json_object_get(v, key))
                add(f->missing, sizeof f->missing, &f->nmissing, "%s%s%s", path, *path ? "." : "", key);
        }
        json_t *props = json_object_get(node, "properties"), *more = json_object_get(node, "additionalProperties");
        const char *key;
        json_t *member;
        json_object_foreach(v, key, member) {
            json_t *p = json_object_get(props, key);
            if ((!p && !json_is_object(more)) || leaf_ok(p ? p : more, member))
                continue;
            snprintf(sub, sizeof sub, "%s%s%.60s", path, *path ? "." : "", key);
            walk(p ? p : more, member, sub, f, depth + 1);
        }
    } else if (json_is_array(v) && json_object_get(node, "items")) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (leaf_ok(json_object_get(node, "items"), item))
                continue;
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            walk(json_object_get(node, "items"), item, sub, f, depth + 1);
            if (f->nmissing + f->nwrong > 8)
                return; /* one bad entry in thousands is enough to say */
        }
    }
}

int collect_doc_check(json_t *root, char *msg, size_t msglen)
{
    struct findings f;
    memset(&f, 0, sizeof f);
    pthread_once(&g_schema_once, load_schema);
    if (!g_schema) {
        snprintf(msg, msglen, "the collector's copy of docs/schema.json does not load");
        return -1;
    }
    walk(g_schema, root, "", &f, 0);
    if (!json_object_get(root, "env")) /* optional in the schema; identity for the collector */
        add(f.missing, sizeof f.missing, &f.nmissing, "env (the machine's identity)");
    size_t said = json_array_size(json_object_get(root, "results")) +
                  json_array_size(json_object_get(root, "skipped")) +
                  json_array_size(json_object_get(root, "errors"));
    if (!f.nmissing && !f.nwrong && said)
        return 0;
    int k = snprintf(msg, msglen, "not a document the collector keeps:");
    const char *sep = " ";
    if (f.nmissing && (size_t)k < msglen)
        k += snprintf(msg + k, msglen - (size_t)k, "%smissing %s", sep, f.missing), sep = "; ";
    if (f.nwrong && (size_t)k < msglen)
        k += snprintf(msg + k, msglen - (size_t)k, "%swrong type: %s", sep, f.wrong), sep = "; ";
    if (!said && (size_t)k < msglen)
        snprintf(msg + k, msglen - (size_t)k, "%sno entry in results, skipped or errors (a run "
                 "says what it measured, or why it measured nothing)", sep);
    return -1;
}

int collect_run_id_ok(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (i >= 32 || !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 32;
}
