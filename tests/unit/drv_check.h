/* drv_check.h - what every driver's unit test checks the same way, through the driver's entry
 * in the driver table (drivers/blk_driver.h), against its device model on tests/unit/fake_pci.c. */
#ifndef BB_DRV_CHECK_H
#define BB_DRV_CHECK_H

#include "drivers/blk_driver.h"

/** At each queue depth 1..32: 32 writes of 4 KiB (a pattern per depth) to distinct places of
 *  unit `unit`, read back and compared.  Asserts (cmocka). */
void drv_check_depths(const struct blk_driver *drv, void *ctrl, int unit);

/* How a test makes its device model misbehave. */
struct drv_faults {
    void (*fail_at)(uint64_t lba);   /* the request starting at this block fails (UINT64_MAX: none) */
    void (*hang)(void);              /* from now on requests are taken and never completed */
    int (*requests)(void);           /* requests the device has taken so far */
    double timeout_s;                /* the driver's bound on one request */
};

/** Eight 4 KiB reads at depth 4 on unit `unit`, one failing: PLAT_IO_ERROR, the unit still
 *  alive, then fine again; then the device hangs: PLAT_IO_TIMEOUT after at least the bound and
 *  well before three times it (virtual clock), the unit dead with a reason, and a later call
 *  refused without handing the device anything (no buffer is ever reused while it may DMA). */
void drv_check_error_and_timeout(const struct blk_driver *drv, void *ctrl, int unit,
                                 const struct drv_faults *f);

#endif
