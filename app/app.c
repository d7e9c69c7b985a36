/* app.c - the run: options -> identity -> clock -> suites -> document -> console/serial/file.
 * Bad options stop here with a message naming the problem, and a document that says so. */
#include "app/app.h"
#include "kernel/machine/clock.h"
#include "kernel/run/degraded.h"
#include "kernel/run/fault.h"
#include "kernel/lib/fmt.h"
#include "kernel/machine/identity.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"
#include "kernel/run/run_id.h"
#include "kernel/upload/upload.h"
#include "kernel/upload/upload_auth.h"
#include "kernel/upload/upload_ca.h"
#include "kernel/machine/coreclock.h"
#include "kernel/machine/cpus_left.h"
#include "kernel/machine/power.h"
#include "kernel/machine/steal.h"
#include "kernel/machine/topology.h"
#include "kernel/upload/upload_retry.h"
#include "bench/disk.h"
#include "bench/disk_options.h"
#include "bench/runner.h"
#include "bench/suites.h"

#include <string.h>

#ifndef BB_VERSION
#define BB_VERSION "0.0.0-unknown"
#endif

int app_print_document = 1;

static struct identity g_id; /* large: kept out of the (small) UEFI stack */

static void print_line(const char *s)
{
    bb_printf("%s\n", s);
}

void app_init(void)
{
    static const char *names[OPT_SUITES_MAX + 1];
    static const struct opt_group *groups[OPT_SUITES_MAX + 1];
    int ng = 0;
    char err[160];
    for (int i = 0; bench_suites[i] && i < OPT_SUITES_MAX; i++) {
        names[i] = bench_suites[i]->name;
        if (bench_suites[i]->options)
            groups[ng++] = bench_suites[i]->options;
    }
    options_register_suites(names);
    if (options_register_groups(groups, err, sizeof err)) /* a build mistake: test_options fails */
        bb_printf("barebench: error: %s: the suites' own options are unknown\n", err);
}

const char *app_disks(const struct options *o)
{
    return disk_options(o)->disk;
}

void app_summary(struct summary *s, const struct identity *id, const struct clock_info *clk,
                 const struct results *rs)
{
    static summary_rows_fn *rows[OPT_SUITES_MAX + 1];
    int n = 0;
    for (int i = 0; bench_suites[i] && i < OPT_SUITES_MAX; i++)
        if (bench_suites[i]->summarize)
            rows[n++] = bench_suites[i]->summarize;
    rows[n] = NULL;
    summary_collect(s, id, clk, rs, rows);
}

static void doc_begin(struct json *j, const struct options *o, const char *cmdline)
{
    json_obj_begin(j);
    json_kv_str(j, "schema", "barebench/1");
    json_key(j, "tool");
    json_obj_begin(j);
    json_kv_str(j, "name", "barebench");
    json_kv_str(j, "version", BB_VERSION);
    json_kv_str(j, "build", plat_build());
    static char shown[2 * OPT_LINE_MAX + 1]; /* secrets never reach the document */
    options_redact(cmdline, shown, sizeof shown);
    json_kv_str(j, "command_line", shown);
    json_kv_str(j, "tag", o->tag);
    char su[64];
    options_suite_names(o->suites, su, sizeof su);
    json_kv_str(j, "suites", su);
    json_kv_str(j, "profile", options_profile_name(o->profile));
    json_kv_int(j, "reps", o->reps);
    run_id_start();
    json_kv_str(j, "run_id", run_id());
    json_obj_end(j);
    json_kv_int(j, "time", plat_unix_time());
}

/* The document between its marker lines, to the host's document consoles (UEFI: the serial
 * ones, the screen too only with screen=full); `where` gets their names. */
static void emit(struct json *j, int on_screen, char *where, size_t wl)
{
    char mark[64];
    int n = bb_snprintf(mark, sizeof mark, "\n%s\n", APP_BEGIN_MARK);
    plat_write_document(mark, (size_t)n, on_screen, where, wl);
    /* write in pieces: some consoles dislike very long single writes */
    for (size_t off = 0; off < j->len; off += 512) {
        size_t k = j->len - off < 512 ? j->len - off : 512;
        plat_write_document(j->buf + off, k, on_screen, where, wl);
    }
    n = bb_snprintf(mark, sizeof mark, "\n%s\n", APP_END_MARK);
    plat_write_document(mark, (size_t)n, on_screen, where, wl);
}

static void finish_doc(struct json *j, struct app_outcome *out)
{
    json_obj_end(j);
    if (app_print_document) /* the Linux build: only with --json - */
        emit(j, out->screen == SCREEN_FULL, out->document, sizeof out->document);
    out->json = j->buf;
    out->json_len = j->len;
}

static void print_identity(const struct identity *id)
{
    const struct cpu_info *c = &id->cpu;
    bb_printf("cpu:        %s (%s family %u model %u stepping %u), isa %s\n", c->brand, c->vendor,
              c->family, c->model, c->stepping, cpu_best_isa(c));
    bb_printf("processors: %d logical; memory %llu MiB in the map\n", id->ncpus,
              (unsigned long long)(id->mem_total >> 20));
    bb_printf("hypervisor: %s%s%s%s\n", c->hv_name, c->hv_signature[0] ? " (\"" : "",
              c->hv_signature, c->hv_signature[0] ? "\")" : "");
    if (id->smbios.present)
        bb_printf("system:     %s %s; firmware %s %s\n", id->smbios.sys_manufacturer,
                  id->smbios.sys_product, id->smbios.bios_vendor, id->smbios.bios_version);
    bb_printf("timer:      " ARCH_COUNTER_LABEL " %.6f GHz, calibrated by %s (%d x %.0f ms, spread %.1f ppm), "
              "invariant %s, max cross-check disagreement %.0f ppm\n",
              g_clock.hz / 1e9, g_clock.calibrated_by, g_clock.rounds, g_clock.interval_ms,
              g_clock.spread_ppm, g_clock.invariant ? "yes" : "no", g_clock.max_disagreement_ppm);
}

/* Topology and the cpus= selection, frequency policy (and pstate=), core clock, stolen time:
 * what makes two documents comparable.  Returns -1 with err for a bad cpus= value. */
static int environment_begin(const struct options *o, char *err, size_t errlen)
{
    if (topology_collect() != 0) {
        bb_snprintf(err, errlen, "out of memory for the topology of %d processors", plat_cpu_count());
        return -1;
    }
    if (topo_select(&g_topo, o->cpus, err, errlen))
        return -1;
    cpus_after_loss(g_topo.nsel, NULL, 0); /* processors left out already are not selected */
    plat_cpu_select(g_topo.sel, g_topo.nsel);
    bb_printf("topology:   %d package(s), %d core(s), %d thread(s) per core (%s); cpus=%s: %d "
              "processor(s), %d per core\n", g_topo.packages, g_topo.cores, g_topo.threads_per_core,
              g_topo.source, g_topo.spec, g_topo.nsel, g_topo.sel_smt);
    if (!(g_clock.hz > 0))
        return 0;
    power_collect(&g_id.cpu);
    coreclock_start(&g_id.cpu, g_topo.nsel);
    power_apply(o->pstate == PSTATE_MAX);
    if (o->pstate == PSTATE_MAX)
        g_coreclock.pstate_after_hz = coreclock_mark(CORECLOCK_PSTATE_MARK);
    steal_init(&g_id.cpu, g_topo.nsel);
    bb_printf("core clock: %.3f GHz (dependent add chain; " ARCH_COUNTER_LABEL " %.3f GHz)\n", g_coreclock.core_hz / 1e9,
              g_clock.hz / 1e9);
    return 0;
}

/* An https:// upload checked before measuring: this host can make one (else the run stops with
 * what to do instead), the CA file reads and holds certificates (the UEFI image needs one; the
 * Linux build falls back to the system's CAs).  0, or -1 with err. */
static int upload_https_check(const struct options *o, uint8_t *ca, size_t cap, size_t *ca_len,
                              char *err, size_t errlen)
{
    struct upload_url u;
    char why[160];
    int ncerts = 0;
    if (upload_parse_url(o->upload, &u, why, sizeof why) || !u.tls) {
        if (o->upload_ca_file[0])
            bb_printf("upload: upload_ca_file= is used only with an https:// upload\n");
        return 0;
    }
    int tls = plat_upload_tls(why, sizeof why);
    if (tls == 0) {
        bb_snprintf(err, errlen, "upload=https://: %s: use http:// with upload_key=, or put a TLS "
                    "proxy in front of the collector", why);
        return -1;
    }
    if (tls < 0)
        bb_printf("upload: %s\n", why);
    if (!o->upload_ca_file[0] && !strcmp(plat_build(), "uefi")) {
        bb_snprintf(err, errlen, "upload=https:// needs upload_ca_file=PATH: the CA that signed the "
                    "collector's certificate (PEM or DER on the boot volume)");
        return -1;
    }
    if (upload_ca_load(o, ca, cap, ca_len, &ncerts, err, errlen))
        return -1;
    if (ncerts)
        bb_printf("upload: https, trusting %d CA certificate%s from %s\n", ncerts,
                  ncerts == 1 ? "" : "s", o->upload_ca_file);
    else
        bb_printf("upload: https, trusting the system's CA certificates\n");
    return 0;
}

/* The upload as retries see it: one attempt = plat_upload_results. */
struct upload_job {
    const char *url;
    struct upload_auth auth;
    const char *json;
    size_t n;
};

static int upload_job_attempt(void *ctx, char *why, size_t whylen)
{
    const struct upload_job *u = ctx;
    return plat_upload_results(u->url, &u->auth, u->json, u->n, why, whylen);
}

static uint64_t env_now_ms(void)
{
    return g_clock.hz > 0 ? (uint64_t)(clock_seconds(clock_ticks()) * 1000.0) : 0;
}

static void env_sleep_ms(uint64_t ms)
{
    for (uint64_t k = 0; k < ms; k += 100) /* firmware Stall / nanosleep in short slices */
        plat_stall_us(100000);
}

static const struct upload_env g_upload_env = {env_now_ms, env_sleep_ms, run_random, print_line};

void app_refuse(const char *source, const char *err, const char *cmdline, const struct options *o,
                struct app_outcome *out)
{
    static struct results rs;
    struct json j;

    memset(out, 0, sizeof *out);
    results_init(&rs);
    json_init(&j, 1);
    bb_printf("barebench: error in %s: %s\n", source, err);
    bb_printf("barebench: nothing was run; use 'help' to list the options\n");
    out->status = 2;
    out->then = o->then_set ? o->then : THEN_SHUTDOWN;
    out->screen = o->screen;
    out->nerrors = 1;
    bb_snprintf(out->message, sizeof out->message, "%s: %s", source, err);
    results_error(&rs, "options", "", "%s: %s", source, err);
    doc_begin(&j, o, cmdline);
    results_write_json(&rs, &j);
    finish_doc(&j, out);
    results_free(&rs);
}

void app_run(const char *cmdline, const struct options *base, const char *source,
             struct app_outcome *out)
{
    static struct options o;
    static struct results rs;
    char err[256];
    struct json j;

    memset(out, 0, sizeof *out);
    o = *base;
    results_init(&rs);
    json_init(&j, 1);
    bb_printf("barebench %s (%s build)\n", BB_VERSION, plat_build());
    const char *rid_src = run_id_start();
    bb_printf("run id:     %s (%s)\n", run_id(), rid_src);

    if (options_parse(cmdline, &o, err, sizeof err)) {
        app_refuse(source, err, cmdline, &o, out);
        return;
    }
    if (o.faults && strcmp(plat_build(), "uefi")) { /* the seams live in boot/ and drivers/ */
        bb_snprintf(err, sizeof err, "fault=: fault injection exists only in the UEFI image (the "
                    "%s build has no seams; a document claiming faults would be false)", plat_build());
        o.faults = 0;
        app_refuse(source, err, cmdline, &o, out);
        return;
    }
    out->then = o.then;
    out->screen = o.screen;
    g_faults = o.faults;
    if (g_faults) {
        char fl[128];
        fault_list(g_faults, fl, sizeof fl);
        bb_printf("FAULT INJECTION (test only, recorded in env.faults): %s\n", fl);
    }
    if (o.help) {
        options_help(print_line);
        return;
    }

    static uint8_t key[UPLOAD_KEY_MAX];
    size_t keylen = 0;
    if (o.upload[0] && upload_key_load(&o, key, &keylen, err, sizeof err)) {
        app_refuse(source, err, cmdline, &o, out);
        return;
    }
    static uint8_t ca_list[UPLOAD_CA_LIST_MAX];
    size_t ca_len = 0;
    if (o.upload[0] && upload_https_check(&o, ca_list, sizeof ca_list, &ca_len, err, sizeof err)) {
        app_refuse(source, err, cmdline, &o, out);
        return;
    }
    if (o.upload[0] && keylen)
        bb_printf("upload: signed with the fleet key (HMAC-SHA256 over the run id and the document)\n");
    else if (o.upload[0] && o.upload_token[0])
        bb_printf("upload: upload_token= is the legacy mode: the token crosses the network in clear "
                  "text (upload_key= signs instead)\n");
    if (o.upload[0]) {
        struct upload_url uu;
        char uwhy[160];
        if (upload_parse_url(o.upload, &uu, uwhy, sizeof uwhy))
            bb_printf("upload: %s: the results will not be uploaded\n", uwhy);
        else if (!uu.has_ip) {
            int names = plat_upload_resolves_names();
            if (names == 0)
                bb_printf("upload: this firmware cannot resolve names (%s); use an IPv4 address "
                          "in upload=: the results will not be uploaded\n", uu.host);
            else if (names < 0)
                bb_printf("upload: %s will be looked up through the firmware's DNS after the run "
                          "(its network stack is not started yet, so it cannot be checked now)\n",
                          uu.host);
        }
    }
    identity_collect(&g_id);
    if (clock_calibrate(&g_id.cpu))
        results_error(&rs, "timer", "calibration", "no usable clock source to calibrate the " ARCH_COUNTER_LABEL);
    print_identity(&g_id);
    if (environment_begin(&o, err, sizeof err)) {
        app_refuse(source, err, cmdline, &o, out);
        return;
    }

    struct bench_ctx ctx;
    bench_ctx_init(&ctx, &o, &rs, &g_id);
    for (int i = 0; bench_suites[i] && i < OPT_SUITES_MAX; i++) {
        const struct suite *s = bench_suites[i];
        if (!(o.suites & (1u << i)))
            continue;
        if (!(g_clock.hz > 0)) {
            results_skip(&rs, s->name, "", "no calibrated clock");
            continue;
        }
        coreclock_mark(s->name);
        bb_printf("suite %s: %s\n", s->name, s->desc);
        uint64_t t0 = clock_ticks();
        s->run(&ctx);
        bb_printf("suite %s: done in %.1f s\n", s->name, clock_seconds(clock_ticks() - t0));
    }

    power_restore(); /* before anything else: the firmware's frequency policy back */
    coreclock_finish();
    steal_fini();
    doc_begin(&j, &o, cmdline);
    json_key(&j, "env");
    json_obj_begin(&j);
    if (o.upload[0]) /* the card the upload leaves through: who the machine is, for the fleet */
        plat_upload_mac(o.upload, g_id.mac);
    identity_write_json(&g_id, &j);
    clock_write_json(&j);
    topology_write_json(&g_topo, &j);
    coreclock_write_json(&j);
    power_write_json(&j);
    steal_write_json(&j);
    disk_env_json(&j);
    degraded_write_json(&j);
    fault_write_json(&j);
    json_obj_end(&j);
    results_write_json(&rs, &j);
    out->status = rs.nerrors ? 1 : 0;
    out->nresults = rs.n;
    out->nskipped = rs.nskipped;
    out->nerrors = rs.nerrors;
    if (rs.nerrors)
        bb_snprintf(out->message, sizeof out->message, "%s/%s: %s", rs.errors[0].suite,
                    rs.errors[0].test, rs.errors[0].why);
    results_print_summary(&rs);
    finish_doc(&j, out);

    if (o.save && !j.failed) {
        char name[96], where[160];
        int64_t t = plat_unix_time();
        bb_snprintf(name, sizeof name, "%s-%s-%lld.json", o.tag[0] ? o.tag : g_id.cpu.hv_name,
                    plat_build(), (long long)t);
        int saved = plat_save_results(j.buf, j.len, name, where, sizeof where) == 0;
        bb_printf("results %s%s\n", saved ? "saved to " : "not saved to a file: ", where);
        bb_snprintf(out->saved, sizeof out->saved, "%s%s", saved ? "" : "not saved: ", where);
    }
    if (o.upload[0] && !j.failed) { /* after the document is on the console and saved */
        char why[240];
        uint64_t t0 = clock_ticks();
        upload_set_net(o.net);
        struct upload_job job = {o.upload,
                                 {o.upload_token, key, keylen, run_id(), o.upload_ca_file, ca_list, ca_len},
                                 j.buf, j.len};
        int attempts = 0;
        int st = upload_with_retries(o.upload_retries, upload_job_attempt, &job, &g_upload_env,
                                     why, sizeof why, &attempts);
        double secs = g_clock.hz > 0 ? clock_seconds(clock_ticks() - t0) : 0.0;
        char took[48];
        if (attempts > 1)
            bb_snprintf(took, sizeof took, "%d attempts, %.1f s", attempts, secs);
        else
            bb_snprintf(took, sizeof took, "%.1f s", secs);
        bb_printf("results %s %s: %s (%s)\n", st >= 200 && st < 300 ? "uploaded to" : "not uploaded to",
                  o.upload, why, took);
        bb_snprintf(out->uploaded, sizeof out->uploaded, "%s %s: %s (%s)",
                    st >= 200 && st < 300 ? "sent to" : "NOT sent to", o.upload, why, took);
    }
    app_summary(&out->summary, &g_id, &g_clock, &rs);
    if (j.failed)
        bb_printf("barebench: error: the results document is incomplete (out of memory)\n");
    results_free(&rs);
}
