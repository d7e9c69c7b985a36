/* uefi_block.c - block devices on UEFI: every EFI_BLOCK_IO_PROTOCOL handle (disks and
 * partitions), what it is from its device path (and PCI vendor, Disk Info), synchronous
 * Block IO transfers and queued Block IO 2 transfers (QD > 1) polled with CheckEvent. */
#include "boot/uefi.h"
#include "kernel/block_sync.h"
#include "boot/uefi_block.h"
#include "boot/uefi_native.h"
#include "kernel/clock.h"
#include "kernel/fmt.h"
#include "kernel/platform.h"
#include "boot/efi_protocols.h"

#define MAX_DISKS 64
#define MAX_QD 32
#define IO_TIMEOUT_S 30.0

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
        return 0;
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

static int sync_io(struct plat_disk *d, int write, uint64_t lba, void *buf, size_t bytes)
{
    struct udisk *u = d->priv;
    EFI_BLOCK_IO *b = u->bio;
    EFI_STATUS st = write ? uefi_call_wrapper(b->WriteBlocks, 5, b, d->media_id, lba, bytes, buf)
                          : uefi_call_wrapper(b->ReadBlocks, 5, b, d->media_id, lba, bytes, buf);
    return io_status(st);
}

int plat_disk_read(struct plat_disk *d, uint64_t lba, void *buf, size_t bytes)
{
    if (uefi_native_owns(d))
        return uefi_native_read(d, lba, buf, bytes);
    int rc = check(d, lba, bytes, buf);
    return rc ? rc : sync_io(d, 0, lba, buf, bytes);
}

/* Queued transfers through Block IO 2: one event per slot, polled with CheckEvent. */
static int async_batch(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n,
                       size_t bytes, void *const *bufs, uint64_t *lat)
{
    struct udisk *u = d->priv;
    EFI_BLOCK_IO2_PROTOCOL *b = u->bio2;
    static EFI_BLOCK_IO2_TOKEN tok[MAX_QD];
    uint64_t t0[MAX_QD];
    int idx[MAX_QD], busy[MAX_QD];
    int next = 0, inflight = 0, rc = 0, made = 0;
    uint64_t limit = (uint64_t)(IO_TIMEOUT_S * g_clock.hz);
    for (; made < qd; made++) {
        busy[made] = 0;
        tok[made].TransactionStatus = EFI_SUCCESS;
        if (uefi_call_wrapper(BS->CreateEvent, 5, 0, TPL_CALLBACK, NULL, NULL,
                              &tok[made].Event) != EFI_SUCCESS) {
            rc = PLAT_IO_NOMEM;
            goto err_events;
        }
    }
    while ((next < n && !rc) || inflight) {
        for (int s = 0; s < qd && next < n && !rc; s++) {
            if (busy[s])
                continue;
            t0[s] = clock_ticks();
            EFI_STATUS st = write
                ? uefi_call_wrapper(b->WriteBlocksEx, 6, b, d->media_id, lba[next], &tok[s], bytes, bufs[next])
                : uefi_call_wrapper(b->ReadBlocksEx, 6, b, d->media_id, lba[next], &tok[s], bytes, bufs[next]);
            if (st != EFI_SUCCESS) {
                rc = io_status(st);
                break;
            }
            busy[s] = 1;
            idx[s] = next++;
            inflight++;
        }
        for (int s = 0; s < qd; s++) {
            if (!busy[s])
                continue;
            uint64_t now = clock_ticks();
            if (uefi_call_wrapper(BS->CheckEvent, 1, tok[s].Event) == EFI_SUCCESS) {
                busy[s] = 0;
                inflight--;
                if (lat)
                    lat[idx[s]] = now - t0[s];
                if (tok[s].TransactionStatus != EFI_SUCCESS && !rc)
                    rc = io_status(tok[s].TransactionStatus);
            } else if (now - t0[s] > limit) {
                u->wedged = 1; /* the driver still owns the token and the buffer */
                return PLAT_IO_TIMEOUT;
            }
        }
    }
err_events:
    for (int s = 0; s < made; s++)
        uefi_call_wrapper(BS->CloseEvent, 1, tok[s].Event);
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
    return block_sync_batch(d, write, lba, n, bytes, bufs, lat_ticks, sync_io);
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
