/* disk_env.c - the discovery report: env.disks lists every block device found (whole disks and
 * partitions), what it is, its geometry and flags, its scratch-marker verdict, holes found in it
 * and whether the suite preconditioned it. */
#include "bench/disk.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"

#include <string.h>

void disk_env_json(struct json *j)
{
    struct plat_disk *list = NULL;
    if (disk_discovered < 0)
        return;
    int n = disk_discovered ? plat_disks(NULL, &list) : 0;
    if (n > disk_discovered)
        n = disk_discovered;
    json_key(j, "disks");
    json_arr_begin(j);
    for (int i = 0; i < n; i++) {
        const struct plat_disk *d = &list[i];
        const struct disk_state *st = &disk_states[i];
        json_obj_begin(j);
        json_kv_int(j, "index", d->index);
        json_kv_str(j, "kind", d->kind);
        json_kv_str(j, "model", d->model);
        json_kv_str(j, "serial", d->serial);
        json_kv_str(j, "path", d->path);
        if (st->label[0]) /* disk_label=: how benchcmp pairs disks across runs */
            json_kv_str(j, "label", st->label);
        json_kv_uint(j, "block_size", d->block_size);
        json_kv_uint(j, "io_align", d->io_align);
        json_kv_uint(j, "blocks", d->blocks);
        json_kv_uint(j, "bytes", d->blocks * d->block_size);
        json_kv_bool(j, "media_present", d->media_present);
        json_kv_bool(j, "read_only", d->read_only);
        json_kv_bool(j, "removable", d->removable);
        json_kv_bool(j, "partition", d->partition);
        json_kv_int(j, "parent", d->parent);
        json_kv_int(j, "max_qd", d->max_qd);
        json_kv_str(j, "queue_api", d->queue_api ? d->queue_api : d->sync_api);
        /* who moves the data: an own driver, the firmware's Block IO, or the Linux kernel */
        json_kv_str(j, "driver", d->ctrl.driver ? d->ctrl.driver
                                 : !strcmp(plat_build(), "linux") ? "linux" : "firmware");
        json_kv_int(j, "twin", d->twin);
        if (d->ctrl.pci[0]) {
            json_kv_str(j, "pci", d->ctrl.pci);
            json_kv_str(j, "pci_id", d->ctrl.pci_id);
        }
        if (d->ctrl.driver) {
            json_kv_int(j, "queues", d->ctrl.queues);
            json_kv_int(j, "queue_depth", d->ctrl.queue_depth);
            json_kv_uint(j, "max_transfer", d->ctrl.max_transfer);
            /* "namespace": the NVMe namespace id; an AHCI port's number; 0 otherwise */
            json_kv_uint(j, "namespace", d->ctrl.addr.transport == PLAT_T_SATA ? d->ctrl.addr.port
                                         : d->ctrl.addr.nsid);
        }
        if (d->ctrl.type)
            json_kv_str(j, "controller", d->ctrl.type);
        if (d->ctrl.addr.transport == PLAT_T_SCSI) { /* a SCSI logical unit on an own driver */
            json_kv_uint(j, "target", d->ctrl.addr.target);
            json_kv_uint(j, "lun", d->ctrl.addr.lun);
            json_kv_str(j, "vendor", d->ctrl.vendor);
            json_kv_str(j, "product", d->ctrl.product);
            json_kv_str(j, "revision", d->ctrl.revision);
        }
        json_kv_int(j, "qd_used", st->qd_used);
        if (d->ctrl.note[0])
            json_kv_str(j, "controller_note", d->ctrl.note);
        json_kv_bool(j, "selected", st->selected);
        json_kv_str(j, "scratch", st->marker == -1000 ? "not checked"
                                  : st->writable ? "yes" : "no");
        json_kv_str(j, "scratch_why", st->marker == -1000 ? "" : st->marker_why);
        /* blocks no one wrote (Linux files), found when opened; -1 = not known */
        json_kv_int(j, "hole_bytes", d->holes_known ? (int64_t)d->hole_bytes : -1);
        json_kv_bool(j, "holes", d->holes_known && d->hole_bytes > 0);
        json_kv_bool(j, "preconditioned", st->preconditioned);
        json_obj_end(j);
    }
    json_arr_end(j);
}
