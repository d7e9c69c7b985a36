/* virtio_scsi_queue.c - virtio-scsi commands on a split virtqueue (see virtio_scsi_queue.h). */
#include "drivers/virtio_scsi_queue.h"
#include "kernel/platform.h"

#include <string.h>

void vscsi_lun(uint8_t out[8], uint32_t target, uint64_t lun)
{
    memset(out, 0, 8);
    out[0] = 1;
    out[1] = (uint8_t)target;
    out[2] = (uint8_t)(0x40 | ((lun >> 8) & 0x3F)); /* flat space addressing */
    out[3] = (uint8_t)lun;
}

int vscsi_descs(const struct scsi_cmd *c)
{
    return c->len ? 3 : 2;
}

int vscsi_submit(void *ctx, int tag, const struct scsi_cmd *c)
{
    struct vscsi_io *io = ctx;
    if (tag < 0 || tag >= io->ntags || c->cdb_len > VSCSI_CDB_SIZE)
        return PLAT_IO_RANGE;
    if (io->q->nfree < vscsi_descs(c))
        return BLK_AGAIN;
    uint8_t *req = io->slots + (size_t)tag * VSCSI_SLOT, *resp = req + VSCSI_RESP_OFF;
    uint64_t req_dev = io->slots_dev + (uint64_t)tag * VSCSI_SLOT;
    uint64_t id = (uint64_t)tag;
    memset(req, 0, VSCSI_SLOT);
    vscsi_lun(req, c->target, c->lun);
    memcpy(req + 8, &id, 8);            /* the device echoes nothing of it: our own tag */
    req[16] = 0;                        /* task_attr SIMPLE */
    memcpy(req + 19, c->cdb, c->cdb_len);
    resp[11] = 0xFF;                    /* response: the device overwrites it */
    struct virtq_buf b[3];
    int n = 0;
    b[n++] = (struct virtq_buf){req_dev, VSCSI_REQ_BYTES, 0};
    if (c->len && c->dir == SCSI_DIR_OUT)
        b[n++] = (struct virtq_buf){c->buf_dev, c->len, 0};
    b[n++] = (struct virtq_buf){req_dev + VSCSI_RESP_OFF, VSCSI_RESP_BYTES, 1};
    if (c->len && c->dir != SCSI_DIR_OUT)
        b[n++] = (struct virtq_buf){c->buf_dev, c->len, 1};
    return virtq_add(io->q, b, n, (uint16_t)tag) < 0 ? PLAT_IO_ERROR : 0;
}

void vscsi_kick(void *ctx)
{
    struct vscsi_io *io = ctx;
    virtq_publish(io->q);
    io->notify(io->ctx);
}

void vscsi_result(const struct vscsi_io *io, int tag, uint32_t len, struct scsi_result *r)
{
    const uint8_t *resp = io->slots + (size_t)tag * VSCSI_SLOT + VSCSI_RESP_OFF;
    uint32_t sense_len, resid;
    memcpy(&sense_len, resp, 4);
    memcpy(&resid, resp + 4, 4);
    memset(r, 0, sizeof *r);
    if (len < 12) { /* the device wrote too little to hold status and response code */
        r->host = SCSI_HOST_ERROR;
        return;
    }
    switch (resp[11]) {
    case VSCSI_S_OK: r->host = SCSI_HOST_OK; break;
    case VSCSI_S_BAD_TARGET: r->host = SCSI_HOST_NO_TARGET; break;
    case VSCSI_S_RESET: r->host = SCSI_HOST_RESET; break;
    case VSCSI_S_BUSY: r->host = SCSI_HOST_BUSY; break;
    case VSCSI_S_ABORTED: r->host = SCSI_HOST_ABORTED; break;
    default: r->host = SCSI_HOST_ERROR; break; /* overrun, transport/target/nexus failure */
    }
    r->status = resp[10];
    r->residual = resid;
    r->sense_len = (uint8_t)(sense_len < VSCSI_SENSE_SIZE ? sense_len : VSCSI_SENSE_SIZE);
    memcpy(r->sense, resp + 12, r->sense_len);
}

int vscsi_reap(void *ctx, scsi_done_fn done, void *arg)
{
    struct vscsi_io *io = ctx;
    int got = 0, rc;
    uint16_t tag;
    uint32_t len;
    while ((rc = virtq_get(io->q, &tag, &len)) != 0) {
        got++;
        if (rc < 0 || tag >= io->ntags) {
            io->bad_completions++;
            continue;
        }
        struct scsi_result r;
        vscsi_result(io, tag, len, &r);
        done(arg, tag, &r);
    }
    return got;
}

int vscsi_max_tags(void *ctx, uint32_t bytes)
{
    struct vscsi_io *io = ctx;
    int per = bytes ? 3 : 2, n = io->q->size / per;
    return n < io->ntags ? n : io->ntags;
}
