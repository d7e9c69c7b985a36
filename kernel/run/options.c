/* options.c - parses and validates key=value options.  Anything unknown, malformed, out of
 * range, overlong or unprintable is rejected with a message naming it; nothing half-applies
 * silently.  One table describes every option, its values and its help line. */
#include "kernel/run/options.h"
#include "kernel/run/fault.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "kernel/upload/upload.h"
#include "kernel/upload/upload_key.h"

#include <stddef.h>
#include <string.h>

enum kind { K_SUITES, K_INT, K_ENUM, K_STR, K_SIZE, K_SIZELIST, K_INTLIST, K_BOOL, K_FLAG, K_URL,
            K_MASK /* comma list of choices[i] -> bit i */,
            K_KEY /* a fleet key (kernel/upload/upload_key.h); never quoted in a message */ };

struct opt {
    const char *key;
    enum kind kind;
    size_t off, cap;        /* field offset; capacity for strings */
    long min, max;          /* K_INT / K_INTLIST range; K_SIZE(LIST) range in bytes;
                               K_STR: min 1 = name characters only */
    const char *const *choices; /* K_ENUM: the names, index = value */
    const char *values;     /* shown in help */
    const char *help;
};

static const char *const then_names[] = {"shutdown", "reboot", "exit", "wait", NULL};
static const char *const profile_names[] = {"quick", "standard", "full", NULL};
static const char *const tri_names[] = {"auto", "on", "off", NULL};
static const char *const pstate_names[] = {"keep", "max", NULL};
static const char *const driver_names[] = {"auto", "native", "firmware", "both", NULL};
/* the suites suite= names, registered by the layer that has them (options_register_suites) */
static const char *const no_suites[] = {NULL};
static const char *const *suite_names = no_suites;
static char suite_values[OPT_SUITES_MAX * 12 + 8] = "all";
static const char *const screen_names[] = {"summary", "full", NULL};

#define F(field) offsetof(struct options, field)
#define S(field) sizeof(((struct options *)0)->field)

static const struct opt table[] = {
    {"suite", K_SUITES, F(suites), 0, 0, 0, NULL, suite_values,
     "suites to run, comma-separated (default all)"},
    {"reps", K_INT, F(reps), 0, 1, 1000, NULL, "1..1000", "measured repetitions per test (default 5)"},
    {"then", K_ENUM, F(then), 0, 0, 0, then_names, "shutdown|reboot|exit|wait",
     "what to do at the end (default shutdown; wait = keep results on screen until a key)"},
    {"profile", K_ENUM, F(profile), 0, 0, 0, profile_names, "quick|standard|full",
     "how long each suite runs (quick: seconds, for emulators and CI)"},
    {"serial", K_ENUM, F(serial), 0, 0, 0, tri_names, "auto|on|off",
     "also write to the COM1 UART directly (auto: when the console does not reach it)"},
    {"cpus", K_STR, F(cpus), S(cpus), 0, 0, NULL, "all|cores|N|0,2,4-7",
     "processors: all, one thread per core, first N (cores before siblings) or a list"},
    {"pstate", K_ENUM, F(pstate), 0, 0, 0, pstate_names, "keep|max",
     "frequency policy: keep (record only) or max (bare metal: highest performance, restored)"},
    {"min_time_ms", K_INT, F(min_time_ms), 0, 0, 60000, NULL, "0..60000",
     "shortest measured interval per sample (0 = by profile)"},
    {"save", K_BOOL, F(save), 0, 0, 0, NULL, "yes|no",
     "write the results file to the boot volume when it is writable (default yes)"},
    {"tag", K_STR, F(tag), S(tag), 1, 0, NULL, "NAME",
     "label for this environment (e.g. baremetal, kvm): letters, digits, . _ -"},
    {"mem_max", K_SIZE, F(mem_max), 0, 0, 0, NULL, "SIZE",
     "largest buffer the mem suite uses (e.g. 512M; 0 = from the memory map)"},
    {"mem_dram", K_SIZE, F(mem_dram), 0, 65536, 1L << 40, NULL, "0|64K..1T",
     "bytes per array of the mem suite's DRAM tests (0 = each array 4x the last-level caches in use)"},
    {"mem_tests", K_STR, F(mem_tests), S(mem_tests), 0, 0, NULL, "all|kernels,cores,numa,sweep,latency,plateau",
     "which mem tests to run (default all)"},
    {"disk", K_STR, F(disk), S(disk), 0, 0, NULL, "all|none|N,N|PATH,PATH",
     "disks to measure: by index (env.disks), or on Linux files/block devices by path"},
    {"disk_blocks", K_SIZELIST, F(disk_blocks), OPT_LIST_MAX, 512, 1L << 30, NULL, "SIZE,SIZE",
     "block sizes of the disk sweep (default 4K,16K,64K,256K,1M,4M,16M,64M)"},
    {"disk_budget", K_SIZE, F(disk_budget), 0, 0, 0, NULL, "SIZE",
     "most bytes per repetition of a disk sweep point (0 = by profile; length by min_time_ms)"},
    {"disk_qd", K_INTLIST, F(disk_qd), OPT_LIST_MAX, 1, 256, NULL, "N,N",
     "queue depths (default 1,4,16,32,64,128,256, capped by the device)"},
    {"disk_driver", K_ENUM, F(disk_driver), 0, 0, 0, driver_names, "auto|native|firmware|both",
     "UEFI: barebench's own NVMe driver where it has one (auto), only it, the firmware's, or both"},
    {"disk_write", K_BOOL, F(disk_write), 0, 0, 0, NULL, "yes|no",
     "write tests on disks carrying the barebench scratch marker (default yes; others never)"},
    {"disk_tests", K_STR, F(disk_tests), S(disk_tests), 0, 0, NULL, "all|seq_read,seq_write,rand_read,rand_write",
     "which disk sweeps to run (default all)"},
    {"upload", K_URL, F(upload), S(upload), 0, 0, NULL, "URL",
     "send the results to a collector (http://HOST:PORT/; names need the firmware's DNS4 on UEFI)"},
    {"upload_key", K_KEY, F(upload_key), S(upload_key), 0, 0, NULL, "HEX",
     "fleet key that signs each upload (HMAC-SHA256; 32..128 hex digits, openssl rand -hex 32)"},
    {"upload_key_file", K_STR, F(upload_key_file), S(upload_key_file), 0, 0, NULL, "PATH",
     "the fleet key from a file (UEFI: on the boot volume, e.g. /barebench/upload.key)"},
    {"upload_ca_file", K_STR, F(upload_ca_file), S(upload_ca_file), 0, 0, NULL, "PATH",
     "CA certificate (PEM or DER) an https:// upload trusts (UEFI: on the boot volume)"},
    {"upload_token", K_STR, F(upload_token), S(upload_token), 0, 0, NULL, "SECRET",
     "LEGACY: a shared token sent in clear text (use upload_key)"},
    {"net", K_STR, F(net), S(net), 0, 0, NULL, "dhcp|ADDR/PREFIX[,GW]",
     "UEFI network setup for upload (default dhcp; e.g. 10.0.2.15/24,10.0.2.2)"},
    {"screen", K_ENUM, F(screen), 0, 0, 0, screen_names, "summary|full",
     "end with a one-page summary on the screen (default), or also show the JSON document there"},
    {"upload_retries", K_INT, F(upload_retries), 0, 0, 10, NULL, "0..10",
     "upload attempts after the first when there is no connection, a timeout or a 5xx (default 3)"},
    {"help", K_FLAG, F(help), 0, 0, 0, NULL, "", "print this list and run nothing"},
    {"fault", K_MASK, F(faults), 0, 0, 0, fault_names, "refclock-frozen,ap-stuck,uart-stuck,disk-hang,tcp-cancel,no-efi-tls",
     "TEST ONLY: make devices fail on purpose (recorded in env.faults; never on a real run)"},
};

#define NOPT (sizeof table / sizeof table[0])

void options_defaults(struct options *o)
{
    memset(o, 0, sizeof *o);
    o->suites = options_all_suites();
    o->reps = 5;
    o->then = THEN_SHUTDOWN;
    o->profile = PROFILE_STANDARD;
    o->serial = TRI_AUTO;
    o->save = 1;
    o->disk_write = 1;
    o->upload_retries = 3;
    bb_snprintf(o->disk, sizeof o->disk, "all");
    bb_snprintf(o->disk_tests, sizeof o->disk_tests, "all");
    bb_snprintf(o->mem_tests, sizeof o->mem_tests, "all");
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
    const struct opt *o;
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

int options_set(struct options *o, const char *key, const char *value, char *err, size_t errlen)
{
    const struct opt *op = NULL;
    for (size_t i = 0; i < NOPT; i++)
        if (eq(table[i].key, key))
            op = &table[i];
    if (!op) {
        bb_snprintf(err, errlen, "unknown option '%s' (try 'help' for the list)", key);
        return -1;
    }
    if (op->kind == K_FLAG) {
        if (value && !eq(value, "") && !eq(value, "yes") && !eq(value, "1")) {
            bb_snprintf(err, errlen, "option '%s' takes no value", key);
            return -1;
        }
        *(int *)((char *)o + op->off) = 1;
        return 0;
    }
    if (!value || !*value) {
        bb_snprintf(err, errlen, "option '%s' needs a value (%s=%s)", key, key, op->values);
        return -1;
    }
    void *field = (char *)o + op->off;
    struct list_ctx lc = {op, field, 0, 0};
    long n;
    uint64_t sz;
    switch (op->kind) {
    case K_SUITES:
        if (each_item(value, suite_item, &lc) || lc.mask == 0)
            goto bad;
        *(unsigned *)field = lc.mask;
        return 0;
    case K_MASK:
        if (each_item(value, mask_item, &lc))
            goto bad;
        *(unsigned *)field = lc.mask;
        return 0;
    case K_INT:
        if (parse_long(value, &n) || n < op->min || n > op->max)
            goto bad;
        *(int *)field = (int)n;
        return 0;
    case K_ENUM:
        for (int i = 0; op->choices[i]; i++)
            if (eq(value, op->choices[i])) {
                *(int *)field = i;
                if (op->off == F(then))
                    o->then_set = 1;
                return 0;
            }
        goto bad;
    case K_BOOL:
        if (eq(value, "yes") || eq(value, "on") || eq(value, "1") || eq(value, "true"))
            *(int *)field = 1;
        else if (eq(value, "no") || eq(value, "off") || eq(value, "0") || eq(value, "false"))
            *(int *)field = 0;
        else
            goto bad;
        return 0;
    case K_STR:
        if (strlen(value) >= op->cap || !str_ok(value, op->min == 1))
            goto bad;
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case K_SIZE:
        if (options_parse_size(value, &sz))
            goto bad;
        if (op->max && sz && (sz < (uint64_t)op->min || sz > (uint64_t)op->max))
            goto bad; /* 0 (auto) or within the range */
        *(uint64_t *)field = sz;
        return 0;
    case K_SIZELIST:
        if (each_item(value, size_item, &lc))
            goto bad;
        o->ndisk_blocks = lc.n;
        return 0;
    case K_INTLIST:
        if (each_item(value, int_item, &lc))
            goto bad;
        o->ndisk_qd = lc.n;
        return 0;
    case K_URL: {
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
    case K_KEY: {
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
    case K_FLAG:
        break;
    }
bad:
    if (op->kind == K_STR && op->min == 1)
        bb_snprintf(err, errlen,
                    "bad value for '%s': expected a name of letters, digits, '.', '_' or '-', "
                    "under %u characters", key, (unsigned)op->cap);
    else if (op->kind == K_STR)
        bb_snprintf(err, errlen,
                    "bad value for '%s': expected %s, printable, no quotes or blanks, under %u characters",
                    key, op->values, (unsigned)op->cap);
    else if (op->kind == K_SIZELIST)
        bb_snprintf(err, errlen, "bad value '%.40s' for '%s': expected %s (each 512..1G, at most %u)",
                    value, key, op->values, (unsigned)op->cap);
    else
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
            int flag = 0;
            for (size_t i = 0; i < NOPT; i++)
                if (eq(table[i].key, word) && table[i].kind == K_FLAG)
                    flag = 1;
            if (!flag) {
                int known = 0;
                for (size_t i = 0; i < NOPT; i++)
                    known |= eq(table[i].key, word);
                if (known)
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

void options_help(void (*out)(const char *line))
{
    char line[200];
    out("barebench options (key=value, blank-separated; Linux build: --key value):");
    for (size_t i = 0; i < NOPT; i++) {
        char kv[64];
        if (table[i].kind == K_FLAG)
            bb_snprintf(kv, sizeof kv, "%s", table[i].key);
        else
            bb_snprintf(kv, sizeof kv, "%s=%s", table[i].key, table[i].values);
        bb_snprintf(line, sizeof line, "  %-40s %s", kv, table[i].help);
        out(line);
    }
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
