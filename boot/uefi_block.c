/* uefi_block.c - block devices on UEFI: every EFI_BLOCK_IO_PROTOCOL handle (disks and
 * partitions), what it is from its device path (and PCI vendor, Disk Info), synchronous
 * Block IO transfers and queued Block IO 2 transfers (QD > 1) polled with CheckEvent. */
#include "boot/uefi.h"
#include "kernel/run/fault.h"
#include "kernel/block/blk_engine.h"
#include "kernel/run/bounds.h"
#include "kernel/run/degraded.h"
#include "boot/uefi_block.h"
#include "boot/uefi_native.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "boot/efi_protocols.h"

#define MAX_DISKS 64
#define MAX_QD 32

struct udisk {
    EFI_HANDLE h;
    EFI_BLOCK_IO *bio;
    EFI_BLOCK_IO2_PROTOCOL *bio2;
    EFI_DEVICE_PATH *dp;
    UINTN dp_size;
    int wedged; /* a queued transfer timed out: the device is not touched again */
};

static struct plat_disk disks[MAX_DISKS];
static struct udisk priv[MAX_DISKS];
static int ndisks = -1;

/* Transfers above BB_DISK_XFER_MAX go as pieces (firmware drivers with 32-bit DMA or transfer
 * length bugs); recorded once per size. */
static void note_split(size_t bytes)
{
    degraded_note("disk", "transfers of %zu KiB sent as pieces of at most %u KiB", bytes >> 10,
                  (unsigned)(BB_DISK_XFER_MAX >> 10));
}

static int io_status(EFI_STATUS st)
{
    if (st == EFI_SUCCESS) return PLAT_IO_OK;
    if (st == EFI_NO_MEDIA) return PLAT_IO_NO_MEDIA;
    if (st == EFI_MEDIA_CHANGED) return PLAT_IO_CHANGED;
    if (st == EFI_WRITE_PROTECTED) return PLAT_IO_READ_ONLY;
    if (st == EFI_TIMEOUT) return PLAT_IO_TIMEOUT;
    if (st == EFI_INVALID_PARAMETER || st == EFI_BAD_BUFFER_SIZE) return PLAT_IO_RANGE;
    if (st == EFI_OUT_OF_RESOURCES) return PLAT_IO_NOMEM;
    if (st == EFI_UNSUPPORTED) return PLAT_IO_UNSUPPORTED;
    return PLAT_IO_ERROR;
}

/* Index of the whole disk whose device path is a prefix of partition i's, or -1. */
static int parent_of(int i)
{
    for (int k = 0; k < ndisks; k++) {
        if (k == i || disks[k].partition || !priv[k].dp || !priv[i].dp)
            continue;
        UINTN len = priv[k].dp_size - sizeof(EFI_DEVICE_PATH); /* without the end node */
        if (len < priv[i].dp_size && CompareMem(priv[k].dp, priv[i].dp, len) == 0)
            return k;
    }
    return -1;
}

static void describe(int i, EFI_HANDLE h, EFI_BLOCK_IO *bio)
{
    struct plat_disk *d = &disks[i];
    struct udisk *u = &priv[i];
    EFI_BLOCK_IO_MEDIA *m = bio->Media;
    SetMem(d, sizeof *d, 0);
    d->index = i;
    d->parent = -1;
    d->twin = -1;
    d->priv = u;
    u->h = h;
    u->bio = bio;
    d->media_present = m->MediaPresent;
    d->read_only = m->ReadOnly;
    d->media_id = m->MediaId; /* passed on every call: a swapped medium fails, never written */
    d->removable = m->RemovableMedia;
    d->partition = m->LogicalPartition;
    d->block_size = m->BlockSize;
    d->io_align = m->IoAlign ? m->IoAlign : 1;
    d->blocks = m->MediaPresent || m->LastBlock ? m->LastBlock + 1 : 0;
    d->sync_api = "blockio";
    d->max_qd = 1;
    if (uefi_call_wrapper(BS->HandleProtocol, 3, h, &BlockIo2Protocol, (VOID **)&u->bio2) ==
            EFI_SUCCESS && u->bio2) {
        d->max_qd = MAX_QD;
        d->queue_api = "blockio2";
    }
    u->dp = DevicePathFromHandle(h);
    if (u->dp) /* a copy: the handle's own dies when an own driver takes the controller */
        u->dp = DuplicateDevicePath(u->dp);
    if (u->dp) {
        u->dp_size = DevicePathSize(u->dp);
        CHAR16 *text = DevicePathToStr(u->dp);
        if (text) {
            uefi_to_ascii(text, d->path, sizeof d->path);
            FreePool(text);
        }
    }
    uefi_block_identify(d, h, u->dp);
}

/* Booted straight from -kernel or a minimal boot entry, the firmware may not have started the
 * drivers of every disk controller: connect every handle recursively (as the shell's
 * "connect -r" does) so each disk and partition gets its Block IO handle. */
static void connect_all(void)
{
    EFI_HANDLE *all = NULL;
    UINTN n = 0;
    if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, AllHandles, NULL, NULL, &n, &all) != EFI_SUCCESS)
        return;
    for (UINTN i = 0; i < n; i++)
        uefi_call_wrapper(BS->ConnectController, 4, all[i], NULL, NULL, TRUE);
    FreePool(all);
}

int plat_disks(const char *spec, struct plat_disk **list)
{
    (void)spec; /* UEFI lists every handle; disk= selects among them */
    *list = disks;
    if (ndisks >= 0)
        return ndisks;
    ndisks = 0;
    connect_all();
    EFI_HANDLE *handles = NULL;
    UINTN n = 0;
    if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &BlockIoProtocol, NULL, &n,
                          &handles) != EFI_SUCCESS)
        n = 0; /* none from the firmware: our own drivers may still find some */
    for (UINTN k = 0; k < n && ndisks < MAX_DISKS; k++) {
        EFI_BLOCK_IO *bio = NULL;
        if (uefi_call_wrapper(BS->HandleProtocol, 3, handles[k], &BlockIoProtocol,
                              (VOID **)&bio) != EFI_SUCCESS || !bio || !bio->Media)
            continue;
        describe(ndisks++, handles[k], bio);
    }
    for (int i = 0; i < ndisks; i++)
        if (disks[i].partition)
            disks[i].parent = parent_of(i);
    if (handles)
        FreePool(handles);
    ndisks = uefi_native_merge(disks, ndisks, MAX_DISKS);
    return ndisks;
}

EFI_DEVICE_PATH *uefi_block_dp(int index)
{
    return index >= 0 && index < ndisks ? priv[index].dp : NULL;
}

void uefi_block_rebind(void)
{
    for (int i = 0; i < ndisks; i++) {
        struct udisk *u = &priv[i];
        EFI_DEVICE_PATH *rest = u->dp;
        EFI_HANDLE h = NULL;
        EFI_BLOCK_IO *bio = NULL;
        if (!u->dp || uefi_call_wrapper(BS->LocateDevicePath, 3, &BlockIoProtocol, &rest, &h) !=
                          EFI_SUCCESS || !IsDevicePathEnd(rest))
            continue;
        if (uefi_call_wrapper(BS->HandleProtocol, 3, h, &BlockIoProtocol, (VOID **)&bio) !=
                EFI_SUCCESS || !bio)
            continue;
        u->h = h;
        u->bio = bio;
        if (u->bio2 && uefi_call_wrapper(BS->HandleProtocol, 3, h, &BlockIo2Protocol,
                                         (VOID **)&u->bio2) != EFI_SUCCESS)
            u->bio2 = NULL;
    }
}

static int check(struct plat_disk *d, uint64_t lba, size_t bytes, void *buf)
{
    struct udisk *u = d->priv;
    if (!u || u->wedged)
        return u ? PLAT_IO_TIMEOUT : PLAT_IO_NO_MEDIA;
    if (!u->bio->Media->MediaPresent)
        return PLAT_IO_NO_MEDIA;
    if (u->bio->Media->MediaId != d->media_id) /* even with a driver that would not check */
        return PLAT_IO_CHANGED;
    if (!bytes || bytes % d->block_size || lba > d->blocks || bytes / d->block_size > d->blocks - lba)
        return PLAT_IO_RANGE;
    if (d->io_align > 1 && ((uintptr_t)buf & (d->io_align - 1)))
        return PLAT_IO_RANGE;
    return 0;
}

/* One synchronous transfer, sent as pieces of at most BB_DISK_XFER_MAX bytes (recorded). */
static int sync_io(struct plat_disk *d, int write, uint64_t lba, void *buf, size_t bytes)
{
    struct udisk *u = d->priv;
    EFI_BLOCK_IO *b = u->bio;
    if (bytes > BB_DISK_XFER_MAX)
        note_split(bytes);
    for (size_t off = 0; off < bytes;) {
        size_t piece = bytes - off > BB_DISK_XFER_MAX ? BB_DISK_XFER_MAX : bytes - off;
        uint64_t at = lba + off / d->block_size;
        void *p = (uint8_t *)buf + off;
        EFI_STATUS st = write ? uefi_call_wrapper(b->WriteBlocks, 5, b, d->media_id, at, piece, p)
                              : uefi_call_wrapper(b->ReadBlocks, 5, b, d->media_id, at, piece, p);
        if (st != EFI_SUCCESS)
            return io_status(st);
        off += piece;
    }
    return PLAT_IO_OK;
}

int plat_disk_read(struct plat_disk *d, uint64_t lba, void *buf, size_t bytes)
{
    if (uefi_native_owns(d))
        return uefi_native_read(d, lba, buf, bytes);
    int rc = check(d, lba, bytes, buf);
    return rc ? rc : sync_io(d, 0, lba, buf, bytes);
}

/* Queued transfers through Block IO 2 (kernel/block/blk_engine.c): tokens and events made for each
 * batch; when a transfer times out they and the buffers are abandoned, never reused or freed
 * (a late completion must not land in another batch or in memory given back). */
struct qctx {
    struct plat_disk *d;
    EFI_BLOCK_IO2_TOKEN *tok;
    int qd;
    uint8_t pending[MAX_QD];  /* per token: submitted, its event not yet seen */
};

static int q_submit(void *vc, int slot, int write, uint64_t lba, void *buf, size_t bytes, uint64_t now)
{
    struct qctx *c = vc;
    (void)now;
    struct udisk *u = c->d->priv;
    EFI_BLOCK_IO2_PROTOCOL *b = u->bio2;
    EFI_BLOCK_IO2_TOKEN *t = &c->tok[slot];
    t->TransactionStatus = EFI_SUCCESS;
    EFI_STATUS st = write
        ? uefi_call_wrapper(b->WriteBlocksEx, 6, b, c->d->media_id, lba, t, bytes, buf)
        : uefi_call_wrapper(b->ReadBlocksEx, 6, b, c->d->media_id, lba, t, bytes, buf);
    c->pending[slot] = st == EFI_SUCCESS;
    return io_status(st);
}

/* Every token whose event was signalled is a finished transfer (or piece). */
static int q_reap(void *vc, struct blk_engine *e)
{
    struct qctx *c = vc;
    int got = 0;
    if (fault_on(FAULT_DISK_HANG)) /* a token the driver never completes */
        return 0;
    for (int k = 0; k < c->qd; k++) {
        if (!c->pending[k] || uefi_call_wrapper(BS->CheckEvent, 1, c->tok[k].Event) != EFI_SUCCESS)
            continue;
        c->pending[k] = 0;
        blk_engine_done(e, k, io_status(c->tok[k].TransactionStatus));
        got++;
    }
    return got;
}

static uint64_t q_now(void *vc)
{
    (void)vc;
    return clock_ticks();
}

static int async_batch(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n,
                       size_t bytes, void *const *bufs, uint64_t *lat)
{
    struct udisk *u = d->priv;
    struct qctx c = {d, plat_alloc((size_t)qd * sizeof(EFI_BLOCK_IO2_TOKEN)), qd, {0}};
    int made = 0, rc = 0, wedged = 0;
    if (!c.tok)
        return PLAT_IO_NOMEM;
    for (; made < qd; made++)
        if (uefi_call_wrapper(BS->CreateEvent, 5, 0, TPL_CALLBACK, NULL, NULL,
                              &c.tok[made].Event) != EFI_SUCCESS) {
            rc = PLAT_IO_NOMEM;
            goto err_events;
        }
    if (bytes > BB_DISK_XFER_MAX)
        note_split(bytes);
    struct blk_engine_ops o = {&c, q_submit, NULL, q_reap, NULL, q_now,
                               (uint64_t)(BB_DISK_IO_TIMEOUT_S * g_clock.hz), d->block_size,
                               BB_DISK_XFER_MAX};
    rc = blk_engine_run(&o, write, qd, lba, n, bytes, bufs, lat, &wedged);
    if (wedged) {
        u->wedged = 1;
        for (int i = 0; i < n; i++)
            uefi_memory_abandon(bufs[i], bytes);
        degraded_note("disk", "disk %d: a queued transfer did not complete within %.0f s; its "
                      "tokens and buffers are abandoned and the disk is not used again",
                      d->index, BB_DISK_IO_TIMEOUT_S);
        return rc; /* tokens, events and buffers stay with the driver */
    }
err_events:
    for (int s = 0; s < made; s++)
        uefi_call_wrapper(BS->CloseEvent, 1, c.tok[s].Event);
    plat_free(c.tok);
    return rc;
}

int plat_disk_batch(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n,
                    size_t bytes, void *const *bufs, uint64_t *lat_ticks)
{
    struct udisk *u = d->priv;
    if (uefi_native_owns(d))
        return uefi_native_batch(d, write, qd, lba, n, bytes, bufs, lat_ticks);
    if (write && d->read_only)
        return PLAT_IO_READ_ONLY;
    for (int i = 0; i < n; i++) {
        int rc = check(d, lba[i], bytes, bufs[i]);
        if (rc)
            return rc;
    }
    if (qd > 1 && u->bio2)
        return async_batch(d, write, qd > MAX_QD ? MAX_QD : qd, lba, n, bytes, bufs, lat_ticks);
    return blk_engine_sync(d, write, lba, n, bytes, bufs, lat_ticks, sync_io);
}

int plat_disk_writable(struct plat_disk *d, char *why, size_t whylen)
{
    (void)why;
    (void)whylen;
    return d->read_only ? PLAT_IO_READ_ONLY : 0; /* Block IO has no open mode */
}

int plat_disk_flush(struct plat_disk *d)
{
    struct udisk *u = d->priv;
    if (uefi_native_owns(d))
        return uefi_native_flush(d);
    if (!u || u->wedged)
        return PLAT_IO_TIMEOUT;
    if (u->bio->Media->MediaId != d->media_id)
        return PLAT_IO_CHANGED;
    return io_status(uefi_call_wrapper(u->bio->FlushBlocks, 1, u->bio));
}
