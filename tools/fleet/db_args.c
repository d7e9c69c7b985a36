/* db_args.c - parses the options shared by barebench-db's questions (see db_args.h). */
#include "tools/fleet/db_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char fleet_args_usage[] =
    "  --db DB          sqlite:PATH or postgresql://... (the collector's --db; or $BAREBENCH_DB)\n"
    "  --by G           group machines by tag (default), hypervisor, system (model), cpu or firmware\n"
    "  --since T --until T  runs in this time range (seconds since 1970 or YYYY-MM-DD[THH:MM[:SS]], UTC)\n"
    "  --tag T          only runs with this tag (repeat for several)\n"
    "  --suite S --test T   only this suite / test (T may be SUITE/TEST)\n"
    "  --all-runs       every run, not only the latest of each machine\n"
    "  --format F       text (aligned, default), csv or json\n";

static const char *const by_names[] = {"tag", "hypervisor", "system", "cpu", "firmware"};

int fleet_by_parse(const char *s)
{
    for (int i = 0; i < (int)(sizeof by_names / sizeof *by_names); i++)
        if (!strcmp(s, by_names[i]))
            return i;
    return -1;
}

const char *fleet_by_name(enum fleet_by by)
{
    return by_names[by];
}

int fleet_time_parse(const char *s, long long *t)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s && !*end && !errno && v >= 0) {
        *t = v;
        return 0;
    }
    static const char *const forms[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"};
    for (int i = 0; i < 3; i++) {
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        const char *e = strptime(s, forms[i], &tm);
        if (e && (!*e || !strcmp(e, "Z"))) {
            *t = (long long)timegm(&tm);
            return 0;
        }
    }
    return -1;
}

static int number(const char *opt, const char *s, double lo, double hi, double *v, char *err, size_t n)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (!*s || *end || errno || !(x >= lo && x <= hi)) {
        snprintf(err, n, "%s '%s': want a number from %g to %g", opt, s, lo, hi);
        return -1;
    }
    *v = x;
    return 0;
}

int fleet_args_parse(int argc, char **argv, int which, struct fleet_args *a, char *err, size_t n)
{
    memset(a, 0, sizeof *a);
    a->threshold = 3.5;
    a->min_pct = 5;
    a->min_n = 5;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        int flag = !strcmp(o, "--all-runs");
        if (flag) {
            a->all_runs = 1;
            continue;
        }
        if (strncmp(o, "--", 2) || i + 1 >= argc) {
            snprintf(err, n, "%s '%s'", strncmp(o, "--", 2) ? "unexpected argument" : "missing value after", o);
            return -1;
        }
        const char *v = argv[++i];
        double x;
        if (!strcmp(o, "--by")) {
            int by = fleet_by_parse(v);
            if (by < 0) {
                snprintf(err, n, "--by '%s': want tag, hypervisor, system, cpu or firmware", v);
                return -1;
            }
            a->by = (enum fleet_by)by;
        } else if (!strcmp(o, "--since") || !strcmp(o, "--until")) {
            long long t;
            if (fleet_time_parse(v, &t) < 0) {
                snprintf(err, n, "%s '%s': want seconds since 1970 or YYYY-MM-DD[THH:MM[:SS]]", o, v);
                return -1;
            }
            *(o[2] == 's' ? &a->since : &a->until) = t;
        } else if (!strcmp(o, "--tag")) {
            if (a->ntags == FLEET_MAX_TAGS) {
                snprintf(err, n, "--tag: at most %d", FLEET_MAX_TAGS);
                return -1;
            }
            a->tags[a->ntags++] = v;
        } else if (!strcmp(o, "--suite")) {
            a->suite = v;
        } else if (!strcmp(o, "--test")) {
            a->test = v;
        } else if (!strcmp(o, "--format")) {
            int f = fleet_format_parse(v);
            if (f < 0) {
                snprintf(err, n, "--format '%s': want text, csv or json", v);
                return -1;
            }
            a->format = (enum fleet_format)f;
        } else if ((which & FLEET_OPT_OUTLIERS) && !strcmp(o, "--threshold")) {
            if (number(o, v, 0.1, 1e6, &a->threshold, err, n) < 0)
                return -1;
        } else if ((which & FLEET_OPT_OUTLIERS) && !strcmp(o, "--min-pct")) {
            if (number(o, v, 0, 1e6, &a->min_pct, err, n) < 0)
                return -1;
        } else if ((which & FLEET_OPT_OUTLIERS) && !strcmp(o, "--min-n")) {
            if (number(o, v, 3, 1e9, &x, err, n) < 0)
                return -1;
            a->min_n = (int)x;
        } else if ((which & FLEET_OPT_COMPARE) && !strcmp(o, "--baseline")) {
            a->baseline = v;
        } else if ((which & FLEET_OPT_COMPARE) && !strcmp(o, "--match")) {
            if (strcmp(v, "role") && strcmp(v, "exact")) {
                snprintf(err, n, "--match '%s': want role or exact", v);
                return -1;
            }
            a->match_exact = !strcmp(v, "exact");
        } else if ((which & FLEET_OPT_COMPARE) && !strcmp(o, "--only")) {
            if (strcmp(v, "summary") && strcmp(v, "table")) {
                snprintf(err, n, "--only '%s': want summary or table", v);
                return -1;
            }
            a->only = !strcmp(v, "summary") ? 1 : 2; /* bc_part's BC_PART_SUMMARY, _TABLE */
        } else if ((which & FLEET_OPT_COMPARE) && !strcmp(o, "--report")) {
            a->report = v;
        } else {
            snprintf(err, n, "unknown option '%s' (try --help)", o);
            return -1;
        }
    }
    if (a->since && a->until && a->since > a->until) {
        snprintf(err, n, "--since is after --until");
        return -1;
    }
    return 0;
}

int fleet_args_cli(int argc, char **argv, int which, const char *what, const char *usage,
                   struct fleet_args *a)
{
    char err[512];
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: barebench-db %s\n%s", usage, fleet_args_usage);
            return 0;
        }
    if (fleet_args_parse(argc, argv, which, a, err, sizeof err) < 0) {
        fprintf(stderr, "barebench-db %s: %s\n", what, err);
        return 2;
    }
    return -1;
}
