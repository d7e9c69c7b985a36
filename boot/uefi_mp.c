/* uefi_mp.c - multi-core on UEFI through EFI_MP_SERVICES_PROTOCOL: the firmware side of
 * kernel/machine/mp_run.c (per-AP non-blocking StartupThisAP with one event each, blocking StartupAllAPs
 * as fallback).  AP code calls no boot services; every wait is bounded (kernel/run/bounds.h). */
#include "arch/cpu.h"
#include "boot/uefi.h"
#include "kernel/run/bounds.h"
#include "kernel/machine/clock.h"
#include "kernel/run/degraded.h"
#include "kernel/run/fault.h"
#include "kernel/machine/mp_run.h"
#include "kernel/platform.h"
#include "boot/efi_protocols.h"

static BB_EFI_MP_SERVICES_PROTOCOL *mp;
static int have_mp;                   /* MP services, or the architecture's own bring-up */
static struct mp_ops fallback_ops;    /* that bring-up's (boot/<arch>/uefi_mp_fallback) */
static const struct mp_ops *run_ops;
static struct mp_state state;
static EFI_EVENT ev[MP_MAX_CPUS]; /* per processor number: its run's event, NULL if none */
static char done[MP_MAX_CPUS];    /* latched: CheckEvent clears the signal it reports */

static int stuck_taken; /* fault=ap-stuck: one AP, once */

static VOID EFIAPI ap_tramp(VOID *p)
{
    if (fault_on(FAULT_AP_STUCK) && !__atomic_exchange_n(&stuck_taken, 1, __ATOMIC_ACQ_REL))
        arch_halt_forever(); /* never checks in, never returns (halted: no host time under emulation) */
    mp_ap_entry(p);
}

static int status(EFI_STATUS st)
{
    return st == EFI_SUCCESS ? MP_OK : st == EFI_UNSUPPORTED ? MP_UNSUPPORTED
         : st == EFI_NOT_READY ? MP_NOT_READY : st == EFI_TIMEOUT ? MP_TIMEOUT : MP_ERROR;
}

static int start_ap(void *ctx, int proc, void *arg, uint64_t timeout_us)
{
    (void)ctx;
    if (proc < 0 || proc >= MP_MAX_CPUS || ev[proc])
        return MP_ERROR; /* an earlier run on it was abandoned: never reuse its event */
    if (uefi_call_wrapper(BS->CreateEvent, 5, 0, 0, NULL, NULL, &ev[proc]) != EFI_SUCCESS) {
        ev[proc] = NULL;
        return MP_ERROR;
    }
    done[proc] = 0;
    EFI_STATUS st = mp->StartupThisAP(mp, ap_tramp, (UINTN)proc, ev[proc], (UINTN)timeout_us,
                                      arg, NULL);
    if (st != EFI_SUCCESS) {
        uefi_call_wrapper(BS->CloseEvent, 1, ev[proc]);
        ev[proc] = NULL;
    }
    return status(st);
}

static int ap_done(void *ctx, int proc)
{
    (void)ctx;
    if (!done[proc] && ev[proc] && uefi_call_wrapper(BS->CheckEvent, 1, ev[proc]) == EFI_SUCCESS)
        done[proc] = 1;
    return done[proc];
}

static void ap_release(void *ctx, int proc)
{
    (void)ctx;
    if (ev[proc] && done[proc]) {
        uefi_call_wrapper(BS->CloseEvent, 1, ev[proc]);
        ev[proc] = NULL;
    }
}

static int start_all_blocking(void *ctx, void *arg, uint64_t timeout_us)
{
    (void)ctx;
    return status(mp->StartupAllAPs(mp, ap_tramp, FALSE, NULL, (UINTN)timeout_us, arg, NULL));
}

static void stall(uint64_t us)
{
    uefi_call_wrapper(BS->Stall, 1, (UINTN)us);
}

static uint64_t now_us(void)
{
    double hz = g_clock.hz > 0 ? g_clock.hz : BB_TSC_HZ_MAX;
    return (uint64_t)((double)clock_ticks() * 1e6 / hz);
}

static const struct mp_ops ops = {NULL, start_ap, ap_done, ap_release, start_all_blocking,
                                  stall, now_us, uefi_simd_enable, uefi_cpu_slot};

void uefi_mp_init(void)
{
    EFI_GUID guid = BB_EFI_MP_SERVICES_PROTOCOL_GUID;
    UINTN total = 0, enabled = 0, bsp = 0;
    if (LibLocateProtocol(&guid, (VOID **)&mp) != EFI_SUCCESS || !mp ||
        mp->GetNumberOfProcessors(mp, &total, &enabled) != EFI_SUCCESS ||
        mp->WhoAmI(mp, &bsp) != EFI_SUCCESS) {
        mp = NULL;
        const char *why = NULL;
        fallback_ops = ops;
        have_mp = uefi_mp_fallback(&state, &fallback_ops, &why) == 0;
        run_ops = &fallback_ops;
        if (!have_mp && why)
            degraded_note("mp", "no EFI MP services, and no own bring-up: %s", why);
        return;
    }
    have_mp = 1;
    run_ops = &ops;
    for (UINTN i = 0; i < total && i < MP_MAX_CPUS; i++) {
        BB_EFI_PROCESSOR_INFORMATION info;
        if (i == bsp || mp->GetProcessorInfo(mp, i, &info) != EFI_SUCCESS ||
            !(info.StatusFlag & 0x2)) /* PROCESSOR_ENABLED_BIT */
            continue;
        state.ap[state.naps++] = (int)i;
    }
}

int plat_cpu_count(void)
{
    return have_mp ? mp_usable(&state) : 1;
}

int plat_cpu_total(void)
{
    return have_mp ? state.naps + 1 : 1;
}

int plat_cpu_left_out(int proc)
{
    return have_mp ? mp_left_out(&state, proc) : 0;
}

int plat_cpu_lost_running(void)
{
    return state.lost_running;
}

int plat_run_on_cpus(int n, plat_cpu_fn fn, void *arg)
{
    if (!have_mp && n > 1)
        return -1;
    return mp_run(&state, run_ops ? run_ops : &ops, n, fn, arg);
}
