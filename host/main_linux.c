/* main_linux.c - the Linux program: the same options as flags (--suite mem == suite=mem),
 * --json FILE for the document (--json - prints it between the markers, the only way it reaches
 * the terminal); runs the same suites as the UEFI image. */
#include "app/app.h"
#include "kernel/run/config.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "host/host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "barebench: %s '%s' (try --help)\n", msg, arg);
    exit(2);
}

/* --config FILE: apply a barebench.cfg (same keys, same rules as on the boot volume) to `o`;
 * exits 2 with the file, line and key on error, like a bad flag. */
static void load_config(const char *path, struct options *o)
{
    static char text[CONFIG_MAX_BYTES + 1];
    char err[256];
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "barebench: cannot read config file %s: %s\n", path, strerror(errno));
        exit(2);
    }
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    if (n > CONFIG_MAX_BYTES) {
        fprintf(stderr, "barebench: config file %s is larger than %d bytes\n", path,
                CONFIG_MAX_BYTES);
        exit(2);
    }
    if (config_apply(text, n, path, o, err, sizeof err) < 0) {
        fprintf(stderr, "barebench: error in configuration: %s\n", err);
        exit(2);
    }
}

/* Append "key=value " to line, refusing overlong input. */
static void add(char *line, size_t cap, const char *key, size_t klen, const char *value)
{
    size_t len = strlen(line);
    int n = snprintf(line + len, cap - len, "%.*s%s%s ", (int)klen, key, value ? "=" : "",
                     value ? value : "");
    if (n < 0 || (size_t)n >= cap - len)
        usage_error("command line too long at", key);
}

int main(int argc, char **argv)
{
    static char line[OPT_LINE_MAX * 2];
    const char *config = NULL, *json = NULL, *disks = NULL;
    line[0] = '\0';
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            add(line, sizeof line, "help", 4, NULL);
        } else if (!strcmp(a, "--json")) {
            if (i + 1 >= argc)
                usage_error("missing file name after", a);
            json = argv[++i];
        } else if (!strcmp(a, "--config")) {
            if (i + 1 >= argc)
                usage_error("missing file name after", a);
            config = argv[++i];
        } else if (!strncmp(a, "--config=", 9)) {
            config = a + 9;
        } else if (!strncmp(a, "--json=", 7)) {
            json = a + 7;
        } else if (!strncmp(a, "--", 2)) {
            const char *k = a + 2, *eq = strchr(k, '=');
            if (!strncmp(k, "disk", 4) && (k[4] == '=' || (!k[4] && i + 1 < argc)))
                disks = k[4] ? k + 5 : argv[i + 1]; /* kept to check --json against */
            if (eq) {
                add(line, sizeof line, k, (size_t)(eq - k), eq + 1);
            } else if (!strcmp(k, "help")) {
                add(line, sizeof line, k, strlen(k), NULL);
            } else {
                if (i + 1 >= argc)
                    usage_error("missing value after", a);
                add(line, sizeof line, k, strlen(k), argv[++i]);
            }
        } else if (strchr(a, '=') || !strcmp(a, "help")) {
            if (!strncmp(a, "disk=", 5))
                disks = a + 5;
            add(line, sizeof line, a, strlen(a), NULL);
        } else {
            usage_error("unexpected argument", a);
        }
    }
    struct options base;
    app_init(); /* the suites suite= names */
    options_defaults(&base);
    if (config) /* precedence as on the image: defaults < config file < flags */
        load_config(config, &base);
    if (json) { /* refused before anything runs: never a device, never a disk under test */
        char why[512];
        if (host_json_refused(json, disks ? disks : app_disks(&base), why, sizeof why)) {
            fprintf(stderr, "barebench: %s\n", why);
            return 2;
        }
        host_set_json_path(json);
    }
    app_print_document = host_json_to_stdout();
    struct app_outcome out;
    app_run(line, &base, "flags", &out);
    plat_free(out.json);
    return out.status;
}
