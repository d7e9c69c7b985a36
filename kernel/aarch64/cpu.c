/* cpu.c (aarch64) - decodes the ID registers: implementer and part (MIDR_EL1), ISA features
 * (ID_AA64PFR0/1, ISAR0/1, ZFR0), address bits (MMFR0), caches (CLIDR/CCSIDR); the JSON of
 * env.cpu with the same keys as x86's where the notion is the same.  Plain C (reading the
 * registers is cpu_native.c): the unit tests decode recorded values on any machine. */
#include "kernel/aarch64/cpu.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"

#include <string.h>

static unsigned field(uint64_t reg, int lsb) { return (unsigned)(reg >> lsb) & 0xf; }

static const struct {
    uint8_t id;
    const char *name;
} implementers[] = {
    {0x00, "software"}, {0x41, "arm"},      {0x42, "broadcom"}, {0x43, "cavium"},
    {0x46, "fujitsu"},  {0x48, "hisilicon"}, {0x4e, "nvidia"},  {0x50, "apm"},
    {0x51, "qualcomm"}, {0x61, "apple"},    {0x6d, "microsoft"}, {0xc0, "ampere"},
};

static const struct {
    uint8_t impl;
    uint16_t part;
    const char *name;
} parts[] = {
    {0x00, 0x051, "QEMU max"},     {0x41, 0xd03, "Cortex-A53"}, {0x41, 0xd05, "Cortex-A55"},
    {0x41, 0xd07, "Cortex-A57"},   {0x41, 0xd08, "Cortex-A72"}, {0x41, 0xd0b, "Cortex-A76"},
    {0x41, 0xd0c, "Neoverse-N1"},  {0x41, 0xd40, "Neoverse-V1"}, {0x41, 0xd49, "Neoverse-N2"},
    {0x41, 0xd4f, "Neoverse-V2"},  {0x41, 0xd84, "Neoverse-V3"}, {0x41, 0xd8e, "Neoverse-N3"},
    {0x41, 0xd4a, "Neoverse-E1"},  {0xc0, 0xac3, "Ampere-1"},   {0xc0, 0xac4, "Ampere-1a"},
    {0x43, 0x0af, "ThunderX2"},    {0x48, 0xd01, "TaiShan-v110"}, {0x46, 0x001, "A64FX"},
    {0x61, 0x022, "M1 Icestorm"},  {0x61, 0x023, "M1 Firestorm"},
};

/* CCSIDR_EL1 -> size, line, ways (FEAT_CCIDX's 64-bit layout when MMFR2 says so). */
static void cache_geometry(uint64_t v, int ccidx, struct cache_info *ci)
{
    uint32_t line = 1u << ((v & 7) + 4), ways, sets;
    if (ccidx) {
        ways = (uint32_t)((v >> 3) & 0x1fffff) + 1;
        sets = (uint32_t)((v >> 32) & 0xffffff) + 1;
    } else {
        ways = (uint32_t)((v >> 3) & 0x3ff) + 1;
        sets = (uint32_t)((v >> 13) & 0x7fff) + 1;
    }
    ci->line = line;
    ci->ways = ways;
    ci->size = line * ways * sets;
}

void cpu_decode_regs(const struct cpu_idregs *r, struct cpu_info *out)
{
    memset(out, 0, sizeof *out);
    out->regs = *r;
    uint32_t midr = (uint32_t)r->midr;
    unsigned impl = midr >> 24, part = (midr >> 4) & 0xfff;
    out->signature = midr;
    out->revidr = (uint32_t)r->revidr;
    out->family = impl;
    out->model = part;
    out->stepping = ((midr >> 20) & 0xf) << 4 | (midr & 0xf);
    bb_snprintf(out->vendor, sizeof out->vendor, "0x%02x", impl);
    for (size_t i = 0; i < sizeof implementers / sizeof implementers[0]; i++)
        if (implementers[i].id == impl)
            bb_snprintf(out->vendor, sizeof out->vendor, "%s", implementers[i].name);
    bb_snprintf(out->brand, sizeof out->brand, "implementer 0x%02x part 0x%03x", impl, part);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i].impl == impl && parts[i].part == part)
            bb_snprintf(out->brand, sizeof out->brand, "%s", parts[i].name);

    out->fp = field(r->pfr0, 16) != 0xf;
    out->fp16 = field(r->pfr0, 16) == 1;
    out->asimd = field(r->pfr0, 20) != 0xf;
    out->sve = field(r->pfr0, 32) >= 1;
    out->sve2 = out->sve && field(r->zfr0, 0) >= 1;
    out->sme = field(r->pfr1, 24) >= 1;
    out->el2 = field(r->pfr0, 8) != 0;
    out->el3 = field(r->pfr0, 12) != 0;
    out->aes = field(r->isar0, 4) >= 1;
    out->sha2 = field(r->isar0, 12) >= 1;
    out->crc32 = field(r->isar0, 16) >= 1;
    out->lse = field(r->isar0, 20) >= 2;
    out->dotprod = field(r->isar0, 44) >= 1;
    out->fhm = field(r->isar0, 48) >= 1;
    out->rndr = field(r->isar0, 60) >= 1;
    out->bf16 = field(r->isar1, 44) >= 1;
    out->i8mm = field(r->isar1, 52) >= 1;
    out->ecv = field(r->mmfr0, 60) >= 1;
    out->sve_vl_bits = out->sve ? r->sve_vl * 8 : 0;
    static const uint8_t pa_bits[] = {32, 36, 40, 42, 44, 48, 52};
    unsigned pa = field(r->mmfr0, 0);
    out->phys_addr_bits = pa < sizeof pa_bits ? pa_bits[pa] : 52;
    out->virt_addr_bits = field(r->mmfr2, 16) >= 1 ? 52 : 48;
    out->cntfrq = r->cntfrq & 0xffffffffull;

    int ccidx = field(r->mmfr2, 20) >= 1;
    for (int lvl = 0; lvl < 7 && out->ncaches < CPU_MAX_CACHES; lvl++) {
        unsigned ctype = (unsigned)(r->clidr >> (3 * lvl)) & 7;
        if (!ctype)
            break;
        for (int ins = 1; ins >= 0 && out->ncaches < CPU_MAX_CACHES; ins--) {
            uint64_t v = r->ccsidr[lvl << 1 | ins];
            int present = ins ? (ctype == 1 || ctype == 3) : (ctype >= 2);
            if (!present || !v)
                continue;
            struct cache_info *ci = &out->caches[out->ncaches++];
            ci->level = lvl + 1;
            ci->type = ins ? 'I' : ctype == 4 ? 'U' : 'D';
            cache_geometry(v, ccidx, ci);
        }
    }
    out->hv_name = "none";
    out->hv_source = "none";
}

void cpu_decode(cpu_idregs_fn fn, struct cpu_info *out)
{
    struct cpu_idregs r;
    fn(&r);
    cpu_decode_regs(&r, out);
    cpu_hypervisor_probe(out);
    cpu_gtdt_probe(out);
}

const char *cpu_best_isa(const struct cpu_info *c)
{
    return c->sve2 ? "sve2" : c->sve ? "sve" : "asimd";
}

static void kv_hex(struct json *j, const char *k, uint64_t v)
{
    char x[24];
    bb_snprintf(x, sizeof x, "0x%llx", (unsigned long long)v);
    json_kv_str(j, k, x);
}

void cpu_write_json(const struct cpu_info *c, struct json *j)
{
    const struct cpu_idregs *r = &c->regs;
    json_key(j, "cpu");
    json_obj_begin(j);
    json_kv_str(j, "vendor", c->vendor);
    json_kv_str(j, "brand", c->brand);
    json_kv_uint(j, "family", c->family);
    json_kv_uint(j, "model", c->model);
    json_kv_uint(j, "stepping", c->stepping);
    char sig[16];
    bb_snprintf(sig, sizeof sig, "0x%08x", c->signature);
    json_kv_str(j, "signature", sig);
    json_kv_str(j, "arch", "aarch64");
    json_key(j, "features");
    json_obj_begin(j);
    json_kv_bool(j, "fp", c->fp);
    json_kv_bool(j, "asimd", c->asimd);
    json_kv_bool(j, "fp16", c->fp16);
    json_kv_bool(j, "sve", c->sve);
    json_kv_bool(j, "sve2", c->sve2);
    json_kv_bool(j, "sme", c->sme);
    json_kv_bool(j, "lse", c->lse);
    json_kv_bool(j, "crc32", c->crc32);
    json_kv_bool(j, "aes", c->aes);
    json_kv_bool(j, "sha2", c->sha2);
    json_kv_bool(j, "dotprod", c->dotprod);
    json_kv_bool(j, "fhm", c->fhm);
    json_kv_bool(j, "bf16", c->bf16);
    json_kv_bool(j, "i8mm", c->i8mm);
    json_kv_bool(j, "rndr", c->rndr);
    json_kv_bool(j, "el2", c->el2);
    json_kv_bool(j, "el3", c->el3);
    json_kv_bool(j, "ecv", c->ecv);
    json_obj_end(j);
    json_kv_uint(j, "sve_vector_bits", c->sve_vl_bits);
    if (r->current_el)
        json_kv_uint(j, "exception_level", r->current_el);
    json_key(j, "id_registers");
    json_obj_begin(j);
    kv_hex(j, "midr_el1", r->midr);
    kv_hex(j, "revidr_el1", r->revidr);
    kv_hex(j, "mpidr_el1", r->mpidr);
    kv_hex(j, "id_aa64pfr0_el1", r->pfr0);
    kv_hex(j, "id_aa64pfr1_el1", r->pfr1);
    kv_hex(j, "id_aa64isar0_el1", r->isar0);
    kv_hex(j, "id_aa64isar1_el1", r->isar1);
    kv_hex(j, "id_aa64isar2_el1", r->isar2);
    kv_hex(j, "id_aa64mmfr0_el1", r->mmfr0);
    kv_hex(j, "id_aa64mmfr1_el1", r->mmfr1);
    kv_hex(j, "id_aa64mmfr2_el1", r->mmfr2);
    kv_hex(j, "id_aa64zfr0_el1", r->zfr0);
    kv_hex(j, "id_aa64dfr0_el1", r->dfr0);
    kv_hex(j, "ctr_el0", r->ctr);
    kv_hex(j, "clidr_el1", r->clidr);
    json_obj_end(j);
    json_kv_str(j, "best_isa", cpu_best_isa(c));
    json_kv_uint(j, "counter_hz", c->cntfrq);
    if (c->gtdt_hz)
        json_kv_uint(j, "counter_hz_gtdt", c->gtdt_hz);
    else if (c->gtdt_why)
        json_kv_str(j, "counter_hz_gtdt_why", c->gtdt_why);
    json_kv_uint(j, "base_mhz", c->base_mhz);
    json_kv_uint(j, "max_mhz", c->max_mhz);
    json_kv_uint(j, "phys_addr_bits", c->phys_addr_bits);
    cpu_caches_write_json(c->caches, c->ncaches, j);
    json_obj_end(j);

    json_key(j, "hypervisor");
    json_obj_begin(j);
    json_kv_str(j, "name", c->hv_name);
    json_kv_str(j, "signature", c->hv_signature);
    json_kv_str(j, "source", c->hv_source);
    json_obj_end(j);
}
