/* identity.h - who ran the benchmark: CPU, hypervisor, SMBIOS system, memory, firmware. */
#ifndef BB_IDENTITY_H
#define BB_IDENTITY_H

#include "arch/cpu.h"
#include "kernel/firmware/smbios.h"

#include <stdint.h>

struct json;

struct identity {
    struct cpu_info cpu;
    struct smbios_info smbios;
    int ncpus;                 /* logical processors we can run on */
    int ncpus_enabled;         /* as the firmware/OS counts them */
    uint64_t mem_total;        /* RAM bytes in the memory map */
    uint64_t mem_free;         /* free (conventional) bytes */
    uint64_t mem_largest_free; /* largest free block */
    char fw_vendor[64];        /* UEFI firmware vendor (UEFI build) */
    uint32_t fw_revision;
    char uefi_version[16];     /* "2.70" */
    char os[96];               /* Linux build: kernel name and release */
    char hostname[64];         /* Linux build: the host's name (uname) */
    char mac[18];              /* the NIC the upload leaves through, aa:bb:cc:dd:ee:ff; "" when
                                  unknown or no upload (set by the app: plat_upload_mac) */
    char acpi_oem[8];          /* ACPI RSDP OEM id, when known */
    uint32_t apic[1024];       /* APIC id of each processor we run on (by run index) */
    int napic;                 /* 0 when they could not be asked */
};

/** CPU part (CPUID) + the host's part (plat_identity). */
void identity_collect(struct identity *id);
/** Ask every processor for its APIC id (id->apic, id->napic). */
void identity_collect_apic(struct identity *id);
/** Writes the members of "env" except "timer" (the caller owns the object). */
void identity_write_json(const struct identity *id, struct json *j);

#endif
