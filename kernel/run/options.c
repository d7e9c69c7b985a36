/* options.c - parses and validates key=value options.  Anything unknown, malformed, out of
 * range, overlong or unprintable is rejected with a message naming it; nothing half-applies
 * silently.  One table describes the runtime's options, their values and help lines; the suites
 * add their own rows (struct opt_group, registered by the layer that has them). */
#include "kernel/run/options.h"
#include "kernel/run/fault.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "kernel/upload/upload.h"
#include "kernel/upload/upload_key.h"

#include <stddef.h>
#include <string.h>

static const char *const then_names[] = {"shutdown", "reboot", "exit", "wait", NULL};
static const char *const profile_names[] = {"quick", "standard", "full", NULL};
static const char *const tri_names[] = {"auto", "on", "off", NULL};
static const char *const pstate_names[] = {"keep", "max", NULL};
/* the suites suite= names, registered by the layer that has them (options_register_suites) */
static const char *const no_suites[] = {NULL};
static const char *const *suite_names = no_suites;
static char suite_values[OPT_SUITES_MAX * 12 + 8] = "all";
static const char *const screen_names[] = {"summary", "full", NULL};

#define F(field) offsetof(struct options, field)
#define S(field) sizeof(((struct options *)0)->field)

static const struct opt_def table[] = {
    {"suite", OPT_SUITES, F(suites), 0, 0, 0, NULL, suite_values,
     "suites to run, comma-separated (default all)", 0, NULL},
    {"reps", OPT_INT, F(reps), 0, 1, 1000, NULL, "1..1000", "measured repetitions per test (default 5)", 0, NULL},
    {"then", OPT_ENUM, F(then), 0, 0, 0, then_names, "shutdown|reboot|exit|wait",
     "what to do at the end (default shutdown; wait = keep results on screen until a key)", 0, NULL},
    {"profile", OPT_ENUM, F(profile), 0, 0, 0, profile_names, "quick|standard|full",
     "how long each suite runs (quick: seconds, for emulators and CI)", 0, NULL},
    {"serial", OPT_ENUM, F(serial), 0, 0, 0, tri_names, "auto|on|off",
     "also write to the COM1 UART directly (auto: when the console does not reach it)", 0, NULL},
    {"cpus", OPT_STR, F(cpus), S(cpus), 0, 0, NULL, "all|cores|N|0,2,4-7",
     "processors: all, one thread per core, first N (cores before siblings) or a list", 0, NULL},
    {"pstate", OPT_ENUM, F(pstate), 0, 0, 0, pstate_names, "keep|max",
     "frequency policy: keep (record only) or max (bare metal: highest performance, restored)", 0, NULL},
    {"min_time_ms", OPT_INT, F(min_time_ms), 0, 0, 60000, NULL, "0..60000",
     "shortest measured interval per sample (0 = by profile)", 0, NULL},
    {"save", OPT_BOOL, F(save), 0, 0, 0, NULL, "yes|no",
     "write the results file to the boot volume when it is writable (default yes)", 0, NULL},
    {"tag", OPT_STR, F(tag), S(tag), 1, 0, NULL, "NAME",
     "label for this environment (e.g. baremetal, kvm): letters, digits, . _ -", 0, NULL},
    {"upload", OPT_URL, F(upload), S(upload), 0, 0, NULL, "URL",
     "send the results to a collector (http://HOST:PORT/; names need the firmware's DNS4 on UEFI)", 0, NULL},
    {"upload_key", OPT_KEY, F(upload_key), S(upload_key), 0, 0, NULL, "HEX",
     "fleet key that signs each upload (HMAC-SHA256; 32..128 hex digits, openssl rand -hex 32)", 0, NULL},
    {"upload_key_file", OPT_STR, F(upload_key_file), S(upload_key_file), 0, 0, NULL, "PATH",
     "the fleet key from a file (UEFI: on the boot volume, e.g. /barebench/upload.key)", 0, NULL},
    {"upload_ca_file", OPT_STR, F(upload_ca_file), S(upload_ca_file), 0, 0, NULL, "PATH",
     "CA certificate (PEM or DER) an https:// upload trusts (UEFI: on the boot volume)", 0, NULL},
    {"upload_token", OPT_STR, F(upload_token), S(upload_token), 0, 0, NULL, "SECRET",
     "LEGACY: a shared token sent in clear text (use upload_key)", 0, NULL},
    {"net", OPT_STR, F(net), S(net), 0, 0, NULL, "dhcp|ADDR/PREFIX[,GW]",
     "UEFI network setup for upload (default dhcp; e.g. 10.0.2.15/24,10.0.2.2)", 0, NULL},
    {"screen", OPT_ENUM, F(screen), 0, 0, 0, screen_names, "summary|full",
     "end with a one-page summary on the screen (default), or also show the JSON document there", 0, NULL},
    {"upload_retries", OPT_INT, F(upload_retries), 0, 0, 10, NULL, "0..10",
     "upload attempts after the first when there is no connection, a timeout or a 5xx (default 3)", 0, NULL},
    {"help", OPT_FLAG, F(help), 0, 0, 0, NULL, "", "print this list and run nothing", 0, NULL},
    {"fault", OPT_MASK, F(faults), 0, 0, 0, fault_names, "refclock-frozen,ap-stuck,uart-stuck,disk-hang,tcp-cancel,no-efi-tls",
     "TEST ONLY: make devices fail on purpose (recorded in env.faults; never on a real run)", 0, NULL},
};

#define NOPT (sizeof table / sizeof table[0])

/* The suites' groups (options_register_groups): each one's values at `base` bytes into struct
 * options (inside group_values); the runtime's own rows have base 0. */
static struct {
    const struct opt_group *def;
    size_t base;
} groups[OPT_SUITES_MAX];
static int ngroups;

static int set_row(struct options *o, size_t base, const struct opt_def *op, const char *value,
                   char *err, size_t errlen);

void options_defaults(struct options *o)
{
    memset(o, 0, sizeof *o);
    o->suites = options_all_suites();
    o->reps = 5;
    o->then = THEN_SHUTDOWN;
    o->profile = PROFILE_STANDARD;
    o->serial = TRI_AUTO;
    o->save = 1;
    o->upload_retries = 3;
    for (int g = 0; g < ngroups; g++) /* the suites' rows: their own defaults, parsed as given */
        for (size_t i = 0; i < groups[g].def->nrows; i++)
            if (groups[g].def->rows[i].def) {
                char err[8];
                set_row(o, groups[g].base, &groups[g].def->rows[i], groups[g].def->rows[i].def,
                        err, sizeof err);
            }
}

static int eq(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static int parse_long(const char *s, long *out)
{
    if (!*s)
        return -1;
    long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000000L)
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

int options_parse_size(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9') {
        if (v > (1ull << 50))
            return -1;
        v = v * 10 + (uint64_t)(*p++ - '0');
    }
    uint64_t mul = 1;
    char u = *p;
    if (u == 'k' || u == 'K') mul = 1ull << 10;
    else if (u == 'm' || u == 'M') mul = 1ull << 20;
    else if (u == 'g' || u == 'G') mul = 1ull << 30;
    else if (u == 't' || u == 'T') mul = 1ull << 40;
    else if (u == 'b' || u == 'B') mul = 1;
    else if (u != '\0') return -1;
    if (u) {
        p++;
        if ((u != 'b' && u != 'B') && (eq(p, "iB") || eq(p, "ib") || eq(p, "B") || eq(p, "b")))
            p += strlen(p);
    }
    if (*p)
        return -1;
    if (v > (~0ull) / mul)
        return -1;
    *out = v * mul;
    return 0;
}

/* Split a comma list into tokens; calls fn for each; -1 on an empty token. */
static int each_item(const char *v, int (*fn)(void *, const char *), void *ctx)
{
    char item[64];
    const char *p = v;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == 0 || n >= sizeof item)
            return -1;
        memcpy(item, p, n);
        item[n] = '\0';
        if (fn(ctx, item))
            return -1;
        if (!c)
            return 0;
        p = c + 1;
    }
}

struct list_ctx {
    const struct opt_def *o;
    void *base;
    int n;
    unsigned mask;
};

static int suite_item(void *vc, const char *it)
{
    struct list_ctx *c = vc;
    if (eq(it, "all")) {
        c->mask |= options_all_suites();
        return 0;
    }
    for (int i = 0; suite_names[i] && i < OPT_SUITES_MAX; i++)
        if (eq(it, suite_names[i])) {
            c->mask |= 1u << i;
            return 0;
        }
    return -1;
}

static int mask_item(void *vc, const char *it)
{
    struct list_ctx *c = vc;
    for (int i = 0; c->o->choices[i]; i++)
        if (eq(it, c->o->choices[i])) {
            c->mask |= 1u << i;
            return 0;
        }
    return -1;
}

static int size_item(void *vc, const char *it)
{
    struct list_ctx *c = vc;
    uint64_t v;
    if ((size_t)c->n >= c->o->cap || options_parse_size(it, &v) || v < (uint64_t)c->o->min ||
        v > (uint64_t)c->o->max)
        return -1;
    ((uint64_t *)c->base)[c->n++] = v;
    return 0;
}

static int int_item(void *vc, const char *it)
{
    struct list_ctx *c = vc;
    long v;
    if ((size_t)c->n >= c->o->cap || parse_long(it, &v) || v < c->o->min || v > c->o->max)
        return -1;
    ((int *)c->base)[c->n++] = (int)v;
    return 0;
}

/* Printable, no blanks, quotes or backslashes; `name_only`: letters, digits, '.', '_', '-'
 * (the tag becomes part of file names on FAT volumes and at the collector). */
static int str_ok(const char *v, int name_only)
{
    for (; *v; v++) {
        if (*v <= ' ' || *v > '~' || *v == '"' || *v == '\\')
            return 0;
        if (name_only && !((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
                           (*v >= '0' && *v <= '9') || *v == '.' || *v == '_' || *v == '-'))
            return 0;
    }
    return 1;
}

/* The row of `key` (the runtime's, then the groups'), with its values' base in struct options. */
static const struct opt_def *find(const char *key, size_t *base)
{
    for (size_t i = 0; i < NOPT; i++)
        if (eq(table[i].key, key)) {
            *base = 0;
            return &table[i];
        }
    for (int g = 0; g < ngroups; g++)
        for (size_t i = 0; i < groups[g].def->nrows; i++)
            if (eq(groups[g].def->rows[i].key, key)) {
                *base = groups[g].base;
                return &groups[g].def->rows[i];
            }
    return NULL;
}

/* "512", "4K", "1G": a size for a message. */
static void size_text(uint64_t v, char *b, size_t n)
{
    static const char *const units[] = {"", "K", "M", "G", "T"};
    int u = 0;
    while (u < 4 && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    bb_snprintf(b, n, "%llu%s", (unsigned long long)v, units[u]);
}

int options_set(struct options *o, const char *key, const char *value, char *err, size_t errlen)
{
    size_t base;
    const struct opt_def *op = find(key, &base);
    if (!op) {
        bb_snprintf(err, errlen, "unknown option '%s' (try 'help' for the list)", key);
        return -1;
    }
    return set_row(o, base, op, value, err, errlen);
}

static int set_row(struct options *o, size_t base, const struct opt_def *op, const char *value,
                   char *err, size_t errlen)
{
    const char *key = op->key;
    if (op->kind == OPT_FLAG) {
        if (value && !eq(value, "") && !eq(value, "yes") && !eq(value, "1")) {
            bb_snprintf(err, errlen, "option '%s' takes no value", key);
            return -1;
        }
        *(int *)((char *)o + base + op->off) = 1;
        return 0;
    }
    if (!value || !*value) {
        bb_snprintf(err, errlen, "option '%s' needs a value (%s=%s)", key, key, op->values);
        return -1;
    }
    void *field = (char *)o + base + op->off;
    struct list_ctx lc = {op, field, 0, 0};
    long n;
    uint64_t sz;
    switch (op->kind) {
    case OPT_SUITES:
        if (each_item(value, suite_item, &lc) || lc.mask == 0)
            goto bad;
        *(unsigned *)field = lc.mask;
        return 0;
    case OPT_MASK:
        if (each_item(value, mask_item, &lc))
            goto bad;
        *(unsigned *)field = lc.mask;
        return 0;
    case OPT_INT:
        if (parse_long(value, &n) || n < op->min || n > op->max)
            goto bad;
        *(int *)field = (int)n;
        return 0;
    case OPT_ENUM:
        for (int i = 0; op->choices[i]; i++)
            if (eq(value, op->choices[i])) {
                *(int *)field = i;
                if (base == 0 && op->off == F(then))
                    o->then_set = 1;
                return 0;
            }
        goto bad;
    case OPT_BOOL:
        if (eq(value, "yes") || eq(value, "on") || eq(value, "1") || eq(value, "true"))
            *(int *)field = 1;
        else if (eq(value, "no") || eq(value, "off") || eq(value, "0") || eq(value, "false"))
            *(int *)field = 0;
        else
            goto bad;
        return 0;
    case OPT_STR:
        if (strlen(value) >= op->cap || !str_ok(value, op->min == 1))
            goto bad;
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case OPT_SIZE:
        if (options_parse_size(value, &sz))
            goto bad;
        if (op->max && sz && (sz < (uint64_t)op->min || sz > (uint64_t)op->max))
            goto bad; /* 0 (auto) or within the range */
        *(uint64_t *)field = sz;
        return 0;
    case OPT_SIZELIST:
        if (each_item(value, size_item, &lc))
            goto bad;
        *(int *)((char *)o + base + op->count_off) = lc.n;
        return 0;
    case OPT_INTLIST:
        if (each_item(value, int_item, &lc))
            goto bad;
        *(int *)((char *)o + base + op->count_off) = lc.n;
        return 0;
    case OPT_URL: {
        char why[160];
        /* a host name is refused now only where it can never be resolved (UEFI without DNS4);
         * where the network stack starts only for the upload, the run says so before measuring */
        int need_ip = strcmp(plat_build(), "uefi") == 0 && plat_upload_resolves_names() == 0;
        if (strlen(value) >= op->cap || !str_ok(value, 0)) {
            bb_snprintf(why, sizeof why, "printable, no quotes or blanks, under %u characters",
                        (unsigned)op->cap);
        } else if (upload_check_url(value, need_ip, why, sizeof why) == 0) {
            memcpy(field, value, strlen(value) + 1);
            return 0;
        }
        bb_snprintf(err, errlen, "bad value '%.100s' for '%s': %s", value, key, why);
        return -1;
    }
    case OPT_KEY: {
        uint8_t kb[UPLOAD_KEY_MAX];
        size_t kl;
        const char *why = upload_key_parse(value, strlen(value), kb, &kl);
        memset(kb, 0, sizeof kb);
        if (why || strlen(value) >= op->cap) {
            bb_snprintf(err, errlen, "bad value for '%s': %s", key, why ? why : "too long");
            return -1;
        }
        memcpy(field, value, strlen(value) + 1);
        return 0;
    }
    case OPT_FLAG:
        break;
    }
bad:
    if (op->kind == OPT_STR && op->min == 1)
        bb_snprintf(err, errlen,
                    "bad value for '%s': expected a name of letters, digits, '.', '_' or '-', "
                    "under %u characters", key, (unsigned)op->cap);
    else if (op->kind == OPT_STR)
        bb_snprintf(err, errlen,
                    "bad value for '%s': expected %s, printable, no quotes or blanks, under %u characters",
                    key, op->values, (unsigned)op->cap);
    else if (op->kind == OPT_SIZELIST) {
        char lo[24], hi[24];
        size_text((uint64_t)op->min, lo, sizeof lo);
        size_text((uint64_t)op->max, hi, sizeof hi);
        bb_snprintf(err, errlen, "bad value '%.40s' for '%s': expected %s (each %s..%s, at most %u)",
                    value, key, op->values, lo, hi, (unsigned)op->cap);
    } else
        bb_snprintf(err, errlen, "bad value '%.40s' for '%s': expected %s", value, key, op->values);
    return -1;
}

const char *options_skip_program_name(const char *line)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *w = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    size_t n = (size_t)(p - w);
    int has_eq = memchr(w, '=', n) != NULL;
    int pathy = memchr(w, '\\', n) || memchr(w, '/', n) ||
                (n > 4 && (!memcmp(p - 4, ".efi", 4) || !memcmp(p - 4, ".EFI", 4)));
    if (n && !has_eq && pathy)
        return p;
    return line;
}

int options_parse(const char *line, struct options *o, char *err, size_t errlen)
{
    size_t len = strlen(line);
    if (len > OPT_LINE_MAX) {
        bb_snprintf(err, errlen, "command line too long: %u characters (at most %u)", (unsigned)len,
                    OPT_LINE_MAX);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c > 0x7e) {
            bb_snprintf(err, errlen,
                        "command line has an unprintable character 0x%02x at position %u", c,
                        (unsigned)i + 1);
            return -1;
        }
    }
    const char *p = line;
    char word[OPT_LINE_MAX + 1];
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            return 0;
        size_t n = 0;
        while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != '\r')
            n++;
        memcpy(word, p, n);
        word[n] = '\0';
        p += n;
        char *eqs = strchr(word, '=');
        const char *value = NULL;
        if (eqs) {
            *eqs = '\0';
            value = eqs + 1;
        }
        if (!word[0]) {
            bb_snprintf(err, errlen, "'=%.40s' has no option name before '='", value);
            return -1;
        }
        if (!eqs) { /* a bare word is only allowed for flags */
            size_t base;
            const struct opt_def *op = find(word, &base);
            if (!op || op->kind != OPT_FLAG) {
                if (op)
                    bb_snprintf(err, errlen, "option '%.40s' needs a value (%.40s=...)", word, word);
                else
                    bb_snprintf(err, errlen, "unknown option '%.40s' (try 'help' for the list)", word);
                return -1;
            }
        }
        if (options_set(o, word, value, err, errlen))
            return -1;
    }
}

static int secret(const char *key, size_t n)
{
    return (n == 10 && !memcmp(key, "upload_key", n)) || (n == 12 && !memcmp(key, "upload_token", n));
}

void options_redact(const char *line, char *out, size_t n)
{
    static const char mark[] = "REDACTED";
    size_t k = 0;
    if (!n)
        return;
    for (const char *p = line; *p && k + 1 < n;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            out[k++] = *p++;
            continue;
        }
        const char *w = p, *eqs = NULL;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            if (*p == '=' && !eqs)
                eqs = p;
            p++;
        }
        const char *end = eqs && secret(w, (size_t)(eqs - w)) ? eqs + 1 : p;
        for (const char *c = w; c < end && k + 1 < n; c++)
            out[k++] = *c;
        if (end != p)
            for (const char *c = mark; *c && k + 1 < n; c++)
                out[k++] = *c;
    }
    out[k] = '\0';
}

static void help_row(void (*out)(const char *line), const struct opt_def *op)
{
    char line[200], kv[64];
    if (op->kind == OPT_FLAG)
        bb_snprintf(kv, sizeof kv, "%s", op->key);
    else
        bb_snprintf(kv, sizeof kv, "%s=%s", op->key, op->values);
    bb_snprintf(line, sizeof line, "  %-40s %s", kv, op->help);
    out(line);
}

void options_help(void (*out)(const char *line))
{
    char line[80];
    out("barebench options (key=value, blank-separated; Linux build: --key value):");
    for (size_t i = 0; i < NOPT; i++)
        help_row(out, &table[i]);
    for (int g = 0; g < ngroups; g++) {
        bb_snprintf(line, sizeof line, "options of the %s suite:", groups[g].def->name);
        out(line);
        for (size_t i = 0; i < groups[g].def->nrows; i++)
            help_row(out, &groups[g].def->rows[i]);
    }
}

int options_register_groups(const struct opt_group *const *list, char *err, size_t errlen)
{
    size_t used = 0, base0 = offsetof(struct options, group_values);
    int n = 0;
    ngroups = 0; /* none registered until the whole list is known to fit */
    for (; list[n]; n++) {
        const struct opt_group *g = list[n];
        if (n >= OPT_SUITES_MAX) {
            bb_snprintf(err, errlen, "more than %d option groups", OPT_SUITES_MAX);
            return -1;
        }
        used = (used + 15) & ~(size_t)15; /* each values struct 16-byte aligned */
        if (g->size > OPT_GROUP_BYTES - used) {
            bb_snprintf(err, errlen, "the options of suite %s do not fit: %u bytes, %u left of "
                        "OPT_GROUP_BYTES", g->name, (unsigned)g->size, (unsigned)(OPT_GROUP_BYTES - used));
            return -1;
        }
        for (size_t i = 0; i < g->nrows; i++) {
            size_t b;
            int clash = find(g->rows[i].key, &b) != NULL;
            for (int h = 0; h <= n && !clash; h++)
                for (size_t k = 0; k < list[h]->nrows && (h < n || k < i); k++)
                    clash |= eq(list[h]->rows[k].key, g->rows[i].key);
            if (clash) {
                bb_snprintf(err, errlen, "option '%s' of suite %s is already an option",
                            g->rows[i].key, g->name);
                return -1;
            }
        }
        groups[n].def = g;
        groups[n].base = base0 + used;
        used += g->size;
    }
    ngroups = n;
    return 0;
}

const void *options_group_values(const struct options *o, const struct opt_group *g)
{
    for (int i = 0; i < ngroups; i++)
        if (groups[i].def == g)
            return (const char *)o + groups[i].base;
    return NULL;
}

void options_register_suites(const char *const *names)
{
    size_t len = (size_t)bb_snprintf(suite_values, sizeof suite_values, "all");
    int n = 0;
    for (; names[n] && n < OPT_SUITES_MAX; n++)
        len += (size_t)bb_snprintf(suite_values + len, len < sizeof suite_values ? sizeof suite_values - len : 0,
                                   "%s%s", n ? "," : "|", names[n]);
    suite_names = names;
}

unsigned options_all_suites(void)
{
    unsigned all = 0;
    for (int i = 0; suite_names[i] && i < OPT_SUITES_MAX; i++)
        all |= 1u << i;
    return all;
}

unsigned options_suite_bit(const char *name)
{
    for (int i = 0; suite_names[i] && i < OPT_SUITES_MAX; i++)
        if (eq(name, suite_names[i]))
            return 1u << i;
    return 0;
}

const char *options_suite_name(unsigned bit)
{
    for (int i = 0; suite_names[i] && i < OPT_SUITES_MAX; i++)
        if (bit == 1u << i)
            return suite_names[i];
    return "?";
}

void options_suite_names(unsigned mask, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; suite_names[i] && i < OPT_SUITES_MAX; i++)
        if (mask & (1u << i))
            len += (size_t)bb_snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? "," : "",
                                       suite_names[i]);
}

const char *options_then_name(int then) { return then_names[then & 3]; }
const char *options_profile_name(int p) { return p >= 0 && p <= 2 ? profile_names[p] : "?"; }
