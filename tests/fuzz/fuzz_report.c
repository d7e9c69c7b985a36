/* fuzz_report.c - libFuzzer target for what benchcmp writes from hostile strings.  The input,
 * cut at NUL bytes, fills every string of a document (tag, build, CPU brand, hypervisor, system,
 * an error, suites, tests, units, param keys and values) whose entries are shaped for every chart
 * kind; the document goes through the real loader, is compared with itself, printed as text,
 * Markdown, CSV and the report's HTML and plotted (scripts and data only), and
 * tests/unit/output_check.c judges all of it: a backquote, @, double quote, system( or unclosed quote in a gnuplot script, a raw
 * control byte on the terminal or a formula cell in the CSV aborts with what it found. */
#include "tools/benchcmp/benchcmp.h"
#include "tests/unit/output_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char plotdir[] = "/tmp/fuzz_report_XXXXXX";

static void remove_dir(void)
{
    oc_empty_dir(plotdir);
    rmdir(plotdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (!mkdtemp(plotdir))
        abort();
    atexit(remove_dir);
    return 0;
}

/* The input as a sequence of strings (cut at NUL); "x" once it is used up. */
struct cursor {
    const uint8_t *p, *end;
};

/* The next string as a JSON string: as is when valid UTF-8, else each byte as the code point
 * of the same number (so 0x80..0x9f become C1 controls: they reach the writers too). */
static json_t *next(struct cursor *c)
{
    if (c->p >= c->end)
        return json_string("x");
    const uint8_t *z = memchr(c->p, 0, (size_t)(c->end - c->p));
    size_t n = z ? (size_t)(z - c->p) : (size_t)(c->end - c->p);
    json_t *s = json_stringn((const char *)c->p, n);
    if (!s) {
        char *u = malloc(2 * n + 1);
        size_t k = 0;
        for (size_t i = 0; u && i < n; i++) {
            if (c->p[i] < 0x80) {
                u[k++] = (char)c->p[i];
            } else {
                u[k++] = (char)(0xc0 | c->p[i] >> 6);
                u[k++] = (char)(0x80 | (c->p[i] & 0x3f));
            }
        }
        s = u ? json_stringn(u, k) : json_string("x");
        free(u);
    }
    c->p += n + (z != NULL);
    return s;
}

static const char *str(json_t *s)
{
    return json_string_value(s);
}

/* One result entry: suite and test, the unit, params {extra...}, fixed figures. */
static json_t *entry(const char *suite, json_t *test, json_t *unit, json_t *params)
{
    return json_pack("{s:s, s:o, s:o, s:s, s:o, s:f, s:f, s:f, s:[f,f,f,f]}", "suite", suite, "test",
                     test, "unit", unit, "better", "higher", "params", params, "min", 1.0, "median",
                     2.0, "max", 3.0, "samples", 1.0, 2.0, 2.0, 3.0);
}

static json_t *build(struct cursor *c)
{
    json_t *res = json_array();
    /* alu and vmcost bars, a param named and valued by the input */
    const char *bars[] = {"alu", "vmcost"};
    for (int i = 0; i < 2; i++) {
        json_t *p = json_object();
        json_t *k = next(c);
        json_object_set_new(p, str(k), next(c));
        json_decref(k);
        json_array_append_new(res, entry(bars[i], next(c), next(c), p));
    }
    /* a disk sweep: same test, unit and variant at two block sizes */
    json_t *dt = next(c), *du = next(c), *dk = next(c), *dv = next(c);
    for (int bs = 4096; bs <= 65536; bs *= 16) {
        json_t *p = json_pack("{s:i}", "block_size", bs);
        if (strcmp(str(dk), "block_size"))
            json_object_set(p, str(dk), dv);
        json_array_append_new(res, entry("disk", json_copy(dt), json_copy(du), p));
    }
    json_decref(dk), json_decref(dv), json_decref(dt), json_decref(du);
    /* a mem test at two levels (one chart per test), and one at a single level */
    json_t *mt = next(c), *mu = next(c), *ml = next(c), *mi = next(c);
    for (int lv = 0; lv < 2; lv++) {
        json_t *p = json_pack("{s:s+, s:i, s:O}", "level", str(ml), lv ? "-b" : "-a", "bytes",
                              lv ? 262144 : 16384, "isa", mi);
        json_array_append_new(res, entry("mem", json_copy(mt), json_copy(mu), p));
    }
    json_decref(mt), json_decref(mu), json_decref(ml), json_decref(mi);
    json_array_append_new(res, entry("mem", next(c), next(c),
                                     json_pack("{s:o, s:o, s:i}", "level", next(c), "isa", next(c), "bytes", 1 << 30)));
    /* any suite */
    json_t *s = next(c);
    json_array_append_new(res, entry(str(s), next(c), next(c), json_object()));
    json_decref(s);
    json_t *doc = json_pack("{s:s, s:{s:o, s:o}, s:{s:{s:o, s:s}, s:{s:o}, s:{s:o, s:o}}, s:[{s:o}], s:o}",
                            "schema", BC_SCHEMA, "tool", "tag", next(c), "build", next(c), "env", "cpu",
                            "brand", next(c), "vendor", "GenuineIntel", "hypervisor", "name", next(c),
                            "system", "manufacturer", next(c), "product", next(c), "errors", "what",
                            next(c), "results", res);
    return doc;
}

static void judge(const char *what, int (*check)(const char *, size_t, char *, size_t),
                  const char *text, size_t n)
{
    char why[512];
    if (check(text, n, why, sizeof why)) {
        fprintf(stderr, "fuzz_report: %s: %s\n", what, why);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c = {data, data + size};
    json_t *doc = build(&c);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text)
        return 0;
    struct bc_doc docs[2];
    char err[512];
    for (int i = 0; i < 2; i++)
        if (bc_doc_load_buffer(text, strlen(text), i ? "fuzz-b.json" : "fuzz-a.json", &docs[i], err,
                               sizeof err)) {
            fprintf(stderr, "fuzz_report: the document built was refused: %s\n", err);
            abort();
        }
    free(text);
    bc_doc_labels(docs, 2);
    struct bc_table t;
    if (bc_compare(docs, 2, &t) == 0) {
        static const enum bc_format fmts[] = {BC_TEXT, BC_MARKDOWN, BC_CSV, BC_HTML};
        static const char *const names[] = {"text", "markdown", "csv", "html"};
        static int (*const checks[])(const char *, size_t, char *, size_t) = {oc_terminal, oc_markdown,
                                                                             oc_csv, oc_html};
        for (int k = 0; k < 4; k++) {
            char *out = NULL, *notes = NULL;
            size_t nout = 0, nnotes = 0;
            FILE *f = open_memstream(&out, &nout), *g = open_memstream(&notes, &nnotes);
            if (!f || !g)
                abort();
            bc_print(f, g, &t, fmts[k]);
            fclose(f);
            fclose(g);
            judge(names[k], checks[k], out, nout);
            judge("notes", oc_terminal, notes, nnotes);
            free(out);
            free(notes);
        }
        oc_empty_dir(plotdir);
        if (bc_plot(&t, plotdir, NULL, NULL, err, sizeof err) < 0) {
            fprintf(stderr, "fuzz_report: plot: %s\n", err);
            abort();
        }
        char why[512];
        if (oc_plot_dir(plotdir, why, sizeof why)) {
            fprintf(stderr, "fuzz_report: plot: %s\n", why);
            abort();
        }
        bc_table_free(&t);
    }
    bc_doc_free(&docs[0]);
    bc_doc_free(&docs[1]);
    return 0;
}
