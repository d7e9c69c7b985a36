/* options.h - the key=value options shared by every way of starting barebench: UEFI load
 * options, a config file, and the Linux build's flags (--key value).  Table-driven. */
#ifndef BB_OPTIONS_H
#define BB_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#define OPT_LINE_MAX 2048 /* longest accepted command line */
#define OPT_STR_MAX 128
#define OPT_LIST_MAX 16

enum then_action { THEN_SHUTDOWN, THEN_REBOOT, THEN_EXIT, THEN_WAIT };
enum profile { PROFILE_QUICK, PROFILE_STANDARD, PROFILE_FULL };
enum tri { TRI_AUTO, TRI_ON, TRI_OFF };
enum pstate_policy { PSTATE_KEEP, PSTATE_MAX };
enum screen_mode { SCREEN_SUMMARY, SCREEN_FULL };

/* Suites, as bits of options.suites: bit i is the i-th name options_register_suites gave */
#define OPT_SUITES_MAX 16
/* room in struct options for the values of every suite's own options (options_register_groups) */
#define OPT_GROUP_BYTES 1024

/* How an option's value is parsed and stored. */
enum opt_kind {
    OPT_SUITES,   /* comma list of registered suite names | all -> unsigned bits */
    OPT_INT,      /* int in min..max */
    OPT_ENUM,     /* one of choices[] -> int index */
    OPT_STR,      /* char[cap], printable; min 1 = name characters only */
    OPT_SIZE,     /* uint64_t bytes (4K, 1M, ...); with max set: 0 or min..max */
    OPT_SIZELIST, /* uint64_t[cap], each min..max; the count (int) at count_off */
    OPT_INTLIST,  /* int[cap], each min..max; the count (int) at count_off */
    OPT_BOOL,     /* int 0/1 from yes|no|on|off|1|0|true|false */
    OPT_FLAG,     /* int set to 1 by the bare word */
    OPT_URL,      /* char[cap], an upload URL (kernel/upload/upload.h) */
    OPT_MASK,     /* comma list of choices[i] -> unsigned bit i */
    OPT_KEY       /* char[cap], a fleet key (kernel/upload/upload_key.h); never quoted in a message */
};

/* One option: its key, how it parses, where its value lives and its line of help.  The
 * runtime's rows are fields of struct options; a suite's rows (struct opt_group) are fields of
 * the suite's own values struct. */
struct opt_def {
    const char *key;
    enum opt_kind kind;
    size_t off, cap;            /* field offset; capacity of a string or list */
    long min, max;              /* OPT_INT / OPT_INTLIST range; OPT_SIZE(LIST) range in bytes;
                                   OPT_STR: min 1 = name characters only */
    const char *const *choices; /* OPT_ENUM / OPT_MASK: the names, index = value / bit */
    const char *values;         /* shown in help and in messages */
    const char *help;
    size_t count_off;           /* OPT_SIZELIST / OPT_INTLIST: offset of the int count */
    const char *def;            /* a suite's row: the default, set by options_defaults (NULL: 0) */
};

/* A suite's own options, registered through its struct suite entry (bench/suites.h): rows whose
 * offsets are into a values struct of `size` bytes the suite declares; options_group_values
 * finds it inside a struct options. */
struct opt_group {
    const char *name;           /* the suite: heads its rows in help */
    const struct opt_def *rows;
    size_t nrows;
    size_t size;                /* sizeof the suite's values struct */
};

struct options {
    unsigned suites;          /* suite=NAME,NAME|all: bits of the registered names */
    int reps;                 /* reps=N: measured repetitions per test */
    int then;                 /* enum then_action */
    int then_set;             /* then= was given */
    int profile;              /* enum profile */
    int serial;               /* enum tri: also write to COM1 directly */
    char cpus[64];            /* cpus=all|cores|N|list: processors to use ("" = all) */
    int pstate;               /* pstate=keep|max (enum pstate_policy) */
    int min_time_ms;          /* min_time_ms=N: shortest measured interval, 0 = by profile */
    int save;                 /* save=yes|no: write the results file to the boot volume */
    int help;                 /* help */
    char tag[48];             /* tag=NAME: the environment's label, e.g. baremetal, kvm */
    char upload[OPT_STR_MAX]; /* upload=http://host:port/ */
    char upload_token[64];    /* upload_token=SECRET (legacy; sent in clear) */
    char upload_key[129];     /* upload_key=HEX: the fleet key that signs uploads (kernel/upload/upload_key.h) */
    char upload_key_file[OPT_STR_MAX]; /* upload_key_file=PATH: the key in a file instead */
    char upload_ca_file[OPT_STR_MAX];  /* upload_ca_file=PATH: the CA an https:// upload trusts */
    char net[48];             /* net=dhcp|ADDR/PREFIX[,GATEWAY]: UEFI NIC setup for upload */
    int screen;               /* enum screen_mode: the document on the screen too (full) or not */
    int upload_retries;       /* upload_retries=0..10: attempts after the first (default 3) */
    unsigned faults;          /* fault=a,b: test-only fault injection (kernel/run/fault.h), 0 = none */
    /* the suites' own options (struct opt_group), each group's values struct in its slice;
     * kept here so a copy of the options carries them (defaults < config file < command line) */
    _Alignas(16) unsigned char group_values[OPT_GROUP_BYTES];
};

void options_defaults(struct options *o);

/** Parse a command line of blank-separated key=value words into `o` (on top of what is there).
 *  Returns 0, or -1 with a message naming the problem in err. */
int options_parse(const char *line, struct options *o, char *err, size_t errlen);

/** Apply one key and value (used by the parser, config files and the Linux flags). */
int options_set(struct options *o, const char *key, const char *value, char *err, size_t errlen);

/** If the first word is a program path (from iPXE or the UEFI shell), return the rest. */
const char *options_skip_program_name(const char *line);

/** Copy a command line into out (n bytes) with the value of every secret option (upload_key,
 *  upload_token) replaced by REDACTED: what the document and the console may show. */
void options_redact(const char *line, char *out, size_t n);

/** Print every option with its values and meaning through `out`. */
void options_help(void (*out)(const char *line));

/** The suites suite= accepts, in run order (NULL-terminated): bit i of options.suites is
 *  names[i].  The layer above the runtime registers them (app/ from bench/suites.c) before
 *  options_defaults; until then suite= accepts no name.  `names` must outlive the run. */
void options_register_suites(const char *const *names);
/** The suites' own options (NULL-terminated; each group's rows and values, see struct opt_group),
 *  replacing any registered before; call before options_defaults.  Refuses (-1 with err, and
 *  none registered) a key the runtime or another group has, or values beyond OPT_GROUP_BYTES. */
int options_register_groups(const struct opt_group *const *groups, char *err, size_t errlen);
/** The values struct of a registered group inside `o` (NULL if `g` is not registered). */
const void *options_group_values(const struct options *o, const struct opt_group *g);

/** The bits of every registered suite (suite=all). */
unsigned options_all_suites(void);
/** The bit of a registered suite name; 0 if there is none. */
unsigned options_suite_bit(const char *name);
/** Names of the suites selected, comma-separated, into buf. */
void options_suite_names(unsigned mask, char *buf, size_t n);
/** The name of a single suite bit. */
const char *options_suite_name(unsigned bit);
const char *options_then_name(int then);
const char *options_profile_name(int profile);

/** Parse a size such as 4096, 4K, 16KiB, 1M, 2G (binary multiples). 0 ok, -1 bad. */
int options_parse_size(const char *s, uint64_t *out);

#endif
