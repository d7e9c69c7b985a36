/* virtio_scsi_queue.h - virtio-scsi requests (virtio 1.2, 5.6.6) on one split request queue,
 * with no platform call in it: per tag a cmd_req (LUN, tag, CDB) and a cmd_resp (status,
 * residual, sense), chained with the data buffer; completions mapped to the SCSI layer's
 * results (drivers/scsi.h).  drivers/virtio_scsi.c runs it on a device,
 * tests/unit/test_virtio_scsi.c on a model. */
#ifndef BB_VIRTIO_SCSI_QUEUE_H
#define BB_VIRTIO_SCSI_QUEUE_H

#include "drivers/scsi.h"
#include "drivers/virtq.h"

#define VSCSI_CDB_SIZE 32      /* cdb_size and sense_size the driver writes to the config */
#define VSCSI_SENSE_SIZE 96
#define VSCSI_REQ_BYTES (19 + VSCSI_CDB_SIZE)     /* lun[8] id task_attr prio crn cdb[] */
#define VSCSI_RESP_BYTES (12 + VSCSI_SENSE_SIZE)  /* sense_len resid qualifier status response sense[] */
#define VSCSI_SLOT 192         /* DMA bytes per tag: cmd_req at 0, cmd_resp at 64 */
#define VSCSI_RESP_OFF 64

/* virtio-scsi response codes (5.6.6.1) */
enum { VSCSI_S_OK = 0, VSCSI_S_OVERRUN, VSCSI_S_ABORTED, VSCSI_S_BAD_TARGET, VSCSI_S_RESET,
       VSCSI_S_BUSY, VSCSI_S_TRANSPORT_FAILURE, VSCSI_S_TARGET_FAILURE, VSCSI_S_NEXUS_FAILURE,
       VSCSI_S_FAILURE };

struct vscsi_io {
    struct virtq *q;
    uint8_t *slots;            /* ntags x VSCSI_SLOT bytes of DMA memory */
    uint64_t slots_dev;
    int ntags;
    void (*notify)(void *ctx); /* the queue's doorbell */
    void *ctx;
    int bad_completions;       /* used entries naming nothing in flight (ignored) */
};

/** The 8-byte virtio-scsi LUN field: 1, target, flat-space LUN. */
void vscsi_lun(uint8_t out[8], uint32_t target, uint64_t lun);
/** Descriptors one command needs (cmd_req, cmd_resp, the data if any). */
int vscsi_descs(const struct scsi_cmd *c);
/** The scsi_hba_ops calls over io (ctx = the struct vscsi_io). */
int vscsi_submit(void *ctx, int tag, const struct scsi_cmd *c);
void vscsi_kick(void *ctx);
int vscsi_reap(void *ctx, scsi_done_fn done, void *arg);
int vscsi_max_tags(void *ctx, uint32_t bytes);
/** The response of tag `tag` as a SCSI layer result (used length `len` from the used ring). */
void vscsi_result(const struct vscsi_io *io, int tag, uint32_t len, struct scsi_result *r);

#endif
