/* disk.h - the disk suite's shared parts: per-run state of one target, the sweep points, and
 * the discovery report the app writes under env.disks. */
#ifndef BB_DISK_H
#define BB_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "bench/disk_guard.h"

struct bench_ctx;
struct json;
struct plat_disk;

#define DISK_MAX 64

/* What the suite decided about one discovered device (reported in env.disks). */
struct disk_state {
    int selected;        /* named by disk= */
    int marker;          /* disk_marker_verdict, or a negative read status; -1000 = not checked */
    char marker_why[256];
    int writable;        /* the guard was armed: write sweep allowed */
    int preconditioned;  /* written once before the read sweep (scratch targets) */
    char label[32];      /* disk_label= (env.disks[].label), "" when not named */
    int qd_used;         /* deepest queue depth a measured point ran at */
};

/* One target being measured. */
struct disk_run {
    struct bench_ctx *c;
    struct plat_disk *d;
    struct disk_guard guard;
    uint8_t *buf;            /* aligned, pre-touched */
    size_t buf_bytes;
    uint64_t budget;         /* at most this many bytes per repetition of a point */
    double rep_seconds;      /* ...and about this long: transfers sized from the warm-up */
    double point_seconds;    /* time budget of a point: stop repeating beyond it */
    int points_total, points_done;
    uint64_t t_start;        /* TSC at the start of this target */
    unsigned run_salt;       /* moves every region per run: runs do not repeat each other's */
    uint64_t fill_salt;      /* write data: stream of this run ... */
    uint64_t fill_next;      /* ... and the next transfer's place in it (never reused) */
    int preconditioned;      /* the area the read sweep reads was written first */
    int dead;                /* timeout / medium gone: no more points on this target */
};

/** Decided per device by the suite; NULL/0 before the suite ran. */
extern struct disk_state disk_states[DISK_MAX];
extern int disk_discovered; /* number of devices, -1 if the suite did not run */

/** Sequential transfers of `xfer` bytes at QD1 (reads, or guarded writes). */
void disk_point_seq(struct disk_run *r, int write, uint64_t xfer);
/** Sequential transfers of `xfer` bytes at queue depth qd, with latency percentiles. */
void disk_point_seq_qd(struct disk_run *r, int write, uint64_t xfer, int qd);
/** Random 4 KiB transfers at queue depth qd: IOPS plus p50/p99/p99.9 latency entries. */
void disk_point_rand(struct disk_run *r, int write, int qd);

struct disk_plan;

/** One pass of a point: transfers i = 0..n-1 of pass `pass` of plan p at queue depth qd.
 *  Reads go in one batch; writes in chunks that fit the buffer, each transfer with fresh
 *  pseudo-random data made before its chunk's timed interval, then one flush.  *ticks gets the
 *  transfers' time, *flush the flush's (0 for reads); lat (may be NULL) n latencies. */
int disk_pass(struct disk_run *r, int write, int qd, const struct disk_plan *p, int pass,
              uint64_t n, uint64_t *lat, uint64_t *ticks, uint64_t *flush);

/** Scratch targets: write every block past the marker once (fresh data, then a flush), so the
 *  read sweep reads written blocks, not holes or never-written flash.  0 or a status. */
int disk_precondition(struct disk_run *r);

/** Writes "disks": [...] (the discovery) into the open env object, if the suite ran. */
void disk_env_json(struct json *j);
/** 1 for a Fibre Channel or iSCSI LUN (kind "fc"/"iscsi"): disk=all leaves it out. */
int disk_is_san(const struct plat_disk *d);

/** Text of a PLAT_IO_* / guard status. */
const char *disk_status_text(int status);

struct summary;
struct results;
/** The suite's part of the end-of-run page (its struct suite's `summarize`). */
void disk_summary(struct summary *s, const struct results *rs);

#endif
