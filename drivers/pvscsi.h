/* pvscsi.h - barebench's own VMware PVSCSI driver (PCI 15ad:07c0): the adapter reset,
 * SETUP_RINGS with a rings-state page and request/completion rings of several pages, commands
 * posted with the KickRwIo / KickNonRwIo doorbells, the completion ring polled, interrupts
 * masked.  The SCSI commands themselves come from the shared layer (drivers/scsi.h). */
#ifndef BB_DRIVERS_PVSCSI_H
#define BB_DRIVERS_PVSCSI_H

#include "drivers/blk_driver.h"
#include "drivers/pci.h"
#include "drivers/scsi.h"

#include <stdint.h>

#define PVSCSI_REQ_PAGES 8        /* 8 pages of 32 request descriptors: 256 */
#define PVSCSI_CMP_PAGES 2        /* 2 pages of 128 completion descriptors: 256 */
#define PVSCSI_SLOTS 256          /* commands in flight at most (the rings' size) */
#define PVSCSI_SENSE_BYTES 64     /* per slot */
#define PVSCSI_MAX_TARGETS 64     /* bus 0, targets 0..63 */
#define PVSCSI_MAX_XFER (4u << 20) /* bytes per command (one data pointer, no S/G list) */

/* Rings-state page, request and completion descriptors (VMware's PVSCSI interface, as QEMU's
 * hw/scsi/vmw_pvscsi.h and EDK2's IndustryStandard/PvScsi.h describe it). */
struct pvscsi_rings_state {
    uint32_t req_prod, req_cons, req_log2;
    uint32_t cmp_prod, cmp_cons, cmp_log2;
    uint8_t pad[104];
    uint32_t msg_prod, msg_cons, msg_log2;
};

struct pvscsi_req {
    uint64_t context, data_addr, data_len, sense_addr;
    uint32_t sense_len, flags;
    uint8_t cdb[16];
    uint8_t cdb_len;
    uint8_t lun[8];
    uint8_t tag, bus, target, vcpu_hint;
    uint8_t unused[59];
} __attribute__((packed));

struct pvscsi_cmp {
    uint64_t context, data_len;
    uint32_t sense_len;
    uint16_t host_status, scsi_status;
    uint32_t pad[2];
};

/* Registers (BAR 0, memory) and commands */
enum {
    PVSCSI_R_COMMAND = 0x0, PVSCSI_R_COMMAND_DATA = 0x4, PVSCSI_R_COMMAND_STATUS = 0x8,
    PVSCSI_R_INTR_STATUS = 0x100C, PVSCSI_R_INTR_MASK = 0x2010, PVSCSI_R_KICK_NON_RW = 0x3014,
    PVSCSI_R_KICK_RW = 0x4018,
};
enum {
    PVSCSI_CMD_ADAPTER_RESET = 1, PVSCSI_CMD_SETUP_RINGS = 3, PVSCSI_CMD_RESET_BUS = 4,
    PVSCSI_CMD_RESET_DEVICE = 5, PVSCSI_CMD_ABORT_CMD = 6,
};
#define PVSCSI_F_DIR_NONE (1u << 2)
#define PVSCSI_F_DIR_TOHOST (1u << 3)
#define PVSCSI_F_DIR_TODEVICE (1u << 4)
/* host adapter status of a completion */
enum {
    PVSCSI_BT_SUCCESS = 0x00, PVSCSI_BT_LINKED = 0x0A, PVSCSI_BT_LINKED_FLAG = 0x0B,
    PVSCSI_BT_UNDERRUN = 0x0C, PVSCSI_BT_SELTIMEO = 0x11, PVSCSI_BT_DATARUN = 0x12,
    PVSCSI_BT_BUSRESET = 0x25, PVSCSI_BT_ABORTQUEUE = 0x26,
};

/* The controller: the SCSI layer's host first (the driver table's ctrl points at it). */
struct pvscsi_dev {
    struct scsi_host host;
    struct pci_fn *pci;
    struct pci_dma mem;                       /* rings state | request | completion | sense */
    volatile struct pvscsi_rings_state *rs;
    struct pvscsi_req *req;                   /* req_entries descriptors */
    volatile struct pvscsi_cmp *cmp;          /* cmp_entries descriptors */
    uint8_t *sense;                           /* PVSCSI_SENSE_BYTES per tag */
    uint32_t req_entries, cmp_entries;        /* as the device set them up (powers of two) */
    uint32_t prod, cons;                      /* request producer / completion consumer index */
    int kick_rw, kick_other;                  /* kinds submitted since the last kick */
    int running;
    uint8_t busy[PVSCSI_SLOTS];               /* tags in flight */
    uint8_t rw[PVSCSI_SLOTS];                 /* the tag's command is a READ or WRITE */
    uint32_t len[PVSCSI_SLOTS];               /* its data bytes */
    uint8_t target[PVSCSI_SLOTS];             /* its target (ABORT_CMD names it) */
};

/** Its entry in the driver table (drivers/blk_drivers.c). */
extern const struct blk_driver pvscsi_driver;

#endif
