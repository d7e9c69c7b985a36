/* topology.c - processor topology from the platform (MP services / sysfs) or, failing that, from
 * the CPU itself (topo_from_cpu, the architecture's: kernel/x86/topology_cpuid.c), its counts,
 * and the cpus= selection used by every parallel test on both builds. */
#include "kernel/machine/topology.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"

#include <string.h>

struct topology g_topo;

void topo_split_apic(uint32_t apic, int smt, int die, int pkg, struct topo_cpu *out)
{
    out->apic_id = apic;
    out->thread = (int)(apic & ((1u << smt) - 1));
    out->core = (int)((apic >> smt) & ((1u << (die - smt)) - 1));
    out->die = (int)((apic >> die) & ((1u << (pkg - die)) - 1));
    out->package = (int)(apic >> pkg);
}

static int same_core(const struct topo_cpu *a, const struct topo_cpu *b)
{
    return a->package == b->package && a->die == b->die && a->core == b->core;
}

void topo_count(struct topology *t)
{
    t->packages = t->cores = t->threads_per_core = 0;
    for (int i = 0; i < t->n; i++) {
        struct topo_cpu *c = &t->cpu[i];
        int first_pkg = 1, first_core = 1, siblings = 0;
        c->rank = 0;
        for (int k = 0; k < t->n; k++) {
            const struct topo_cpu *o = &t->cpu[k];
            if (k < i && o->package == c->package)
                first_pkg = 0;
            if (k < i && same_core(o, c))
                first_core = 0;
            if (same_core(o, c)) {
                siblings++;
                if (o->thread < c->thread || (o->thread == c->thread && k < i))
                    c->rank++;
            }
        }
        t->packages += first_pkg;
        t->cores += first_core;
        if (siblings > t->threads_per_core)
            t->threads_per_core = siblings;
    }
}

/* Run order "spread over cores before siblings": processor 0 first, then by thread rank,
 * package, die, core, so both builds pick the same processors for the same topology. */
static int before(const struct topo_cpu *a, int ia, const struct topo_cpu *b, int ib)
{
    if (ia == 0 || ib == 0)
        return ia == 0;
    if (a->rank != b->rank)
        return a->rank < b->rank;
    if (a->package != b->package)
        return a->package < b->package;
    if (a->die != b->die)
        return a->die < b->die;
    if (a->core != b->core)
        return a->core < b->core;
    return ia < ib;
}

/* Parse one unsigned number at *p; -1 if none. */
static long number(const char **p)
{
    long v = -1;
    while (**p >= '0' && **p <= '9') {
        v = (v < 0 ? 0 : v * 10) + (**p - '0');
        if (v > 1000000)
            return -1;
        (*p)++;
    }
    return v;
}

static int parse_list(struct topology *t, const char *spec, char *err, size_t errlen)
{
    const char *p = spec;
    t->nsel = 0;
    while (*p) {
        long a = number(&p), b = a;
        if (a >= 0 && *p == '-') {
            p++;
            b = number(&p);
        }
        if (a < 0 || b < a || (*p && *p != ',')) {
            bb_snprintf(err, errlen, "cpus=%s: expected all, cores, a count or a list such as 0,2,4-7",
                        spec);
            return -1;
        }
        if (*p == ',')
            p++;
        for (long v = a; v <= b; v++) {
            if (v >= t->n) {
                bb_snprintf(err, errlen, "cpus=%s: processor %ld does not exist (there are %d)", spec,
                            v, t->n);
                return -1;
            }
            for (int k = 0; k < t->nsel; k++)
                if (t->sel[k] == v) {
                    bb_snprintf(err, errlen, "cpus=%s: processor %ld named twice", spec, v);
                    return -1;
                }
            t->sel[t->nsel++] = (int)v;
        }
    }
    int has0 = 0;
    for (int k = 0; k < t->nsel; k++)
        has0 |= t->sel[k] == 0;
    if (!has0) {
        bb_snprintf(err, errlen, "cpus=%s: the list must include processor 0 (it runs the suites)",
                    spec);
        return -1;
    }
    return 0;
}

int topo_select(struct topology *t, const char *spec, char *err, size_t errlen)
{
    if (!spec || !*spec)
        spec = "all";
    bb_snprintf(t->spec, sizeof t->spec, "%s", spec);
    /* the whole machine in run order */
    for (int i = 0; i < t->n; i++) {
        int k = t->nsel = i;
        while (k > 0 && before(&t->cpu[i], i, &t->cpu[t->sel[k - 1]], t->sel[k - 1])) {
            t->sel[k] = t->sel[k - 1];
            k--;
        }
        t->sel[k] = i;
    }
    t->nsel = t->n;
    if (!strcmp(spec, "all")) {
        /* keep */
    } else if (!strcmp(spec, "cores")) {
        int m = 0;
        for (int k = 0; k < t->n; k++)
            if (t->sel[k] == 0 || t->cpu[t->sel[k]].rank == 0)
                t->sel[m++] = t->sel[k];
        t->nsel = m;
    } else if (strchr(spec, ',') || strchr(spec, '-')) {
        if (parse_list(t, spec, err, errlen))
            return -1;
    } else {
        const char *p = spec;
        long n = number(&p);
        if (n == 0 && !*p)
            n = t->nsel; /* cpus=0: all, as before */
        if (n < 1 || *p) {
            bb_snprintf(err, errlen, "cpus=%s: expected all, cores, a count >= 1 or a list such as 0,2,4-7",
                        spec);
            return -1;
        }
        if (n < t->nsel)
            t->nsel = (int)n;
    }
    t->sel_smt = topo_smt_first(t, t->nsel);
    return 0;
}

int topo_smt_first(const struct topology *t, int n)
{
    int most = 1;
    if (!t->sel || n > t->nsel)
        return most;
    for (int a = 0; a < n; a++) {
        int same = 0;
        for (int b = 0; b < n; b++)
            same += same_core(&t->cpu[t->sel[a]], &t->cpu[t->sel[b]]);
        if (same > most)
            most = same;
    }
    return most;
}

int topology_collect(void)
{
    struct topology *t = &g_topo;
    plat_free(t->cpu);
    plat_free(t->sel);
    memset(t, 0, sizeof *t);
    t->n = plat_cpu_total(); /* processors left out before this still have their numbers */
    if (t->n < 1)
        t->n = 1;
    t->cpu = plat_alloc((size_t)t->n * sizeof *t->cpu);
    t->sel = plat_alloc((size_t)t->n * sizeof *t->sel);
    if (!t->cpu || !t->sel) {
        plat_free(t->cpu);
        plat_free(t->sel);
        t->cpu = NULL;
        t->sel = NULL;
        t->n = 0;
        return -1;
    }
    if (plat_topology(t->cpu, t->n, &t->source) != 0)
        topo_from_cpu(t);
    topo_count(t);
    char err[8];
    topo_select(t, "all", err, sizeof err);
    return 0;
}

void topology_write_json(const struct topology *t, struct json *j)
{
    json_key(j, "topology");
    json_obj_begin(j);
    json_kv_str(j, "source", t->source ? t->source : "unknown");
    json_kv_int(j, "processors", t->n);
    json_kv_int(j, "packages", t->packages);
    json_kv_int(j, "cores", t->cores);
    json_kv_int(j, "threads_per_core", t->threads_per_core);
    json_kv_str(j, "cpus", t->spec);
    json_key(j, "selected");
    json_arr_begin(j);
    for (int i = 0; i < t->nsel; i++)
        json_int(j, t->sel[i]);
    json_arr_end(j);
    json_kv_int(j, "selected_threads_per_core", t->sel_smt);
    json_key(j, "processor");
    json_arr_begin(j);
    for (int i = 0; i < t->n; i++) {
        const struct topo_cpu *c = &t->cpu[i];
        json_obj_begin(j);
        json_kv_int(j, "apic_id", c->apic_id);
        json_kv_int(j, "package", c->package);
        json_kv_int(j, "die", c->die);
        json_kv_int(j, "core", c->core);
        json_kv_int(j, "thread", c->rank); /* position among its core's threads */
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}
