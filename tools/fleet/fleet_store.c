/* fleet_store.c - one run into the fleet store: its identity columns and machine key from the
 * document, one results row per entry, all in one transaction (all its rows or none); a run id
 * already there is left alone, so storing twice (a retry, a second import) adds nothing. */
#include "tools/fleet/fleet_db.h"
#include "tools/benchcmp/benchcmp.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define RESULT_COLS 14
#define RESULT_BATCH 64 /* result rows per INSERT statement */

static const char *str_at(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

void fleet_run_key(const struct bc_doc *d, const char *text, size_t len, char out[40])
{
    const char *rid = str_at(json_object_get(d->root, "tool"), "run_id");
    if (rid[0] && strlen(rid) < 40) {
        snprintf(out, 40, "%s", rid);
        return;
    }
    unsigned char h[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)text, len, h);
    int k = snprintf(out, 40, "doc-");
    for (int i = 0; i < 16; i++)
        k += snprintf(out + k, 40 - (size_t)k, "%02x", h[i]);
}

/* A UUID that names nothing: empty, all zeros or all F (firmware that fills none in). */
static int uuid_unset(const char *u)
{
    int digits = 0, zero = 1, ff = 1;
    for (; *u; u++) {
        if (*u == '-')
            continue;
        digits++;
        zero &= *u == '0';
        ff &= *u == 'f' || *u == 'F';
    }
    return !digits || zero || ff;
}

/* Serial numbers and asset tags vendors ship in every box alike. */
static int serial_unset(const char *s)
{
    static const char *const junk[] = {"", "0", "None", "Not Specified", "Not Available",
                                       "To Be Filled By O.E.M.", "Default string",
                                       "System Serial Number", "Chassis Serial Number",
                                       "0123456789", "123456789", "N/A", "No Asset Tag",
                                       "No Asset Information", "Asset Tag", "Asset-1234567890",
                                       "Chassis Asset Tag", NULL};
    for (int i = 0; junk[i]; i++)
        if (!strcasecmp(s, junk[i]))
            return 1;
    return 0;
}

void fleet_machine_key(const struct bc_doc *d, const char *run_key, char *out, size_t n)
{
    json_t *env = json_object_get(d->root, "env");
    json_t *sys = json_object_get(env, "system");
    const char *uuid = str_at(sys, "uuid"), *serial = str_at(sys, "serial");
    const char *asset = str_at(sys, "asset_tag");
    const char *mac = str_at(json_object_get(env, "network"), "mac");
    const char *host = str_at(env, "hostname");
    if (!uuid_unset(uuid)) {
        int k = snprintf(out, n, "uuid:%.64s", uuid);
        for (int i = 5; i < k && (size_t)i < n; i++) /* one machine, whatever the case */
            out[i] = (char)(out[i] >= 'A' && out[i] <= 'Z' ? out[i] + 32 : out[i]);
    } else if (!serial_unset(serial)) {
        snprintf(out, n, "serial:%.64s/%.64s/%.64s", d->sys_manufacturer, d->sys_product, serial);
    } else if (!serial_unset(asset)) { /* the operator's own label: before a card that moves */
        snprintf(out, n, "asset:%.64s/%.64s/%.64s", d->sys_manufacturer, d->sys_product, asset);
    } else if (mac[0] && strcmp(mac, "00:00:00:00:00:00")) {
        snprintf(out, n, "mac:%.32s", mac);
    } else if (host[0]) {
        snprintf(out, n, "host:%.64s", host);
    } else {
        snprintf(out, n, "run:%s", run_key);
    }
}

static int got_id(void *ctx, int ncols, const char *const *vals, const char *const *names)
{
    (void)names;
    if (ncols && vals[0])
        snprintf(ctx, 24, "%s", vals[0]);
    return 0;
}

/* Insert the runs row; the new row's id goes to id ("" when the run id was there already). */
static int insert_run(struct fleet_db *db, const struct bc_doc *d, const char *text,
                      const char *file, const char *run_key, char *id, char *err, size_t errlen)
{
    json_t *tool = json_object_get(d->root, "tool"), *env = json_object_get(d->root, "env");
    json_t *sys = json_object_get(env, "system"), *bios = json_object_get(sys, "bios");
    char machine[256], fam[24], model[24], step[24], when[24], now[24], firmware[200];
    fleet_machine_key(d, run_key, machine, sizeof machine);
    snprintf(fam, sizeof fam, "%lld", d->cpu_family);
    snprintf(model, sizeof model, "%lld", d->cpu_model);
    snprintf(step, sizeof step, "%lld", d->cpu_stepping);
    snprintf(when, sizeof when, "%lld", d->time);
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    if (str_at(bios, "vendor")[0] || str_at(bios, "version")[0])
        snprintf(firmware, sizeof firmware, "%.90s%s%.90s", str_at(bios, "vendor"),
                 str_at(bios, "vendor")[0] ? " " : "", str_at(bios, "version"));
    else
        snprintf(firmware, sizeof firmware, "%.190s",
                 str_at(json_object_get(env, "firmware"), "vendor"));
    const char *p[] = {run_key, machine, d->tag, str_at(env, "hostname"), d->sys_manufacturer,
                       d->sys_product, str_at(sys, "serial"), str_at(sys, "uuid"),
                       str_at(sys, "asset_tag"), str_at(json_object_get(env, "network"), "mac"),
                       d->cpu_brand, d->cpu_vendor, fam, model, step, d->hv_name,
                       str_at(bios, "vendor"), str_at(bios, "version"), str_at(bios, "date"),
                       firmware, str_at(tool, "build"), str_at(tool, "version"),
                       str_at(tool, "profile"), when, now, file ? file : "", text};
    id[0] = '\0';
    return fleet_query(db,
        "INSERT INTO runs (run_id, machine, tag, hostname, sys_manufacturer, sys_product,"
        " sys_serial, sys_uuid, asset_tag, mac, cpu_brand, cpu_vendor, cpu_family, cpu_model,"
        " cpu_stepping, hypervisor, bios_vendor, bios_version, bios_date, firmware, build,"
        " version, profile, run_time, stored_at, file, doc) VALUES ($1, $2, $3, $4, $5, $6, $7,"
        " $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,"
        " $25, $26, $27) ON CONFLICT (run_id) DO NOTHING RETURNING id",
        (int)(sizeof p / sizeof p[0]), p, got_id, id, err, errlen);
}

/* The text values of one results row (numbers written into num[6]).  The canonical params
 * are the tail of the entry's key (suite/test/PARAMS, made once when the document was read). */
static void result_row(const struct bc_doc *d, json_t *res, int i, const char *run,
                       const char **v, char (*num)[32])
{
    const struct bc_entry *e = &d->e[i];
    json_t *o = json_array_get(res, (size_t)i);
    json_t *reps = json_object_get(o, "reps"), *noise = json_object_get(o, "spread_pct");
    const char *canon = e->key + strlen(e->suite) + 1 + strlen(e->test) + 1;
    snprintf(num[0], 32, "%d", i);
    snprintf(num[1], 32, "%.17g", e->median);
    snprintf(num[2], 32, "%.17g", e->min);
    snprintf(num[3], 32, "%.17g", e->max);
    snprintf(num[4], 32, "%lld", (long long)json_integer_value(reps));
    snprintf(num[5], 32, "%.17g", json_number_value(noise));
    const char *row[RESULT_COLS] = {run, num[0], e->suite, e->test, canon, canon, e->params_text,
                                    e->unit, e->better, num[1], num[2], num[3],
                                    json_is_integer(reps) ? num[4] : NULL,
                                    json_is_number(noise) ? num[5] : NULL};
    memcpy(v, row, sizeof row);
}

/* "INSERT INTO results ... VALUES ($1, ..., $14), ($15, ...)" for rows rows: the same text for
 * the same number of rows, so the engines' prepared statement is found again.  A new string. */
static char *results_sql(int rows)
{
    static const char head[] = "INSERT INTO results (run, idx, suite, test, params_key, params,"
                               " params_text, unit, better, median, min, max, reps, noise)"
                               " VALUES ";
    char *sql = malloc(sizeof head + (size_t)rows * RESULT_COLS * 9);
    if (!sql)
        return NULL;
    char *o = sql + sizeof head - 1;
    memcpy(sql, head, sizeof head);
    for (int n = 1; n <= rows * RESULT_COLS; n++) {
        int c = (n - 1) % RESULT_COLS;
        if (c == 0)
            o += n > 1 ? (memcpy(o, ", (", 3), 3) : (*o = '(', 1);
        char digits[12];
        int k = 0;
        for (int x = n; x; x /= 10)
            digits[k++] = (char)('0' + x % 10);
        *o++ = '$';
        while (k)
            *o++ = digits[--k];
        o += c + 1 < RESULT_COLS ? (memcpy(o, ", ", 2), 2) : (*o = ')', 1);
    }
    *o = '\0';
    return sql;
}

/* Insert results rows [from, to) as one statement. */
static int insert_results(struct fleet_db *db, const struct bc_doc *d, const char *run, int from,
                          int to, char *err, size_t errlen)
{
    int rows = to - from, rc = -1;
    json_t *res = json_object_get(d->root, "results");
    const char **v = calloc((size_t)rows * RESULT_COLS, sizeof *v);
    char (*num)[32] = calloc((size_t)rows * 6, 32);
    char *sql = results_sql(rows);
    if (!v || !num || !sql) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (int r = 0; r < rows; r++)
        result_row(d, res, from + r, run, v + (size_t)r * RESULT_COLS, num + (size_t)r * 6);
    rc = fleet_query(db, sql, rows * RESULT_COLS, v, NULL, NULL, err, errlen);
out:
    free(sql);
    free(num);
    free(v);
    return rc;
}

int fleet_store(struct fleet_db *db, const struct bc_doc *d, const char *text, size_t len,
                const char *file, char *err, size_t errlen)
{
    char run_key[40], id[24];
    int rc = FLEET_ERROR;
    char *doc = malloc(len + 1); /* the engines take parameters as C strings */
    if (!doc) {
        snprintf(err, errlen, "out of memory");
        return FLEET_ERROR;
    }
    memcpy(doc, text, len);
    doc[len] = '\0';
    fleet_run_key(d, text, len, run_key);
    if (fleet_begin(db, err, errlen))
        goto out;
    if ((rc = insert_run(db, d, doc, file, run_key, id, err, errlen)) != 0) {
        rc = rc == FLEET_REFUSED ? FLEET_REFUSED : FLEET_ERROR;
        goto fail;
    }
    if (!id[0]) { /* stored before (or by another collector meanwhile) */
        rc = FLEET_ALREADY;
        goto fail;
    }
    for (int i = 0; i < d->n; i += RESULT_BATCH)
        if ((rc = insert_results(db, d, id, i, i + RESULT_BATCH < d->n ? i + RESULT_BATCH : d->n,
                                 err, errlen)) != 0) {
            rc = rc == FLEET_REFUSED ? FLEET_REFUSED : FLEET_ERROR;
            goto fail;
        }
    rc = fleet_commit(db, err, errlen) ? FLEET_ERROR : FLEET_STORED;
    goto out;
fail:
    fleet_rollback(db);
out:
    free(doc);
    return rc;
}

int fleet_store_text(struct fleet_db *db, const char *text, size_t len, const char *file,
                     char *err, size_t errlen)
{
    struct bc_doc d;
    if (bc_doc_load_buffer(text, len, file ? file : "document", &d, err, errlen))
        return FLEET_REFUSED;
    int rc = fleet_store(db, &d, text, len, file, err, errlen);
    bc_doc_free(&d);
    return rc;
}

int fleet_has_run(struct fleet_db *db, const char *run_key, char *err, size_t errlen)
{
    char id[24] = "";
    const char *p[] = {run_key};
    if (fleet_query(db, "SELECT id FROM runs WHERE run_id = $1", 1, p, got_id, id, err, errlen))
        return -1;
    return id[0] != '\0';
}

char *fleet_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st)) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || (unsigned long long)st.st_size > BC_MAX_BYTES_DEFAULT) {
        snprintf(err, errlen, S_ISREG(st.st_mode) ? "larger than %u bytes" : "not a file",
                 BC_MAX_BYTES_DEFAULT);
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    *len = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    int bad = !buf || ferror(f) || *len != (size_t)st.st_size;
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "cannot read: %s", buf ? strerror(errno) : "out of memory");
        free(buf);
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}
