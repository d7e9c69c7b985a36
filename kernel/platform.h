/* platform.h - the small interface every host (UEFI image, Linux program) implements.
 * Portable code (kernel/ portable files, bench/) reaches the machine only through this. */
#ifndef BB_PLATFORM_H
#define BB_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

struct identity;

/** Write n bytes of text to every console the host has (UEFI: ConOut and/or COM1). */
void plat_write(const char *s, size_t n);

/** Write part of the results document (with its BEGIN/END lines) where text records are kept:
 *  UEFI, the serial consoles only (serial text-output handles, COM1), every console when
 *  on_screen; Linux, stdout.  `where` gets the consoles' names ("" when none took it). */
void plat_write_document(const char *s, size_t n, int on_screen, char *where, size_t where_len);

/** Small zeroed allocation (pool memory); NULL on failure. */
void *plat_alloc(size_t bytes);
void plat_free(void *p);

/** Large buffer, page-backed, aligned to `align` (a power of two, >= 4096).
 *  flags: PLAT_PAGES_HUGE asks for 2 MiB pages where the host can give them. */
#define PLAT_PAGES_HUGE 1u
/* PLAT_PAGES_DMA32: a device will DMA into it; below 4 GiB where the host can (UEFI) */
#define PLAT_PAGES_DMA32 2u
void *plat_alloc_pages(size_t bytes, size_t align, unsigned flags);
void plat_free_pages(void *p, size_t bytes);
/** Bytes of memory a benchmark may still take in one piece (largest free block). */
uint64_t plat_largest_free(void);

/** Number of logical processors the host lets us run on. */
int plat_cpu_count(void);

/** 1 when processor number `proc` (as in plat_topology) was left out of runs for good: it
 *  never checked in or never finished a run (recorded in env.degraded); 0 otherwise. */
int plat_cpu_left_out(int proc);
/** Processors numbered at the start (0..total-1), those left out since included. */
int plat_cpu_total(void);
/** How many processors were left out while inside a run's function (so far, in all runs): such
 *  a processor may wake and write to that run's argument, which must then never be freed,
 *  reused or handed to a retry. */
int plat_cpu_lost_running(void);

/** Run fn(arg, i) on processors i = 0..n-1 at the same time; processor 0 is the caller.
 *  Returns 0 once every call has returned, or a negative value if the others could not start. */
typedef void (*plat_cpu_fn)(void *arg, int cpu);
int plat_run_on_cpus(int n, plat_cpu_fn fn, void *arg);

/* ---- topology and processor selection (kernel/machine/topology.h) ---- */
struct topo_cpu;
/** Location of processors 0..n-1 (package, die, core, thread, hardware id); *source names where
 *  it came from.  Returns 0, or -1 when the host cannot tell (the caller falls back to what the
 *  CPU itself says). */
int plat_topology(struct topo_cpu *out, int n, const char **source);
/** From now on plat_run_on_cpus runs its index i on processor procs[i] (procs[0] must be 0;
 *  the array must stay valid); NULL restores the identity order. */
void plat_cpu_select(const int *procs, int n);
/** Stolen time the host OS accounts for run index idx (Linux: /proc/stat "steal"), in ns.
 *  Returns 0, or -1 where there is no OS to ask (UEFI). */
int plat_os_steal_ns(int idx, uint64_t *ns);

/** Interrupts off for a measured interval (no-op where we are not ring 0). */
uint64_t plat_irq_save(void);
void plat_irq_restore(uint64_t state);

/** The reference clock the counter of clock_ticks() is calibrated against. */
struct ref_clock {
    const char *name;     /* "acpi-pm", "clock_monotonic_raw", ... */
    double hz;            /* nominal ticks per second */
    uint64_t mask;        /* counter width: wraps at mask+1 */
    uint64_t (*read)(void);
};
/** NULL when the host has none it can read (e.g. hardware-reduced ACPI has no timer block). */
const struct ref_clock *plat_ref_clock(void);
/** Why the host's reference clock(s) were refused by the sanity check (kernel/machine/refclock.h),
 *  e.g. "acpi-pm does not count ..."; NULL when nothing was refused. */
const char *plat_ref_clock_rejected(void);
/** Busy-wait about `us` microseconds using the host's own service (UEFI Stall / nanosleep). */
void plat_stall_us(uint64_t us);

/** 1 when we run in ring 0 (UEFI image), 0 in a user-space program. */
int plat_ring0(void);
/** "uefi" or "linux". */
const char *plat_build(void);

/** The firmware's ACPI table with signature `sig` (header included; *len its readable bytes), or
 *  NULL when there is none or it cannot be read (UEFI: found from the RSDP, checksum verified;
 *  Linux: /sys/firmware/acpi/tables/<sig>, which only root may read).  *why (may be NULL) gets
 *  why a table that exists could not be read, else NULL. */
const void *plat_acpi_table(const char sig[4], uint32_t *len, const char **why);

/** Fill host-specific parts of the machine identity (SMBIOS, memory, firmware). */
void plat_identity(struct identity *id);

/** Store the results document where the host keeps them.  On success returns 0 and
 *  describes the place in `where`; otherwise a negative value and the reason in `where`. */
int plat_save_results(const char *json, size_t n, const char *file_name,
                      char *where, size_t where_len);

/** Read a small file whole (UEFI: from the volume barebench was loaded from, path with '/' or '\\'
 *  separators; Linux: a path in the file system) into a plat_alloc'd buffer (*buf, max+1 bytes,
 *  NUL-terminated; plat_free it).  1 read, 0 not there (no such file, no file system), -1 it
 *  cannot be read or is larger than max; err says which (naming the path) in both 0 and -1. */
int plat_read_boot_file(const char *path, size_t max, char **buf, size_t *len, char *err,
                        size_t errlen);

/** Seconds since 1970 from the host's real-time clock, 0 if unknown; and a time string. */
int64_t plat_unix_time(void);

/* ---- block devices (suite "disk") ----
 * Every block device the host offers: UEFI, each EFI_BLOCK_IO_PROTOCOL handle (whole disks and
 * partitions); Linux, the paths named by the disk= option.  Writes are for bench/disk_guard.c
 * only: it refuses any device not verified as scratch (see bench/disk_marker.h). */
struct plat_disk {
    int index;               /* position in the list */
    char kind[12];           /* nvme, sata, ide, scsi, virtio, usb, cd, pci, file, block, ... */
    char model[48], serial[32];
    char path[128];          /* device path text (UEFI) or file name (Linux) */
    uint32_t block_size;     /* bytes per block */
    uint32_t io_align;       /* required buffer alignment in bytes (>= 1) */
    uint64_t blocks;         /* number of blocks (LastBlock + 1) */
    int media_present, read_only, removable, partition;
    int parent;              /* index of the whole disk holding this partition, -1 if unknown */
    int max_qd;              /* deepest queue the host can keep in flight (1 = synchronous) */
    uint32_t media_id;       /* medium every call names (UEFI MediaId as discovered; 0 on Linux):
                              * a medium swapped since then fails with PLAT_IO_CHANGED */
    const char *sync_api;    /* what QD1 uses: "blockio" (UEFI), "psync" (Linux) */
    const char *queue_api;   /* what QD>1 uses: "blockio2", "linux-aio"; NULL if none */
    int holes_known;         /* hole_bytes was measured (Linux files; 0 elsewhere) */
    uint64_t hole_bytes;     /* bytes in holes or unwritten extents when opened: read at RAM speed */
    void *priv;              /* host's handle */
    int twin;                /* the same disk through the other driver (disk_driver=both), -1 */
    struct plat_disk_ctrl {  /* the controller, when the UEFI image knows it */
        const char *driver;  /* barebench's own driver ("nvme"); NULL: the firmware's */
        char pci[16], pci_id[12]; /* "0000:00:04.0", "1b36:0010" */
        int queues, queue_depth;  /* I/O queue pairs and entries per queue */
        uint32_t max_transfer;    /* bytes per command */
        struct plat_disk_addr {   /* where the disk is behind its controller (own drivers) */
            enum plat_transport {
                PLAT_T_NONE,      /* not known (firmware and Linux paths) */
                PLAT_T_PCI,       /* the PCI function is the disk (virtio-blk) */
                PLAT_T_NVME,      /* an NVMe namespace: nsid */
                PLAT_T_SATA,      /* an AHCI port: port */
                PLAT_T_SCSI       /* a SCSI logical unit: target, lun */
            } transport;
            uint32_t port, target, nsid;
            uint64_t lun;
        } addr;
        char note[96];            /* why the controller was left to the firmware, or "" */
        const char *type;         /* the own driver's name for the controller ("virtio-scsi") */
        char vendor[9], product[17], revision[5]; /* SCSI INQUIRY, "" elsewhere */
    } ctrl;
};

/* Status codes of the disk calls (0 = success). */
enum plat_io_status {
    PLAT_IO_OK = 0, PLAT_IO_ERROR = -1, PLAT_IO_NO_MEDIA = -2, PLAT_IO_TIMEOUT = -3,
    PLAT_IO_READ_ONLY = -4, PLAT_IO_RANGE = -5, PLAT_IO_SHORT = -6, PLAT_IO_UNSUPPORTED = -7,
    PLAT_IO_NOMEM = -8, PLAT_IO_CHANGED = -9
};

/** Discover the block devices once (later calls return the same list).  `spec` is the disk=
 *  option: the Linux build opens the comma-separated paths in it; UEFI lists every handle.
 *  Returns the number of devices and points *list at them. */
int plat_disks(const char *spec, struct plat_disk **list);

/** Which driver reaches the disks (option disk_driver): own drivers where the UEFI image has
 *  one (auto), only those (native), the firmware's (firmware), or each disk through both.
 *  Set before plat_disks; the Linux build ignores it. */
enum { PLAT_DRIVER_AUTO, PLAT_DRIVER_NATIVE, PLAT_DRIVER_FIRMWARE, PLAT_DRIVER_BOTH };
void plat_disk_driver(int mode);

/** Before transfers on d: an own driver takes d's controller from the firmware (or, for a
 *  firmware path, any taken controller is given back).  0, or a PLAT_IO_* status with `why`. */
int plat_disk_open(struct plat_disk *d, char *why, size_t whylen);
/** End of the disk suite: every controller goes back to the firmware (reset, reconnected). */
void plat_disk_release(void);
/** What the device said about the last failed transfer on d (an own driver's detail, e.g. a
 *  SCSI CHECK CONDITION's sense key and ASC/ASCQ), "" when nothing is known. */
const char *plat_disk_error_detail(const struct plat_disk *d);
/** The i-th storage controller barebench has its own driver for but no firmware driver
 *  manages (its disks exist only for the own driver): 1 with `text` describing it
 *  ("0000:00:05.0 (15ad:07c0, PVSCSI)"), 0 past the last (Linux: none). */
int plat_disk_unserved(int i, char *text, size_t n);

/** Read `bytes` (a multiple of block_size) at block `lba` into buf (aligned to io_align). */
int plat_disk_read(struct plat_disk *d, uint64_t lba, void *buf, size_t bytes);

/** Run n transfers of `bytes` each at blocks lba[0..n-1], keeping up to qd of them in flight
 *  (qd <= max_qd), transfer i using bufs[i] (n entries; reads may repeat a buffer, writes give
 *  each transfer its own data).  lat_ticks, when not NULL, receives each
 *  transfer's latency in clock_ticks() ticks.  Stops at the first failure and returns its status.
 *  write != 0 only from bench/disk_guard.c. */
int plat_disk_batch(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n,
                    size_t bytes, void *const *bufs, uint64_t *lat_ticks);

/** Make written data durable (FlushBlocks / fdatasync). */
int plat_disk_flush(struct plat_disk *d);

/** Called once the write guard verified d and writes are asked for: devices are opened
 *  read-only until then.  Linux reopens the same file (checked) for writing, refusing a
 *  mounted or claimed block device; UEFI has nothing to do.  0 or PLAT_IO_*; `why` gets the
 *  reason of a refusal. */
int plat_disk_writable(struct plat_disk *d, char *why, size_t whylen);

/** A mapping of `bytes` (a 2 MiB multiple) with pages of `page_kb` KiB (4 or 2048), for the mem
 *  suite's page-walk test.  UEFI: our own page tables map buf's memory (2 MiB aligned) in a
 *  window above the identity map, CR3 switched until plat_unmap_window.  Linux: new anonymous
 *  memory with huge pages asked for or refused (madvise); buf unused, contents undefined.
 *  NULL when it cannot be done.  One window at a time. */
void *plat_map_window(void *buf, size_t bytes, int page_kb);
void plat_unmap_window(void *win, size_t bytes);
/** Where `addr` (a window of plat_map_window, or plat_unmapped_address) sits among the
 *  firmware's page tables: *slot = its slot in the top-level table, *lower_used = how many of
 *  the lower half's top-level slots the firmware's own tables map (read from the firmware's
 *  top-level table, also while a window is active).  0, or -1 where not known (Linux build;
 *  a layout the architecture's code does not read, e.g. five levels of tables). */
int plat_pt_layout(uintptr_t addr, int *slot, int *lower_used);

/* ---- trap-safe execution (suite "vmcost") ----
 * UEFI: plat_trap_begin installs our handlers for the undefined-instruction, protection and
 * page faults in the processor's exception table (the architecture's code, boot/<arch>/) and
 * plat_trap_end puts the firmware's back; Linux: SIGILL/SIGSEGV/SIGBUS handlers.  Only the
 * processor that called plat_trap_begin may use plat_try. */
int plat_trap_begin(void);
void plat_trap_end(void);
/** Run fn(arg); one of those faults inside it abandons fn instead of crashing.  Returns 0 when
 *  fn returned, else the architecture's number of the fault (arch/cpu.h ARCH_FAULT_*;
 *  vm_vector_name names it); -1 when plat_trap_begin has not succeeded. */
int plat_try(void (*fn)(void *arg), void *arg);
/** An address no page maps (reading it takes a page fault), or 0 if none is known. */
uintptr_t plat_unmapped_address(void);
/* What only one architecture has is declared in its arch/platform.h (kernel/<arch>/arch/). */

/** Send the results document to a collector (upload=http://HOST:PORT/PATH) as an HTTP POST
 *  with Content-Length and what auth asks for (signature headers, or the legacy token).  Every wait
 *  is bounded (a few seconds; DHCP up to 15 s on UEFI).  One attempt: returns the HTTP status
 *  the collector answered, else UPLOAD_NO_ANSWER (-1: no connection, timeout; worth a retry) or
 *  UPLOAD_PERMANENT (-2: bad URL, no NIC); `why` tells what happened (e.g. "HTTP 201: ..."). */
struct upload_auth;
int plat_upload_results(const char *url, const struct upload_auth *auth, const char *json,
                        size_t n, char *why, size_t whylen);

/** The MAC address of the network card an upload to url leaves through, as
 *  "aa:bb:cc:dd:ee:ff" in mac (18 bytes), for the document's env.network.mac: a machine is
 *  known by it across runs.  Called after measuring (UEFI: picks the NIC as the upload will;
 *  when no card's driver is connected yet, connects those of the network cards, as the upload
 *  is about to).  0, or -1 when unknown (bad URL, no NIC,
 *  a loopback route). */
int plat_upload_mac(const char *url, char mac[18]);

/** Whether an https:// upload can be made: 1 yes (Linux: OpenSSL; UEFI: the firmware offers
 *  EFI HTTP and TLS), 0 no (why says what is missing), -1 cannot tell before the upload (UEFI
 *  whose network stack is not started yet: TLS is there, HTTP shows up on the NIC only then). */
int plat_upload_tls(char *why, size_t whylen);

/* ---- NUMA (suite "mem") ---- */
struct numa_info;
/** The NUMA layout (UEFI: ACPI SRAT/SLIT; Linux: libnuma), always at least one node.  The
 *  first call must come from the first processor (identity_collect makes it). */
const struct numa_info *plat_numa(void);
/** Node index of the calling processor; callable on every processor (no firmware call).
 *  0 when the layout does not list it. */
int plat_cpu_node(void);
/** Like plat_alloc_pages, from the memory of node index `node` (UEFI: pages at an address
 *  inside the node's ranges; Linux: bound to the node with libnuma).  NULL when it has no
 *  room.  Freed with plat_free_pages. */
void *plat_alloc_pages_node(size_t bytes, size_t align, int node);
/** Node index holding the (touched) memory at p, -1 when unknown. */
int plat_addr_node(const void *p);
/** Run fn(arg) on one processor of node index `node` and wait for it (bounded).  Returns 0,
 *  or -1 when no processor of the node can be used. */
int plat_run_on_node(int node, void (*fn)(void *arg), void *arg);

#endif
