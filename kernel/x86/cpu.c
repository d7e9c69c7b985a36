/* cpu.c - decodes CPUID: vendor, brand, family/model/stepping, features, caches,
 * frequency leaves 0x15/0x16 and the hypervisor leaves 0x40000000/0x40000010. */
#include "kernel/x86/cpu.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"

#include <string.h>

void cpuid_native(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    __asm__ volatile("cpuid"
                     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
                     : "a"(leaf), "c"(sub));
}

uint64_t cpu_read_xcr0(void)
{
    struct cpuid_regs r;
    cpuid_native(1, 0, &r);
    if (!(r.ecx & (1u << 27))) /* OSXSAVE */
        return 0;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static const struct {
    const char *sig;
    const char *name;
} hv_names[] = {
    {"KVMKVMKVM\0\0\0", "kvm"},   {"Linux KVM Hv", "kvm"},   {"VMwareVMware", "vmware"},
    {"Microsoft Hv", "hyperv"},   {"XenVMMXenVMM", "xen"},   {"TCGTCGTCGTCG", "tcg"},
    {"bhyve bhyve ", "bhyve"},    {"VBoxVBoxVBox", "virtualbox"},
    {" lrpepyh  vr", "parallels"}, {"ACRNACRNACRN", "acrn"}, {"QNXQVMBSQG\0\0", "qnx"},
    {"EVMMEVMMEVMM", "evmm"},     {"UnisysSpar64", "spar"},
};

const char *cpu_hypervisor_name(const char *sig12)
{
    for (size_t i = 0; i < sizeof hv_names / sizeof hv_names[0]; i++)
        if (memcmp(sig12, hv_names[i].sig, 12) == 0)
            return hv_names[i].name;
    return "unknown";
}

static void regs_to_str(char *dst, const uint32_t *w, int nwords)
{
    memcpy(dst, w, (size_t)nwords * 4);
    dst[nwords * 4] = '\0';
}

/* Trim leading and trailing blanks in place (brand strings are often padded). */
static void trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (a < n && s[a] == ' ')
        a++;
    while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\0'))
        n--;
    memmove(s, s + a, n - a);
    s[n - a] = '\0';
}

static void add_cache(struct cpu_info *c, int level, char type, uint32_t size, uint32_t line,
                      uint32_t ways, uint32_t shared)
{
    if (c->ncaches >= CPU_MAX_CACHES || size == 0)
        return;
    struct cache_info *ci = &c->caches[c->ncaches++];
    ci->level = level;
    ci->type = type;
    ci->size = size;
    ci->line = line;
    ci->ways = ways;
    ci->shared_by = shared;
}

/* Deterministic cache parameters: Intel leaf 4, AMD leaf 0x8000001D (same layout). */
static void decode_cache_leaf(cpuid_fn fn, uint32_t leaf, struct cpu_info *c)
{
    for (uint32_t sub = 0; sub < 16; sub++) {
        struct cpuid_regs r;
        fn(leaf, sub, &r);
        uint32_t type = r.eax & 0x1f;
        if (type == 0)
            break;
        uint32_t level = (r.eax >> 5) & 7;
        uint32_t line = (r.ebx & 0xfff) + 1;
        uint32_t parts = ((r.ebx >> 12) & 0x3ff) + 1;
        uint32_t ways = ((r.ebx >> 22) & 0x3ff) + 1;
        uint32_t sets = r.ecx + 1;
        uint32_t shared = ((r.eax >> 14) & 0xfff) + 1;
        char t = type == 1 ? 'D' : type == 2 ? 'I' : 'U';
        add_cache(c, (int)level, t, ways * parts * line * sets, line, ways, shared);
    }
}

void cpu_decode(cpuid_fn fn, uint64_t xcr0, struct cpu_info *c)
{
    struct cpuid_regs r;
    memset(c, 0, sizeof *c);

    fn(0, 0, &r);
    c->max_leaf = r.eax;
    uint32_t v[3] = {r.ebx, r.edx, r.ecx};
    regs_to_str(c->vendor, v, 3);

    fn(0x80000000u, 0, &r);
    c->max_ext_leaf = r.eax >= 0x80000000u && r.eax < 0x8000ffffu ? r.eax : 0;

    if (c->max_leaf >= 1) {
        fn(1, 0, &r);
        c->signature = r.eax;
        uint32_t fam = (r.eax >> 8) & 0xf, mod = (r.eax >> 4) & 0xf;
        c->stepping = r.eax & 0xf;
        c->family = fam == 0xf ? fam + ((r.eax >> 20) & 0xff) : fam;
        c->model = (fam == 6 || fam == 0xf) ? mod + (((r.eax >> 16) & 0xf) << 4) : mod;
        c->tsc = !!(r.edx & (1u << 4));
        c->apic = !!(r.edx & (1u << 9));
        c->sse2 = !!(r.edx & (1u << 26));
        c->sse42 = !!(r.ecx & (1u << 20));
        c->fma = !!(r.ecx & (1u << 12));
        c->x2apic = !!(r.ecx & (1u << 21));
        c->tsc_deadline = !!(r.ecx & (1u << 24));
        c->xsave = !!(r.ecx & (1u << 26));
        c->osxsave = !!(r.ecx & (1u << 27));
        c->avx = !!(r.ecx & (1u << 28));
        c->hypervisor = !!(r.ecx & (1u << 31));
    }
    if (c->max_leaf >= 7) {
        fn(7, 0, &r);
        c->avx2 = !!(r.ebx & (1u << 5));
        c->avx512f = !!(r.ebx & (1u << 16));
        c->avx512bw = !!(r.ebx & (1u << 30));
        c->avx512vl = !!(r.ebx & (1u << 31));
    }
    c->xcr0 = c->osxsave ? xcr0 : 0;
    c->os_avx = c->avx && (c->xcr0 & 6) == 6;
    c->os_avx512 = c->os_avx && c->avx512f && (c->xcr0 & 0xe6) == 0xe6;

    if (c->max_ext_leaf >= 0x80000001u) {
        fn(0x80000001u, 0, &r);
        c->rdtscp = !!(r.edx & (1u << 27));
        c->pdpe1gb = !!(r.edx & (1u << 26));
    }
    if (c->max_ext_leaf >= 0x80000004u) {
        uint32_t b[12];
        for (uint32_t i = 0; i < 3; i++) {
            fn(0x80000002u + i, 0, &r);
            b[i * 4] = r.eax;
            b[i * 4 + 1] = r.ebx;
            b[i * 4 + 2] = r.ecx;
            b[i * 4 + 3] = r.edx;
        }
        regs_to_str(c->brand, b, 12);
        trim(c->brand);
    }
    if (c->max_ext_leaf >= 0x80000007u) {
        fn(0x80000007u, 0, &r);
        c->invariant_tsc = !!(r.edx & (1u << 8));
    }
    if (c->max_ext_leaf >= 0x80000008u) {
        fn(0x80000008u, 0, &r);
        c->phys_addr_bits = r.eax & 0xff;
        c->virt_addr_bits = (r.eax >> 8) & 0xff;
    }

    /* frequency leaves */
    if (c->max_leaf >= 0x16) {
        fn(0x16, 0, &r);
        c->base_mhz = r.eax & 0xffff;
        c->max_mhz = r.ebx & 0xffff;
        c->bus_mhz = r.ecx & 0xffff;
    }
    if (c->max_leaf >= 0x15) {
        fn(0x15, 0, &r);
        if (r.eax && r.ebx) {
            uint64_t crystal = r.ecx;
            if (!crystal && c->base_mhz) /* as Linux does: derive the crystal from the base */
                crystal = (uint64_t)c->base_mhz * 1000000u * r.eax / r.ebx;
            c->cpuid15_crystal_hz = crystal;
            c->cpuid15_tsc_hz = crystal * r.ebx / r.eax;
        }
    }

    /* caches */
    if (!strcmp(c->vendor, "GenuineIntel") && c->max_leaf >= 4) {
        decode_cache_leaf(fn, 4, c);
    } else if (c->max_ext_leaf >= 0x8000001du) {
        fn(0x80000001u, 0, &r);
        if (r.ecx & (1u << 22)) /* TopologyExtensions */
            decode_cache_leaf(fn, 0x8000001du, c);
    }
    if (c->ncaches == 0 && c->max_ext_leaf >= 0x80000006u) {
        fn(0x80000005u, 0, &r);
        add_cache(c, 1, 'D', (r.ecx >> 24) * 1024u, r.ecx & 0xff, (r.ecx >> 16) & 0xff, 1);
        fn(0x80000006u, 0, &r);
        add_cache(c, 2, 'U', (r.ecx >> 16) * 1024u, r.ecx & 0xff, 0, 1);
        add_cache(c, 3, 'U', (r.edx >> 18) * 512u * 1024u, r.edx & 0xff, 0, 0);
    }

    /* hypervisor */
    if (c->hypervisor) {
        fn(0x40000000u, 0, &r);
        uint32_t s[3] = {r.ebx, r.ecx, r.edx};
        char raw[12];
        memcpy(raw, s, 12);
        c->hv_name = cpu_hypervisor_name(raw);
        for (int i = 0; i < 12; i++) /* printable form: NULs dropped */
            c->hv_signature[i] = raw[i] >= 0x20 && raw[i] < 0x7f ? raw[i] : '\0';
        c->hv_signature[12] = '\0';
        size_t k = 0;
        for (int i = 0; i < 12; i++)
            if (c->hv_signature[i])
                c->hv_signature[k++] = c->hv_signature[i];
        c->hv_signature[k] = '\0';
        c->hv_max_leaf = r.eax >= 0x40000000u && r.eax < 0x40010000u ? r.eax : 0;
        if (c->hv_max_leaf >= 0x40000010u) {
            fn(0x40000010u, 0, &r);
            c->hv_tsc_khz = r.eax;
            c->hv_apic_khz = r.ebx;
        }
    } else {
        c->hv_name = "none";
    }
}

const char *cpu_best_isa(const struct cpu_info *c)
{
    if (c->os_avx512)
        return "avx512";
    if (c->os_avx && c->avx2 && c->fma)
        return "avx2";
    return "sse2";
}

void cpu_write_json(const struct cpu_info *c, struct json *j)
{
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
    json_key(j, "features");
    json_obj_begin(j);
    json_kv_bool(j, "sse2", c->sse2);
    json_kv_bool(j, "sse4_2", c->sse42);
    json_kv_bool(j, "avx", c->avx);
    json_kv_bool(j, "avx2", c->avx2);
    json_kv_bool(j, "fma", c->fma);
    json_kv_bool(j, "avx512f", c->avx512f);
    json_kv_bool(j, "avx512bw", c->avx512bw);
    json_kv_bool(j, "avx512vl", c->avx512vl);
    json_kv_bool(j, "xsave", c->xsave);
    json_kv_bool(j, "rdtscp", c->rdtscp);
    json_kv_bool(j, "invariant_tsc", c->invariant_tsc);
    json_kv_bool(j, "tsc_deadline", c->tsc_deadline);
    json_kv_bool(j, "x2apic", c->x2apic);
    json_kv_bool(j, "pdpe1gb", c->pdpe1gb);
    json_kv_bool(j, "hypervisor", c->hypervisor);
    json_obj_end(j);
    char x[24];
    bb_snprintf(x, sizeof x, "0x%llx", (unsigned long long)c->xcr0);
    json_kv_str(j, "xcr0", x);
    json_kv_bool(j, "os_avx", c->os_avx);
    json_kv_bool(j, "os_avx512", c->os_avx512);
    json_kv_str(j, "best_isa", cpu_best_isa(c));
    json_kv_uint(j, "base_mhz", c->base_mhz);
    json_kv_uint(j, "max_mhz", c->max_mhz);
    json_kv_uint(j, "phys_addr_bits", c->phys_addr_bits);
    cpu_caches_write_json(c->caches, c->ncaches, j);
    json_obj_end(j);

    json_key(j, "hypervisor");
    json_obj_begin(j);
    json_kv_str(j, "name", c->hv_name);
    json_kv_str(j, "signature", c->hv_signature);
    json_kv_bool(j, "cpuid_bit", c->hypervisor);
    if (c->hv_max_leaf) {
        bb_snprintf(x, sizeof x, "0x%x", c->hv_max_leaf);
        json_kv_str(j, "max_leaf", x);
    }
    if (c->hv_tsc_khz)
        json_kv_uint(j, "tsc_khz", c->hv_tsc_khz);
    if (c->hv_apic_khz)
        json_kv_uint(j, "apic_khz", c->hv_apic_khz);
    json_key(j, "vmware_backdoor"); /* the port answering is no proof of VMware: name stays CPUID's */
    json_obj_begin(j);
    json_kv_bool(j, "probed", c->bdoor_probed);
    json_kv_bool(j, "answers", c->bdoor_answers);
    if (c->bdoor_answers) {
        json_kv_uint(j, "version", c->bdoor_version);
        json_kv_uint(j, "type", c->bdoor_type);
    } else {
        json_kv_str(j, "why", !c->hypervisor ? "no hypervisor (CPUID): not probed on bare metal"
                              : c->bdoor_fault == -1 ? "trap handlers unavailable: not probed"
                              : c->bdoor_fault ? "the port read faulted (not open to this program)"
                                               : "no answer on port 0x5658 (GETVERSION)");
    }
    json_obj_end(j);
    json_obj_end(j);
}
