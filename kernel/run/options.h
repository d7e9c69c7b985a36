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
    uint64_t mem_max;         /* mem_max=SIZE: largest buffer for the mem suite, 0 = auto */
    uint64_t mem_dram;        /* mem_dram=SIZE: bytes per array of the DRAM tests, 0 = STREAM's rule */
    char mem_tests[80];       /* mem_tests=all|kernels,cores,numa,sweep,latency,plateau */
    uint64_t disk_blocks[OPT_LIST_MAX]; /* disk_blocks=4K,16K,...: block sizes of the sweep */
    int ndisk_blocks;
    uint64_t disk_budget;     /* disk_budget=SIZE: bytes read per sweep point, 0 = by profile */
    int disk_qd[OPT_LIST_MAX];/* disk_qd=1,4,32: queue depths */
    int ndisk_qd;
    char disk[OPT_STR_MAX];   /* disk=all|none|0,2: which disks (by index) to measure */
    int disk_write;           /* disk_write=yes|no: write tests on scratch-marked disks */
    int disk_driver;          /* disk_driver=auto|native|firmware|both (PLAT_DRIVER_*) */
    char disk_tests[64];      /* disk_tests=all|seq_read,seq_write,rand_read,rand_write */
    char upload[OPT_STR_MAX]; /* upload=http://host:port/ */
    char upload_token[64];    /* upload_token=SECRET (legacy; sent in clear) */
    char upload_key[129];     /* upload_key=HEX: the fleet key that signs uploads (kernel/upload/upload_key.h) */
    char upload_key_file[OPT_STR_MAX]; /* upload_key_file=PATH: the key in a file instead */
    char upload_ca_file[OPT_STR_MAX];  /* upload_ca_file=PATH: the CA an https:// upload trusts */
    char net[48];             /* net=dhcp|ADDR/PREFIX[,GATEWAY]: UEFI NIC setup for upload */
    int screen;               /* enum screen_mode: the document on the screen too (full) or not */
    int upload_retries;       /* upload_retries=0..10: attempts after the first (default 3) */
    unsigned faults;          /* fault=a,b: test-only fault injection (kernel/run/fault.h), 0 = none */
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
