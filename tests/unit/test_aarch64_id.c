/* test_aarch64_id.c - the aarch64 decoding on recorded values, built for the build machine with
 * the aarch64 struct cpu_info (mk/unit-aarch64.mk): ID registers read by the image under QEMU
 * -cpu max (tests/boot/11), cache geometry from CCSIDR in both layouts, the FADT's PSCI conduit
 * and hypervisor vendor, the SMCCC hypervisor UID (KVM's), and the hypervisor probe over a fake
 * conduit answering as TCG (-1 to everything) and as KVM; the MADT's GIC entries; the GTDT's
 * counter frame. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/aarch64/cpu.h"
#include "kernel/aarch64/fadt_arm.h"
#include "kernel/aarch64/smccc.h"
#include "kernel/firmware/acpi.h"
#include "kernel/firmware/acpi_pptt.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"

/* ---- the platform this code calls: a fake FADT, GTDT and SMCCC conduit, plat_try ---- */
static uint8_t fadt[276], gtdt[104];
static int have_fadt, have_gtdt, kvm_answers, try_faults;

int plat_ring0(void) { return 1; }
int plat_trap_begin(void) { return 0; }
void plat_trap_end(void) {}
/* a Secure-only frame: the read takes an external abort (an "exception class" number) */
int plat_try(void (*fn)(void *arg), void *arg)
{
    if (try_faults)
        return 16 + 0x25;
    fn(arg);
    return 0;
}

void plat_write(const char *s, size_t n) { (void)s, (void)n; }
void *plat_alloc(size_t n) { return malloc(n); }
void plat_free(void *p) { free(p); }

const void *plat_acpi_table(const char sig[4], uint32_t *len, const char **why)
{
    if (why)
        *why = NULL;
    if (have_gtdt && !memcmp(sig, "GTDT", 4)) {
        *len = sizeof gtdt;
        return gtdt;
    }
    if (!have_fadt || memcmp(sig, "FACP", 4)) {
        *len = 0;
        return NULL;
    }
    *len = sizeof fadt;
    return fadt;
}

enum smccc_conduit plat_smccc_conduit(const char **why)
{
    uint32_t len;
    const uint8_t *t = plat_acpi_table("FACP", &len, NULL);
    return fadt_psci_conduit(t, len, why);
}

/* TCG answers NOT_SUPPORTED (-1) to every SMCCC query; KVM (Linux 5.10+) as below */
int plat_smccc(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t r[4])
{
    (void)a2, (void)a3;
    memset(r, 0, 4 * sizeof r[0]);
    r[0] = (uint64_t)-1;
    if (!kvm_answers)
        return 0;
    if (fn == PSCI_FEATURES && a1 == SMCCC_VERSION)
        r[0] = 0;
    else if (fn == SMCCC_VERSION)
        r[0] = 0x10001; /* 1.1 */
    else if (fn == SMCCC_VENDOR_HYP_UID) {
        r[0] = 0xb66fb428u, r[1] = 0xe911c52eu, r[2] = 0x564bcaa9u, r[3] = 0x743a004du;
    }
    return 0;
}

/* a FADT of ACPI 6.x: ARM boot flags at 129, hypervisor vendor identity at 268 */
static void make_fadt(uint16_t arm_flags, const char *hv)
{
    memset(fadt, 0, sizeof fadt);
    memcpy(fadt, "FACP", 4);
    fadt[129] = (uint8_t)arm_flags, fadt[130] = (uint8_t)(arm_flags >> 8);
    memset(fadt + 268, ' ', 8);
    memcpy(fadt + 268, hv, strlen(hv));
    have_fadt = 1;
}

/* ---- recorded: QEMU 7.2 -cpu max under TCG, read by the image (tests/boot/11) ---- */
static void qemu_max_regs(struct cpu_idregs *r)
{
    memset(r, 0, sizeof *r);
    r->midr = 0xf0510, r->mpidr = 0x80000000;
    r->pfr0 = 0x1201001120110022ull, r->pfr1 = 0x1000021;
    r->isar0 = 0x1221111110212120ull, r->isar1 = 0x11111101211012ull;
    r->mmfr0 = 0x32310201126ull, r->mmfr1 = 0x11010211122ull, r->mmfr2 = 0x1021011010011011ull;
    r->zfr0 = 0x110110100110021ull, r->dfr0 = 0x10305609, r->ctr = 0x8444c004;
    r->clidr = 0x2000023; /* L1 I+D, L2 unified */
    /* MMFR2.CCIDX = 0: the 32-bit CCSIDR layout (sets-1 at 13, ways-1 at 3, log2(line)-4), the
     * geometry the image reported (its document keeps sizes, not the raw CCSIDR) */
    r->ccsidr[1] = (255ull << 13) | (2 << 3) | 2;    /* L1 I: 48 KiB, 3 ways, 64 B */
    r->ccsidr[0] = (255ull << 13) | (1 << 3) | 2;    /* L1 D: 32 KiB, 2 ways */
    r->ccsidr[2] = (2047ull << 13) | (15 << 3) | 2;  /* L2: 2 MiB, 16 ways */
    r->cntfrq = 62500000;
    r->sve_vl = 256; /* ZCR_EL1.LEN 15: 2048 bits */
}

static void qemu_max_decoded(void **s)
{
    (void)s;
    struct cpu_idregs r;
    struct cpu_info c;
    qemu_max_regs(&r);
    cpu_decode_regs(&r, &c);
    assert_string_equal(c.vendor, "software");
    assert_string_equal(c.brand, "QEMU max");
    assert_int_equal(c.family, 0);
    assert_int_equal(c.model, 0x051);
    assert_int_equal(c.signature, 0xf0510);
    assert_true(c.fp && c.asimd && c.fp16 && c.sve && c.sve2 && c.sme && c.lse);
    assert_true(c.aes && c.sha2 && c.crc32 && c.dotprod && c.bf16 && c.i8mm && c.rndr);
    assert_false(c.el2);
    assert_false(c.el3);
    assert_int_equal(c.sve_vl_bits, 2048);
    assert_string_equal(cpu_best_isa(&c), "sve2");
    assert_int_equal(c.phys_addr_bits, 52);
    assert_int_equal(c.cntfrq, 62500000);
    assert_int_equal(c.ncaches, 3);
    assert_int_equal(c.caches[0].type, 'I');
    assert_int_equal(c.caches[0].size, 48 * 1024);
    assert_int_equal(c.caches[1].type, 'D');
    assert_int_equal(c.caches[1].size, 32 * 1024);
    assert_int_equal(c.caches[1].ways, 2);
    assert_int_equal(c.caches[2].type, 'U');
    assert_int_equal(cpu_cache_size(&c, 1), 32 * 1024); /* the data cache, not the 48K I */
    assert_int_equal(cpu_llc_size(&c), 2 * 1024 * 1024);
}

/* An Armv8.2 core without SVE (the shape of a Neoverse-N1: MIDR 0x413fd0c1, LSE, no SVE) with
 * FEAT_CCIDX's 64-bit CCSIDR layout: built field by field from the Arm ARM, not recorded. */
static void neoverse_n1_shape(void **s)
{
    (void)s;
    struct cpu_idregs r;
    struct cpu_info c;
    memset(&r, 0, sizeof r);
    r.midr = 0x413fd0c1;
    r.pfr0 = 0x0000000000111112ull;   /* EL0..EL3 AArch64, FP 1 (half precision), ASIMD 1 */
    r.isar0 = 0x0000100010211120ull;  /* AES 2, SHA1/2, CRC32, atomics 2 (LSE), RDM, DP */
    r.mmfr0 = 0x5;                    /* PARange 48 bits */
    r.mmfr2 = 1ull << 20;             /* CCIDX: sets-1 at 32, ways-1 at 3 */
    r.clidr = 0x3;                    /* L1 I+D only */
    r.ccsidr[0] = (255ull << 32) | (3 << 3) | 2; /* 64 KiB: 256 sets x 4 ways x 64 B */
    cpu_decode_regs(&r, &c);
    assert_string_equal(c.vendor, "arm");
    assert_string_equal(c.brand, "Neoverse-N1");
    assert_int_equal(c.stepping, 0x31); /* variant 3, revision 1 */
    assert_true(c.lse && c.asimd && c.dotprod && c.el2 && c.el3);
    assert_false(c.sve);
    assert_false(c.sve2);
    assert_int_equal(c.sve_vl_bits, 0);
    assert_string_equal(cpu_best_isa(&c), "asimd");
    assert_int_equal(c.phys_addr_bits, 48);
    assert_int_equal(c.ncaches, 1); /* the I cache's CCSIDR was not given: not invented */
    assert_int_equal(cpu_cache_size(&c, 1), 64 * 1024);
    r.midr = 0x42ff0ff0; /* Broadcom, a part not in the table */
    cpu_decode_regs(&r, &c);
    assert_string_equal(c.vendor, "broadcom");
    assert_string_equal(c.brand, "implementer 0x42 part 0x0ff");
}

static void fadt_conduit(void **s)
{
    (void)s;
    const char *why;
    make_fadt(3, "QEMU");
    assert_int_equal(fadt_psci_conduit(fadt, sizeof fadt, &why), SMCCC_HVC);
    make_fadt(1, "QEMU");
    assert_int_equal(fadt_psci_conduit(fadt, sizeof fadt, &why), SMCCC_SMC);
    make_fadt(0, "");
    assert_int_equal(fadt_psci_conduit(fadt, sizeof fadt, &why), SMCCC_NONE);
    assert_non_null(strstr(why, "no PSCI"));
    assert_int_equal(fadt_psci_conduit(fadt, 120, &why), SMCCC_NONE); /* too short */
    assert_int_equal(fadt_psci_conduit(NULL, 0, &why), SMCCC_NONE);
    char v[9];
    make_fadt(3, "QEMU");
    fadt_hypervisor_vendor(fadt, sizeof fadt, v, sizeof v);
    assert_string_equal(v, "QEMU"); /* the blanks after it cut */
    fadt_hypervisor_vendor(fadt, 268, v, sizeof v); /* an ACPI 5 FADT: no such field */
    assert_string_equal(v, "");
}

static void hv_uid_text(void **s)
{
    (void)s;
    struct smccc_uid kvm = {{0xb66fb428u, 0xe911c52eu, 0x564bcaa9u, 0x743a004du}}, other = {{1, 2, 3, 4}};
    char buf[40];
    assert_string_equal(cpu_hv_uid_name(&kvm, buf, sizeof buf), "kvm");
    assert_string_equal(buf, "28b46fb6-2ec5-11e9-a9ca-4b564d003a74");
    assert_null(cpu_hv_uid_name(&other, buf, sizeof buf));
}

static void hv_probe(void **s)
{
    (void)s;
    struct cpu_info c;
    memset(&c, 0, sizeof c);
    make_fadt(3, "QEMU");
    kvm_answers = 0; /* TCG: -1 to every SMCCC query, the FADT says QEMU */
    cpu_hypervisor_probe(&c);
    assert_string_equal(c.hv_name, "tcg");
    assert_string_equal(c.hv_source, "fadt");
    kvm_answers = 1;
    cpu_hypervisor_probe(&c);
    assert_string_equal(c.hv_name, "kvm");
    assert_string_equal(c.hv_source, "smccc-uid");
    make_fadt(0, ""); /* no PSCI: the UID is never asked (a call without a conduit faults) */
    cpu_hypervisor_probe(&c);
    assert_string_equal(c.hv_name, "none");
    have_fadt = 0;
    kvm_answers = 0;
}

/* SMBIOS, the last hint: taken only when SMCCC and the FADT named nothing */
static void hv_smbios_hint(void **s)
{
    (void)s;
    struct cpu_info c;
    memset(&c, 0, sizeof c);
    c.hv_name = c.hv_source = "none";
    cpu_hypervisor_smbios_hint(&c, "VMware, Inc.", "VMware20,1");
    assert_string_equal(c.hv_name, "vmware");
    assert_string_equal(c.hv_source, "smbios");
    assert_string_equal(c.hv_signature, "VMware, Inc. VMware20,1");
    c.hv_name = c.hv_source = "none";
    cpu_hypervisor_smbios_hint(&c, "Amazon EC2", "c7g.metal");
    assert_string_equal(c.hv_name, "none"); /* a bare-metal instance */
    cpu_hypervisor_smbios_hint(&c, "Amazon EC2", "m7g.metal-48xl");
    assert_string_equal(c.hv_name, "none");
    cpu_hypervisor_smbios_hint(&c, "Amazon EC2", "c7g.large");
    assert_string_equal(c.hv_name, "kvm");
    c.hv_name = c.hv_source = "none";
    cpu_hypervisor_smbios_hint(&c, "Ampere(R)", "Mt.Jade");
    assert_string_equal(c.hv_name, "none"); /* a server's own name is no hypervisor */
    assert_string_equal(c.hv_source, "none");
    c.hv_name = "kvm", c.hv_source = "smccc-uid"; /* an earlier, better answer stays */
    cpu_hypervisor_smbios_hint(&c, "VMware, Inc.", "VMware20,1");
    assert_string_equal(c.hv_name, "kvm");
    assert_string_equal(c.hv_source, "smccc-uid");
}

/* A MADT as QEMU's virt builds it: GICC entries (80 bytes: UID at 8, flags at 12, MPIDR at
 * 68), one disabled, and the GICD (base at 8); checksum fixed up. */
static void madt_gic(void **s)
{
    (void)s;
    uint8_t t[44 + 3 * 80 + 24];
    memset(t, 0, sizeof t);
    memcpy(t, "APIC", 4);
    uint32_t len = sizeof t;
    memcpy(t + 4, &len, 4);
    const uint64_t mpidr[3] = {0x80000000ull, 0x80000001ull, 0x0100000102ull};
    for (int i = 0; i < 3; i++) {
        uint8_t *e = t + 44 + 80 * i;
        uint32_t uid = (uint32_t)i, flags = i == 1 ? 0 : 1; /* the second disabled */
        e[0] = 0x0b, e[1] = 80;
        memcpy(e + 8, &uid, 4);
        memcpy(e + 12, &flags, 4);
        memcpy(e + 68, &mpidr[i], 8);
    }
    uint8_t *d = t + 44 + 240;
    uint64_t base = 0x08000000;
    d[0] = 0x0c, d[1] = 24;
    memcpy(d + 8, &base, 8);
    uint8_t sum = 0;
    for (size_t i = 0; i < sizeof t; i++)
        sum = (uint8_t)(sum + t[i]);
    t[9] = (uint8_t)(0x100 - sum);
    uint64_t got[4];
    assert_int_equal(acpi_madt_gicc(t, len, got, 4), 2);
    assert_int_equal(got[0], 0x80000000ull);
    assert_int_equal(got[1], 0x0100000102ull);
    assert_int_equal(acpi_mpidr_id(got[1]), 0x01000102); /* Aff3 1, Aff1 1, Aff0 2 */
    assert_int_equal(acpi_madt_gicd(t, len), 0x08000000);
    uint32_t ids[2] = {0x01000102, 0}, uid[2] = {99, 99};
    assert_int_equal(acpi_madt_uids(t, len, ids, 2, uid), 2); /* the PPTT's processor match */
    assert_int_equal(uid[0], 2);
    assert_int_equal(uid[1], 0);
    t[44 + 81] = 200; /* damaged: an entry overrunning the table, its checksum gone: nothing */
    assert_int_equal(acpi_madt_gicc(t, len, got, 4), -1);
    assert_int_equal(acpi_madt_gicd(t, len), 0);
}

/* The GTDT's CNTControlBase frame: absent (all ones, as QEMU's virt), readable (CNTFID0 at
 * +0x20: the counter's base rate as a second statement), Secure-only (the read faults). */
static void gtdt_rate(void **s)
{
    (void)s;
    struct cpu_info c;
    memset(&c, 0, sizeof c);
    memset(gtdt, 0, sizeof gtdt);
    memcpy(gtdt, "GTDT", 4);
    uint64_t none = ~0ull;
    memcpy(gtdt + 36, &none, 8);
    have_gtdt = 1;
    assert_int_equal(gtdt_cnt_control_base(gtdt, sizeof gtdt), 0);
    cpu_gtdt_probe(&c);
    assert_int_equal(c.gtdt_hz, 0);
    assert_non_null(strstr(c.gtdt_why, "no CNTControlBase"));
    static uint32_t frame[16]; /* CNTCR, CNTSR, CNTCV, ..., CNTFID0 at 0x20 */
    frame[8] = 1000000000u;
    uint64_t base = (uint64_t)(uintptr_t)frame;
    memcpy(gtdt + 36, &base, 8);
    assert_int_equal(gtdt_cnt_control_base(gtdt, sizeof gtdt), base);
    cpu_gtdt_probe(&c);
    assert_int_equal(c.gtdt_hz, 1000000000u);
    try_faults = 1;
    cpu_gtdt_probe(&c);
    assert_int_equal(c.gtdt_hz, 0);
    assert_non_null(strstr(c.gtdt_why, "faulted"));
    try_faults = 0;
    have_gtdt = 0;
    cpu_gtdt_probe(&c);
    assert_string_equal(c.gtdt_why, "no GTDT");
}

static void json_keys(void **s)
{
    (void)s;
    struct cpu_idregs r;
    struct cpu_info c;
    struct json j;
    qemu_max_regs(&r);
    cpu_decode_regs(&r, &c);
    c.hv_name = "tcg", c.hv_source = "fadt";
    json_init(&j, 0);
    json_obj_begin(&j);
    cpu_write_json(&c, &j);
    json_obj_end(&j);
    assert_non_null(strstr(j.buf, "\"arch\":\"aarch64\""));
    assert_non_null(strstr(j.buf, "\"best_isa\":\"sve2\""));
    assert_non_null(strstr(j.buf, "\"sve_vector_bits\":2048"));
    assert_non_null(strstr(j.buf, "\"midr_el1\":\"0xf0510\""));
    assert_non_null(strstr(j.buf, "\"source\":\"fadt\""));
    json_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qemu_max_decoded), cmocka_unit_test(neoverse_n1_shape),
        cmocka_unit_test(fadt_conduit),     cmocka_unit_test(hv_uid_text),
        cmocka_unit_test(hv_probe), cmocka_unit_test(hv_smbios_hint),         cmocka_unit_test(json_keys),
        cmocka_unit_test(madt_gic),         cmocka_unit_test(gtdt_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
