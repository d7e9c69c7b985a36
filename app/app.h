/* app.h - one barebench run from a command line to a results document; both builds call it. */
#ifndef BB_APP_H
#define BB_APP_H

#include "kernel/run/options.h"
#include "kernel/report/summary.h"

#define APP_BEGIN_MARK "-----BEGIN BAREBENCH RESULTS-----"
#define APP_END_MARK "-----END BAREBENCH RESULTS-----"

struct app_outcome {
    int status;          /* 0 ran, 1 ran with errors, 2 bad options (nothing ran) */
    int then;            /* enum then_action to carry out */
    char *json;          /* the results document (plat_alloc'd; NULL if none) */
    unsigned long json_len;
    int nresults, nskipped, nerrors; /* for the closing summary */
    char message[224];   /* first error, or why nothing ran ("" if none) */
    char saved[200];     /* where the document was saved, or why not ("" if not asked) */
    char document[96];   /* the consoles the document was written to ("" if none) */
    char uploaded[240];  /* upload outcome ("" if not asked) */
    int screen;          /* enum screen_mode */
    struct summary summary; /* headline figures for the end-of-run page */
};

/** Whether app_run prints the document between the markers (default 1; the Linux build
 *  clears it unless the document goes to standard output, `--json -`). */
extern int app_print_document;

/** Parse `cmdline` on top of `base` (defaults, config file), run the selected suites, print
 *  the summary and the document between the markers, save it through the host.
 *  `source` names where the options came from (for messages: "load options", "flags"). */
void app_run(const char *cmdline, const struct options *base, const char *source,
             struct app_outcome *out);

/** Refuse to run: print `source: err`, run nothing, emit a document holding only that error
 *  (options `o` as far as known, `cmdline` as given).  Used for bad options and config files. */
void app_refuse(const char *source, const char *err, const char *cmdline, const struct options *o,
                struct app_outcome *out);

/** Registers the suites of bench/suites.c with the options (suite=NAME, and each suite's own
 *  options from its entry's `options`); call first, before options_defaults. */
void app_init(void);

/** The disk suite's disk= in `o`: the targets the Linux build keeps --json away from. */
const char *app_disks(const struct options *o);

struct identity;
struct clock_info;
struct results;
/** The end-of-run page's figures: the machine and clock, then each suite's rows in run order. */
void app_summary(struct summary *s, const struct identity *id, const struct clock_info *clk,
                 const struct results *rs);

#endif
