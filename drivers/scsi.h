/* scsi.h - the shared SCSI layer every SCSI controller driver (virtio-scsi, PVSCSI, Fusion-MPT)
 * sits on, in SeaBIOS blockcmd.c's manner: a controller driver only moves commands (a CDB, a
 * target/LUN, one contiguous data buffer) to the device and reports how they ended; this layer
 * finds the logical units (REPORT LUNS, INQUIRY, READ CAPACITY(16) falling back to (10)), reads
 * and writes them (READ/WRITE(16), or (10) where the device wants it), flushes (SYNCHRONIZE
 * CACHE), decodes sense, retries UNIT ATTENTION and BUSY, records CHECK CONDITION with its
 * key/ASC/ASCQ, and offers the driver table's per-unit calls (drivers/blk_driver.h). */
#ifndef BB_DRIVERS_SCSI_H
#define BB_DRIVERS_SCSI_H

#include "drivers/blk_driver.h"
#include "drivers/pci.h"
#include "kernel/block/blk_engine.h"

#include <stddef.h>
#include <stdint.h>

#define SCSI_MAX_UNITS 16      /* logical units kept per controller */
#define SCSI_MAX_LUNS 8        /* LUNs taken from one target's REPORT LUNS */
#define SCSI_SENSE_MAX 96      /* sense bytes a controller copies back (virtio-scsi's default) */
#define SCSI_MAX_TAGS BLK_MAX_QD
#define SCSI_IO_TIMEOUT_S 5.0  /* one read/write/flush command */
#define SCSI_SCAN_TIMEOUT_S 2.0 /* one discovery command */
#define SCSI_RETRIES 3         /* UNIT ATTENTION / BUSY / reset-terminated re-sends of a command */

/* ---------------- what a controller driver is handed and answers ---------------- */

enum scsi_dir { SCSI_DIR_NONE, SCSI_DIR_IN /* device -> memory */, SCSI_DIR_OUT };

/* One command.  The data buffer is contiguous in device space (buf_dev, from pci_dma_addr or a
 * pci_dma_alloc), at most hba.max_transfer bytes. */
struct scsi_cmd {
    uint32_t target;
    uint64_t lun;              /* single-level LUN number (0..16383); the driver encodes it */
    uint8_t cdb[16];
    uint8_t cdb_len;           /* 6, 10, 12 or 16 */
    uint8_t dir;               /* enum scsi_dir */
    uint32_t len;              /* data bytes (0: none) */
    void *buf;                 /* host address of the data */
    uint64_t buf_dev;          /* its device address */
};

/* How the transport ended a command (the controller's own response codes mapped to these). */
enum scsi_host_status {
    SCSI_HOST_OK = 0,          /* delivered: `status` is the logical unit's SCSI status */
    SCSI_HOST_NO_TARGET,       /* nothing there (selection timeout, BAD_TARGET, no such LUN) */
    SCSI_HOST_RESET,           /* terminated by a bus or device reset: sent again */
    SCSI_HOST_BUSY,            /* the controller could not take it now: sent again */
    SCSI_HOST_ABORTED,         /* aborted by a task management function */
    SCSI_HOST_ERROR,           /* any other transport failure (overrun, parity, bad request) */
};

/* SCSI status bytes (SAM-5) */
enum { SCSI_GOOD = 0x00, SCSI_CHECK_CONDITION = 0x02, SCSI_CONDITION_MET = 0x04,
       SCSI_BUSY = 0x08, SCSI_RESERVATION_CONFLICT = 0x18, SCSI_TASK_SET_FULL = 0x28 };

struct scsi_result {
    uint8_t host;              /* enum scsi_host_status */
    uint8_t status;            /* SCSI status byte (host == SCSI_HOST_OK) */
    uint8_t sense_len;         /* valid bytes in sense[] */
    uint32_t residual;         /* data bytes not transferred */
    uint8_t sense[SCSI_SENSE_MAX];
};

/** Called by a driver's reap for each finished command. */
typedef void (*scsi_done_fn)(void *arg, int tag, const struct scsi_result *r);

/* The few calls a controller driver provides (its queue or ring logic behind them). */
struct scsi_hba_ops {
    /** Put command c on tag `tag` (0..max_tags-1, not in flight), not yet visible to the device
     *  (kick).  0; BLK_AGAIN when the ring has no room now; or PLAT_IO_* (nothing was sent). */
    int (*submit)(void *ctx, int tag, const struct scsi_cmd *c);
    /** Make the submitted commands visible (one doorbell per round). */
    void (*kick)(void *ctx);
    /** Report finished commands through done(arg, tag, result); return how many (0: none). */
    int (*reap)(void *ctx, scsi_done_fn done, void *arg);
    /** Commands stopped completing: abort them or reset the controller so that it no longer
     *  touches any buffer of a command in flight.  Says what it did in `what` ("device reset",
     *  "bus reset, then adapter reset"...).  0 when the device is quiet now, -1 when it may
     *  still DMA (the layer then never gives those buffers back either way). */
    int (*reset)(void *ctx, char *what, size_t n);
    /** Commands of `bytes` data the rings keep in flight at once (>= 1). */
    int (*max_tags)(void *ctx, uint32_t bytes);
};

/* A controller, as its driver describes it to the layer before scsi_scan. */
struct scsi_hba {
    const struct scsi_hba_ops *ops;
    void *ctx;                 /* the driver's state, passed to every op */
    struct pci_fn *pci;        /* for DMA: the layer maps buffers and allocates its scratch page */
    const char *api;           /* "virtio-scsi", "pvscsi", "mpt": params.api, env.disks[].driver */
    uint32_t max_target;       /* targets 0..max_target are scanned */
    uint64_t max_lun;          /* LUNs above it are ignored */
    int skip_target;           /* the adapter's own id (Fusion-MPT's IOC, PVSCSI's 7), or -1 */
    uint32_t max_transfer;     /* bytes per command (a multiple of 512); larger transfers are
                                * sent as consecutive pieces; units with larger blocks skipped */
    int cmd_per_lun;           /* commands one LU may have in flight, 0 = no limit beyond tags */
};

/* ---------------- what the layer keeps and gives ---------------- */

struct scsi_sense {
    uint8_t key, asc, ascq;
    int valid;                 /* a fixed (70h/71h) or descriptor (72h/73h) format was decoded */
};

/* One logical unit found by scsi_scan. */
struct scsi_unit {
    uint32_t target;
    uint64_t lun;
    uint32_t block_size;
    uint64_t blocks;
    int read_only;             /* MODE SENSE WP bit */
    int use16;                 /* READ/WRITE(16); 0: the (10) forms (READ CAPACITY(16) refused) */
    int no_sync;               /* SYNCHRONIZE CACHE refused as unsupported: nothing to flush */
    int writes_refused;        /* a write met a UNIT ATTENTION saying the medium may have changed,
                                * the unit was reset or the LUNs changed: it may no longer be the
                                * medium whose scratch marker was read, so no write is sent again */
    char vendor[9], product[17], revision[5], serial[32], model[48];
    /* what went wrong last (I/O error detail), and counters */
    struct scsi_sense last_sense;
    uint8_t last_op;           /* opcode of the last failed command */
    uint32_t check_conditions, ua_retries, busy_retries;
    char last_error[128];      /* "READ(16) lba 2048: CHECK CONDITION MEDIUM ERROR 11/00 ..." */
};

/* Per-tag state of a batch in flight (the block engine's slots are the tags). */
struct scsi_tag {
    struct scsi_cmd cmd;
    uint8_t retries;
    uint8_t resend;            /* to be submitted again on the next reap (UA, BUSY, RESET) */
};

/* The layer's state for one controller.  A controller driver's state struct starts with it
 * (first member) so the driver table's ctrl pointer is also a struct scsi_host pointer. */
struct scsi_host {
    struct scsi_hba hba;
    struct scsi_unit unit[SCSI_MAX_UNITS];
    int nunits;
    struct pci_dma scratch;    /* one page for discovery data, allocated by scsi_scan */
    /* the batch running now (scsi_rw) */
    struct scsi_tag tag[SCSI_MAX_TAGS];
    struct blk_engine *eng;
    int cur_unit, cur_write, need_kick;
    uint64_t timeout;          /* ticks per I/O command */
    int dead;                  /* a command timed out: no more I/O on this controller */
    char why[128];             /* why start failed, or what the timeout did */
};

/* ---- discovery and commands ---- */

/** Scan targets 0..max_target (REPORT LUNS, else LUN 0), keep direct-access units (INQUIRY
 *  peripheral type 0, qualifier 0), clear their UNIT ATTENTIONs (TEST UNIT READY), size them
 *  (READ CAPACITY(16), (10) when refused), read VPD 80h serial and MODE SENSE write protect.
 *  h->hba filled by the driver first.  Number of units (0 is fine), or -1 with h->why. */
int scsi_scan(struct scsi_host *h);
/** Free the scratch page (the driver stops its controller itself). */
void scsi_release(struct scsi_host *h);
/** One command waited for (bounded by `seconds`), UNIT ATTENTION and BUSY retried; c->buf is
 *  mapped for DMA unless c->buf_dev is already set (a pci_dma_alloc'd buffer):
 *  0 GOOD, PLAT_IO_ERROR (CHECK CONDITION: *sense set; other status; transport error),
 *  PLAT_IO_UNSUPPORTED (ILLEGAL REQUEST: invalid opcode or field), PLAT_IO_NO_MEDIA (no target),
 *  PLAT_IO_TIMEOUT (controller reset, h->dead).  r (may be NULL) gets the last result. */
int scsi_exec(struct scsi_host *h, struct scsi_cmd *c, double seconds, struct scsi_result *r);

/** Decode fixed or descriptor sense data. */
struct scsi_sense scsi_sense_decode(const uint8_t *sense, int len);
/** "NOT READY", "MEDIUM ERROR", ... (SPC-4 sense keys). */
const char *scsi_sense_key_name(uint8_t key);
/** CDB builders: READ/WRITE(16) or (10); the (10) form only when lba and count fit. */
int scsi_cdb_rw(uint8_t *cdb, int write, int use16, uint64_t lba, uint32_t blocks);

/* ---- the driver table's per-unit calls (drivers/blk_driver.h): ctrl is the controller
 * driver's state, whose first member is its struct scsi_host ---- */
int scsi_units(void *ctrl);
void scsi_describe(void *ctrl, int unit, struct blk_unit *out);
const char *scsi_dead(void *ctrl, int unit);
int scsi_max_qd(void *ctrl, int unit, size_t bytes);
int scsi_rw(void *ctrl, int unit, int write, int qd, const uint64_t *lba, int n, size_t bytes,
            void *const *bufs, uint64_t *lat);
int scsi_flush(void *ctrl, int unit);
const char *scsi_why(void *ctrl);
const char *scsi_last_error(void *ctrl, int unit);

/* A controller's driver table entry is its name, match, size, start and stop plus these: */
#define SCSI_BLK_OPS                                                                        \
    .why = scsi_why, .units = scsi_units, .describe = scsi_describe, .dead = scsi_dead,    \
    .max_qd = scsi_max_qd, .rw = scsi_rw, .flush = scsi_flush, .last_error = scsi_last_error

#endif
