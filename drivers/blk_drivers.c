/* blk_drivers.c - the driver table (see blk_driver.h): one line per storage controller
 * barebench drives itself.  A new controller is a new file under drivers/ (its header
 * declaring its `struct blk_driver`), included here, and a line in the table. */
#include "drivers/ahci.h"
#include "drivers/mpt.h"
#include "drivers/nvme.h"
#include "drivers/pvscsi.h"
#include "drivers/virtio_blk.h"
#include "drivers/virtio_scsi.h"

const struct blk_driver *const blk_drivers[] = {
    &nvme_driver,        /* drivers/nvme.c: NVM Express, class 01:08:02 */
    &virtio_blk_driver,  /* drivers/virtio_blk.c: 1af4:1042 modern, 1af4:1001 transitional */
    &ahci_driver,        /* drivers/ahci.c: SATA AHCI, class 01:06:01 */
    &virtio_scsi_driver, /* drivers/virtio_scsi.c: 1af4:1048 modern, 1af4:1004 transitional */
    &pvscsi_driver,      /* drivers/pvscsi.c: VMware PVSCSI, 15ad:07c0 */
    &mpt_driver,         /* drivers/mpt.c: Fusion-MPT 1.x, 1000:0030/0054/0058 */
    NULL,
};

const struct blk_driver *blk_driver_for(const struct pci_fn *f)
{
    for (int i = 0; blk_drivers[i]; i++)
        if (blk_drivers[i]->match(f))
            return blk_drivers[i];
    return NULL;
}
