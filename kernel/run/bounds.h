/* bounds.h - every bound on a wait of the image in one place: how long barebench waits for a
 * clock, a UART, the console, other processors and a disk before it gives up and records why. */
#ifndef BB_BOUNDS_H
#define BB_BOUNDS_H

#include "arch/cpu.h"

/* Before calibration the counter's rate is unknown: waits are bounded in counter ticks assuming
 * the fastest plausible rate, so a slower counter only makes the real bound longer (never
 * infinite): 10 GHz, any TSC; an architecture whose counter is far slower states its own in
 * arch/cpu.h (aarch64: twice CNTFRQ_EL0 - a 62.5 MHz counter taken for 10 GHz made 5 s waits
 * 13 minutes). */
#ifndef ARCH_COUNTER_HZ_MAX
#define BB_TSC_HZ_MAX 10e9
#else
#define BB_TSC_HZ_MAX ARCH_COUNTER_HZ_MAX
#endif

/* Reference clock sanity check (kernel/machine/refclock.c): firmware Stall of this length, at most this
 * many tries (interrupts off); the reference must advance between MIN and MAX times its nominal
 * count in one of them (a loaded host makes Stall overshoot: more tries, not a wider band). */
#define BB_REF_CHECK_STALL_US 2000
#define BB_REF_CHECK_TRIES 12
#define BB_REF_CHECK_MIN_RATIO 0.75
#define BB_REF_CHECK_MAX_RATIO 1.5
/* Waiting for a reference clock edge: at most this long at BB_TSC_HZ_MAX. */
#define BB_REF_EDGE_TIMEOUT_S 0.002
/* A calibration interval may take this many times its nominal length (at BB_TSC_HZ_MAX). */
#define BB_REF_INTERVAL_SLACK 4.0

/* UART (drivers/x86/uart16550.c): one character may wait this long for the transmitter; after
 * one timeout the port is not used again for the run. 115200 baud empties a 16-byte FIFO in
 * 1.4 ms; 9600 baud sends one character in 1 ms. */
#define BB_UART_CHAR_TIMEOUT_US 5000

/* Firmware console (boot/uefi_console.c): a ConOut call is slow when it takes longer than
 * SLOW_BASE_US plus SLOW_US_PER_CHAR per character (a console slower than ~5000 baud); after
 * SLOW_CALLS slow calls in a row, or SLOW_TOTAL_US spent in slow calls, ConOut is not used
 * again for the run. */
#define BB_CONOUT_SLOW_BASE_US 50000
#define BB_CONOUT_SLOW_US_PER_CHAR 2000
#define BB_CONOUT_SLOW_CALLS 3
#define BB_CONOUT_SLOW_TOTAL_US 5000000

/* Multi-core runs (kernel/machine/mp_run.c): processors must check in within START; after the caller's
 * own share returns the others must finish within DRAIN; the firmware is told to stop a run
 * after RUN (StartupAllAPs TimeoutInMicroSeconds); NOT_READY is retried TRIES times, RETRY_US
 * apart; a barrier inside a run waits at most BARRIER. */
#define BB_MP_START_TIMEOUT_US 5000000
#define BB_MP_DRAIN_TIMEOUT_US 10000000
#define BB_MP_RUN_TIMEOUT_US 900000000ull
#define BB_MP_NOT_READY_TRIES 5
#define BB_MP_NOT_READY_RETRY_US 200000
/* aarch64 without EFI MP services: a processor started by PSCI CPU_ON must be seen OFF again
 * (AFFINITY_INFO) this long after its CPU_OFF, before it is started again or the run ends */
#define BB_PSCI_OFF_TIMEOUT_US 1000000
#define BB_BARRIER_TIMEOUT_S 30.0

/* Disks (boot/uefi_block.c): one queued transfer may take this long; one transfer is at most
 * XFER_MAX bytes (larger ones are split, recorded). */
#define BB_DISK_IO_TIMEOUT_S 30.0
#define BB_DISK_XFER_MAX (4u << 20)

/* HLT test (boot/x86/uefi_trap.c): the local APIC timer must fire within this. */
#define BB_HLT_WAKE_TIMEOUT_S 0.1

/* then=wait: the key press that ends a run on the screen; nobody coming powers off after this */
#define BB_WAIT_KEY_TIMEOUT_S 3600

#endif
