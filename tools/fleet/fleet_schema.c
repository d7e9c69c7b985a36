/* fleet_schema.c - the fleet store's one schema for both engines: tables runs and results, the
 * views for dashboards (latest_runs, fleet_results, latest_results), written once with the
 * engine's types put in for @ID@, @INT@, @REAL@ and @JSON@.  A later schema version is a new
 * step appended here; a step is never edited once released (fleet_migrate applies the missing
 * ones in order).  docs/FLEET.md describes every column. */
#include "tools/fleet/fleet_engine.h"

#include <stdlib.h>
#include <string.h>

static const char step1[] =
    /* one row per stored run (document) */
    "CREATE TABLE runs ("
    " id @ID@,"
    " run_id TEXT NOT NULL UNIQUE,"          /* tool.run_id, or doc-SHA256 prefix */
    " machine TEXT NOT NULL,"                /* fleet_machine_key: groups one machine's runs */
    " tag TEXT NOT NULL DEFAULT '',"         /* tool.tag */
    " hostname TEXT NOT NULL DEFAULT '',"    /* env.hostname (Linux build) */
    " sys_manufacturer TEXT NOT NULL DEFAULT ''," /* env.system.manufacturer (SMBIOS type 1) */
    " sys_product TEXT NOT NULL DEFAULT '',"
    " sys_serial TEXT NOT NULL DEFAULT '',"  /* env.system.serial */
    " sys_uuid TEXT NOT NULL DEFAULT '',"    /* env.system.uuid */
    " asset_tag TEXT NOT NULL DEFAULT '',"   /* env.system.asset_tag (type 3) */
    " mac TEXT NOT NULL DEFAULT '',"         /* env.network.mac: the NIC that uploaded */
    " cpu_brand TEXT NOT NULL DEFAULT '',"
    " cpu_vendor TEXT NOT NULL DEFAULT '',"
    " cpu_family @INT@, cpu_model @INT@, cpu_stepping @INT@,"
    " hypervisor TEXT NOT NULL DEFAULT '',"  /* env.hypervisor.name ("none" on bare metal) */
    " bios_vendor TEXT NOT NULL DEFAULT '',"  /* env.system.bios.* (SMBIOS type 0) */
    " bios_version TEXT NOT NULL DEFAULT '',"
    " bios_date TEXT NOT NULL DEFAULT '',"
    " firmware TEXT NOT NULL DEFAULT '',"    /* "BIOS_VENDOR BIOS_VERSION", else env.firmware.vendor */
    " build TEXT NOT NULL DEFAULT '',"       /* tool.build: uefi | linux */
    " version TEXT NOT NULL DEFAULT '',"     /* tool.version */
    " profile TEXT NOT NULL DEFAULT '',"     /* tool.profile */
    " run_time @INT@ NOT NULL,"              /* document's time: seconds since 1970 */
    " stored_at @INT@ NOT NULL,"             /* when the store took it */
    " file TEXT NOT NULL DEFAULT '',"        /* the document's file (collector: name in DIR) */
    " doc @JSON@ NOT NULL);"
    /* one row per result entry of a run */
    "CREATE TABLE results ("
    " run @INT@ NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " idx @INT@ NOT NULL,"                   /* position in the document's results[] */
    " suite TEXT NOT NULL, test TEXT NOT NULL,"
    " params_key TEXT NOT NULL,"             /* canonical params: benchcmp's key is
                                                suite/test/params_key */
    " params @JSON@ NOT NULL,"
    " params_text TEXT NOT NULL,"            /* "k=v k=v", keys sorted (benchcmp's tables) */
    " unit TEXT NOT NULL, better TEXT NOT NULL,"
    " median @REAL@ NOT NULL, min @REAL@ NOT NULL, max @REAL@ NOT NULL,"
    " reps @INT@,"                           /* the entry's reps (NULL when absent) */
    " noise @REAL@,"                         /* its spread_pct: (max-min)/median in % */
    " PRIMARY KEY (run, idx));"
    "CREATE INDEX runs_machine ON runs (machine, run_time, id);"
    "CREATE INDEX runs_time ON runs (run_time);"
    "CREATE INDEX runs_tag ON runs (tag);"
    /* covering: a test's figures across the fleet are read from the index alone */
    "CREATE INDEX results_test ON results (suite, test, params_key, run, median);"
    /* the latest run of each machine (the one with the latest time, then the last stored) */
    "CREATE VIEW latest_runs AS SELECT r.* FROM runs r WHERE r.id = ("
    " SELECT r2.id FROM runs r2 WHERE r2.machine = r.machine"
    " ORDER BY r2.run_time DESC, r2.id DESC LIMIT 1);"
    /* every result entry with its run's identity: what dashboards chart */
    "CREATE VIEW fleet_results AS SELECT r.id AS run, r.run_id, r.machine, r.run_time, r.tag,"
    " r.hostname, r.sys_manufacturer, r.sys_product, r.sys_serial, r.sys_uuid, r.asset_tag,"
    " r.mac, r.cpu_brand, r.hypervisor, r.firmware, r.build, r.version, r.file,"
    " e.idx, e.suite, e.test, e.params_key, e.params_text, e.unit, e.better,"
    " e.median, e.min, e.max, e.reps, e.noise"
    " FROM runs r JOIN results e ON e.run = r.id;"
    /* one row per machine and entry (suite, test, params): its latest run's figure */
    "CREATE VIEW latest_results AS SELECT f.* FROM fleet_results f"
    " JOIN latest_runs l ON l.id = f.run;";

static const char *const steps[FLEET_SCHEMA_VERSION] = {step1};

char *fleet_schema_step(const struct fleet_engine *e, int v)
{
    if (v < 1 || v > FLEET_SCHEMA_VERSION)
        return NULL;
    const char *src = steps[v - 1];
    static const char *const tok[] = {"@ID@", "@INT@", "@REAL@", "@JSON@"};
    const char *val[] = {e->t_id, e->t_int, e->t_real, e->t_json};
    size_t cap = strlen(src) * 2 + 1, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    while (*src) {
        int t = -1;
        for (int i = 0; i < 4 && t < 0; i++)
            if (!strncmp(src, tok[i], strlen(tok[i])))
                t = i;
        const char *piece = t < 0 ? src : val[t];
        size_t plen = t < 0 ? 1 : strlen(val[t]);
        if (len + plen + 1 > cap) {
            char *n = realloc(out, cap *= 2);
            if (!n) {
                free(out);
                return NULL;
            }
            out = n;
        }
        memcpy(out + len, piece, plen);
        len += plen;
        src += t < 0 ? 1 : strlen(tok[t]);
    }
    out[len] = '\0';
    return out;
}
