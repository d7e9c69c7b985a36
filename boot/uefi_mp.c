/* uefi_mp.c - multi-core on UEFI through EFI_MP_SERVICES_PROTOCOL: counts processors and runs
 * a function on several at once (non-blocking StartupAllAPs; the BSP runs its share too).
 * AP code calls no boot services; a start handshake with a timeout means a processor that
 * never starts is reported, not waited for forever. */
#include "boot/uefi.h"
#include "kernel/platform.h"
#include "kernel/x86/arch.h"
#include "boot/efi_protocols.h"

static BB_EFI_MP_SERVICES_PROTOCOL *mp;
static int ncpus = 1;

void uefi_mp_init(void)
{
    EFI_GUID guid = BB_EFI_MP_SERVICES_PROTOCOL_GUID;
    UINTN total = 0, enabled = 0;
    if (LibLocateProtocol(&guid, (VOID **)&mp) != EFI_SUCCESS || !mp) {
        mp = NULL;
        return;
    }
    if (mp->GetNumberOfProcessors(mp, &total, &enabled) == EFI_SUCCESS && enabled >= 1)
        ncpus = (int)enabled;
}

int plat_cpu_count(void)
{
    return ncpus;
}

struct run {
    plat_cpu_fn fn;
    void *arg;
    int n;
    volatile int ticket;  /* next CPU index to hand out */
    volatile int started; /* APs that took an index */
    volatile int go;      /* 1 run, -1 abort */
};

static struct run g_run;

static VOID EFIAPI ap_entry(VOID *p)
{
    struct run *r = p;
    int idx = uefi_cpu_slot(); /* cpus= selection: the index follows the topology */
    if (idx == -2)
        idx = __atomic_add_fetch(&r->ticket, 1, __ATOMIC_ACQ_REL);
    if (idx < 1 || idx >= r->n)
        return; /* more processors than asked for, or not selected */
    uefi_simd_enable();
    __atomic_add_fetch(&r->started, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&r->go, __ATOMIC_ACQUIRE) == 0)
        arch_relax();
    if (r->go > 0)
        r->fn(r->arg, idx);
}

int plat_run_on_cpus(int n, plat_cpu_fn fn, void *arg)
{
    if (n <= 1 || !mp) {
        if (n > 1)
            return -1;
        fn(arg, 0);
        return 0;
    }
    if (n > ncpus)
        return -1;
    struct run *r = &g_run;
    r->fn = fn;
    r->arg = arg;
    r->n = n;
    r->ticket = 0;
    r->started = 0;
    r->go = 0;
    EFI_EVENT done;
    if (uefi_call_wrapper(BS->CreateEvent, 5, 0, 0, NULL, NULL, &done) != EFI_SUCCESS)
        return -1;
    EFI_STATUS st = mp->StartupAllAPs(mp, ap_entry, FALSE, done, 0, r, NULL);
    if (st != EFI_SUCCESS) {
        uefi_call_wrapper(BS->CloseEvent, 1, done);
        return -1;
    }
    /* wait up to 5 s for the others to check in */
    for (int ms = 0; ms < 5000 && r->started < n - 1; ms++)
        uefi_call_wrapper(BS->Stall, 1, 1000);
    int ok = r->started >= n - 1;
    __atomic_store_n(&r->go, ok ? 1 : -1, __ATOMIC_RELEASE);
    if (ok)
        fn(arg, 0);
    while (uefi_call_wrapper(BS->CheckEvent, 1, done) == EFI_NOT_READY)
        arch_relax();
    uefi_call_wrapper(BS->CloseEvent, 1, done);
    return ok ? 0 : -1;
}
