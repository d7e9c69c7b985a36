/* cpu.h (aarch64) - CPU and hypervisor identification from the ID registers (MIDR_EL1,
 * REVIDR_EL1, ID_AA64*), decoded from any source of register values (the real MRS, or values
 * recorded on real CPUs for the unit tests), and the SMCCC hypervisor probe's verdict. */
#ifndef BB_AARCH64_CPU_H
#define BB_AARCH64_CPU_H

#include "kernel/machine/cache_info.h"

#include <stdint.h>

struct json;

/* The ID registers cpu_decode reads, by position in struct cpu_idregs. */
struct cpu_idregs {
    uint64_t midr, revidr, mpidr;
    uint64_t pfr0, pfr1, isar0, isar1, isar2, mmfr0, mmfr1, mmfr2, zfr0, dfr0;
    uint64_t ctr, clidr;
    uint64_t ccsidr[14]; /* CCSIDR_EL1 for CSSELR = 0..13 (level << 1 | instruction), 0: none */
    uint64_t cntfrq;
    uint32_t sve_vl;     /* SVE vector length in bytes (RDVL), 0 without SVE */
    uint32_t current_el; /* the exception level the program runs at (UEFI: 1 or 2), 0 unknown */
};

struct cpu_info {
    char vendor[13];         /* the implementer: "arm", "ampere", "qemu", ... */
    char brand[49];          /* the part: "Neoverse-N1", else "implementer 0x.. part 0x..." */
    uint32_t signature;      /* MIDR_EL1 */
    uint32_t family, model, stepping; /* implementer, part number, variant << 4 | revision */
    uint32_t revidr;
    struct cpu_idregs regs;  /* as read */
    /* ISA features */
    int fp, asimd, sve, sve2, sme, lse, crc32, aes, sha2, dotprod, fhm, fp16, bf16, i8mm, rndr;
    int el2, el3, ecv;       /* EL2 / EL3 implemented, enhanced counter virtualization */
    uint32_t sve_vl_bits;    /* SVE vector length this image runs with, 0 without SVE */
    int rdtscp;              /* always 0: vmcost's argument for an x86 instruction */
    /* hypervisor (SMCCC vendor-specific hypervisor service UID, else the FADT, SMBIOS) */
    char hv_signature[40];   /* the UID as text, or the FADT's hypervisor vendor identity */
    const char *hv_name;     /* kvm, qemu, ..., none, unknown */
    const char *hv_source;   /* "smccc-uid", "fadt", "smbios", "none" */
    uint64_t cntfrq;         /* CNTFRQ_EL0: the counter's rate as the firmware set it */
    uint64_t gtdt_hz;        /* CNTFID0 of the GTDT's CNTControlBase frame, 0 when not read */
    const char *gtdt_why;    /* why not */
    uint32_t base_mhz, max_mhz; /* not in the ID registers: 0 */
    struct cache_info caches[CPU_MAX_CACHES];
    int ncaches;
    uint32_t phys_addr_bits, virt_addr_bits;
};

typedef void (*cpu_idregs_fn)(struct cpu_idregs *r);

/** The ID registers of the running processor (MRS; RDVL when SVE is there and enabled). */
void cpu_idregs_native(struct cpu_idregs *r);
/** Decode everything above but the hypervisor from `r` (pure: recorded values in unit tests). */
void cpu_decode_regs(const struct cpu_idregs *r, struct cpu_info *out);
/** Decode from `fn` and name the hypervisor (cpu_hypervisor_probe). */
void cpu_decode(cpu_idregs_fn fn, struct cpu_info *out);
/** Best SIMD level: "sve2", "sve", "asimd" (the floor of AArch64). */
const char *cpu_best_isa(const struct cpu_info *c);
/** Size of the last-level data/unified cache in bytes (0 if unknown), and of level `lvl`. */
uint32_t cpu_cache_size(const struct cpu_info *c, int lvl);
uint32_t cpu_llc_size(const struct cpu_info *c);
/** Write the "cpu" and "hypervisor" objects' members (caller opened nothing: writes two keys). */
void cpu_write_json(const struct cpu_info *c, struct json *j);

/** The GTDT's CNTControlBase (offset 36), 0 when absent or all ones (not described). */
uint64_t gtdt_cnt_control_base(const uint8_t *gtdt, uint32_t len);
/** gtdt_hz from that frame's CNTFID0, read trap-safely; else gtdt_why. */
void cpu_gtdt_probe(struct cpu_info *out);

/* The SMCCC vendor-specific hypervisor service UID (function 0x8600ff01): x0..x3 as returned. */
struct smccc_uid {
    uint32_t w[4];
};
/** The name a hypervisor's UID means ("kvm", ...), or NULL; text of the UID into buf (36+1). */
const char *cpu_hv_uid_name(const struct smccc_uid *u, char *buf, int n);
/** Name the hypervisor: the SMCCC UID (only over the conduit the FADT names: a call without one
 *  would fault), the FADT's hypervisor vendor identity, else none; sets hv_*. */
void cpu_hypervisor_probe(struct cpu_info *out);
/** When neither the SMCCC UID nor the FADT named a hypervisor (hv_source "none"): the SMBIOS
 *  system manufacturer/product as the last hint (VMware, Microsoft's "Virtual Machine", QEMU,
 *  Amazon EC2 instances that are not "metal"), hv_source "smbios"; otherwise nothing changes. */
void cpu_hypervisor_smbios_hint(struct cpu_info *out, const char *manufacturer,
                                const char *product);

#endif
