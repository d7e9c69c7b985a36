/* scsi_model.h - a software SCSI target for the unit tests of the SCSI layer and of every SCSI
 * controller driver: logical units (block size, capacity, data) behind target/LUN addresses
 * answering the commands the layer sends (TEST UNIT READY, INQUIRY + VPD 80h, REPORT LUNS, READ
 * CAPACITY(10)/(16), READ/WRITE(10)/(16), SYNCHRONIZE CACHE(10), MODE SENSE(10)) with status,
 * residual and sense, plus knobs for what goes wrong.  A controller's device model decodes its
 * rings or frames into a struct scsi_cmd (data at buf_dev, a host address in the fake) and
 * calls scsi_model_exec. */
#ifndef BB_SCSI_MODEL_H
#define BB_SCSI_MODEL_H

#include "drivers/scsi.h"

#define SCSI_MODEL_LUS 8

struct scsi_model_lu {
    uint32_t target;
    uint64_t lun;
    uint32_t block_size;
    uint64_t blocks;
    uint8_t *data;             /* blocks x block_size bytes */
    int ua_pending;            /* the next commands answer UNIT ATTENTION 29/00 (reset) */
    uint8_t ua_asc, ua_ascq;   /* ... or this ASC/ASCQ when ua_asc is set (28/00: medium changed) */
    int busy_next;             /* the next commands answer BUSY */
    int no_rc16;               /* READ CAPACITY(16) is an invalid opcode */
    int no_report_luns;        /* REPORT LUNS is an invalid opcode */
    int no_sync;               /* SYNCHRONIZE CACHE is an invalid opcode */
    int write_protect;         /* MODE SENSE WP bit; writes answer DATA PROTECT */
    int descriptor_sense;      /* sense in descriptor format (72h) rather than fixed (70h) */
    uint64_t fail_lba;         /* a READ/WRITE covering it: CHECK CONDITION fail_key/asc/ascq */
    uint8_t fail_key, fail_asc, fail_ascq;
};

struct scsi_model {
    struct scsi_model_lu lu[SCSI_MODEL_LUS];
    int nlu;
    int hang;                  /* commands are taken and never answered */
    int commands;              /* commands executed (or hung) so far */
    int ops[256];              /* per opcode */
};

void scsi_model_init(struct scsi_model *m);
/** A logical unit of `blocks` blocks of `block_size` bytes, zeroed data, nothing failing. */
struct scsi_model_lu *scsi_model_add(struct scsi_model *m, uint32_t target, uint64_t lun,
                                     uint32_t block_size, uint64_t blocks);
void scsi_model_free(struct scsi_model *m);
/** Execute c (data at c->buf_dev) into r: 0, or 1 when the model hangs it (no answer). */
int scsi_model_exec(struct scsi_model *m, const struct scsi_cmd *c, struct scsi_result *r);

#endif
