/* drv_check.c - checks the driver tests share (see drv_check.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kernel/platform.h"
#include "tests/unit/drv_check.h"
#include "tests/unit/fake_pci.h"

void drv_check_depths(const struct blk_driver *drv, void *ctrl, int unit)
{
    static uint8_t wbuf[32][4096] __attribute__((aligned(4096)));
    static uint8_t rbuf[32][4096] __attribute__((aligned(4096)));
    void *wb[32], *rb[32];
    uint64_t lba[32], lat[32];
    struct blk_unit u;
    memset(&u, 0, sizeof u);
    drv->describe(ctrl, unit, &u);
    uint64_t per = 4096 / u.block_size;
    for (int qd = 1; qd <= 32; qd++) {
        for (int i = 0; i < 32; i++) {
            memset(wbuf[i], (qd * 37 + i) & 0xFF, 4096);
            wb[i] = wbuf[i];
            rb[i] = rbuf[i];
            lba[i] = (uint64_t)(i + qd) * per; /* distinct within a batch: any order is right */
        }
        int q = qd < drv->max_qd(ctrl, unit, 4096) ? qd : drv->max_qd(ctrl, unit, 4096);
        assert_int_equal(drv->rw(ctrl, unit, 1, q, lba, 32, 4096, wb, lat), 0);
        assert_int_equal(drv->rw(ctrl, unit, 0, q, lba, 32, 4096, rb, lat), 0);
        for (int i = 0; i < 32; i++)
            assert_memory_equal(rbuf[i], wbuf[i], 4096);
    }
}

void drv_check_error_and_timeout(const struct blk_driver *drv, void *ctrl, int unit,
                                 const struct drv_faults *f)
{
    static uint8_t buf[8][4096] __attribute__((aligned(4096)));
    void *bufs[8];
    uint64_t lba[8];
    struct blk_unit u;
    memset(&u, 0, sizeof u);
    drv->describe(ctrl, unit, &u);
    for (int i = 0; i < 8; i++) {
        bufs[i] = buf[i];
        lba[i] = (uint64_t)i * (4096 / u.block_size);
    }
    f->fail_at(lba[2]); /* one request fails: an error, what was in flight collected */
    assert_int_equal(drv->rw(ctrl, unit, 0, 4, lba, 8, 4096, bufs, NULL), PLAT_IO_ERROR);
    assert_null(drv->dead(ctrl, unit));
    f->fail_at(UINT64_MAX);
    assert_int_equal(drv->rw(ctrl, unit, 0, 4, lba, 8, 4096, bufs, NULL), 0);
    f->hang();
    uint64_t t0 = fake_clock();
    assert_int_equal(drv->rw(ctrl, unit, 0, 4, lba, 8, 4096, bufs, NULL), PLAT_IO_TIMEOUT);
    uint64_t waited = fake_clock() - t0;
    assert_true(waited >= (uint64_t)(f->timeout_s * 1e6));
    assert_true(waited < (uint64_t)(3 * f->timeout_s * 1e6));
    assert_non_null(drv->dead(ctrl, unit));
    int taken = f->requests();
    assert_int_equal(drv->rw(ctrl, unit, 0, 1, lba, 1, 4096, bufs, NULL), PLAT_IO_TIMEOUT);
    assert_int_equal(f->requests(), taken);
}
