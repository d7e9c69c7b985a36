/* test_cpu.c - CPUID decoding against leaves recorded on real CPUs: vendor, brand,
 * family/model/stepping, features, caches, XCR0-dependent ISA level, hypervisor names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/x86/cpu.h"
#include "tests/unit/fake_cpuid.h"

/* Recorded with the CPUID instruction on this project's CI machine: an Intel Xeon guest
 * (signature 0x000a0671) under KVM, XCR0 = 0x600e7 (selected leaves). */
static const struct leaf xeon_kvm[] = {
    {0x00000000, 0, {0x00000024, 0x756e6547, 0x6c65746e, 0x49656e69}},
    {0x00000001, 0, {0x000a0671, 0x00020800, 0xfffa3203, 0x1f8bfbff}},
    {0x00000004, 0, {0x04000121, 0x02c0003f, 0x0000003f, 0x00000000}},
    {0x00000004, 1, {0x04000122, 0x03c0003f, 0x0000003f, 0x00000000}},
    {0x00000004, 2, {0x04000143, 0x03c0003f, 0x000007ff, 0x00000000}},
    {0x00000004, 3, {0x04004163, 0x03c0003f, 0x00077fff, 0x00000000}},
    {0x00000004, 4, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000007, 0, {0x00000002, 0xf1bf2ffb, 0x1a415f46, 0x23c14010}},
    {0x0000000d, 0, {0x000600e7, 0x00002b00, 0x00002b00, 0x00000000}},
    {0x80000000, 0, {0x80000008, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000001, 0, {0x00000000, 0x00000000, 0x00000121, 0x2c100800}},
    {0x80000002, 0, {0x65746e49, 0x2952286c, 0x6f655820, 0x2952286e}},
    {0x80000003, 0, {0x6f725020, 0x73736563, 0x0000726f, 0x00000000}},
    {0x80000004, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000006, 0, {0x00000000, 0x00000000, 0x08007040, 0x00000000}},
    {0x80000007, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000100}},
    {0x80000008, 0, {0x00303930, 0x00000000, 0x00000000, 0x00000000}},
    {0x40000000, 0, {0x40000001, 0x4b4d564b, 0x564b4d56, 0x0000004d}},
};

/* QEMU 7.2 TCG "-cpu max": vendor, signature 0x00060fb1 and hypervisor leaf as barebench
 * reported them under OVMF; feature words reduced to the bits this test looks at
 * (SSE2, SSE4.2, FMA, XSAVE, OSXSAVE, AVX, hypervisor; AVX2; no AVX-512). */
static const struct leaf qemu_tcg[] = {
    {0x00000000, 0, {0x0000000d, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x00000001, 0, {0x00060fb1, 0x00000800, 0x9c101000, 0x04000010}},
    {0x00000007, 0, {0x00000000, 0x00000020, 0x00000000, 0x00000000}},
    {0x80000000, 0, {0x8000000a, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x40000000, 0, {0x40000001, 0x54474354, 0x43544743, 0x47435447}},
};

/* An AMD EPYC 7763 (Zen 3, family 19h model 01h stepping 1), built from its documented
 * signature, brand string and cache geometry (32K/512K per core, 32M L3 per 8-core CCX,
 * 0x8000001D layout); feature words reduced to the bits this test looks at. */
static const struct leaf epyc_7763[] = {
    {0x00000000, 0, {0x00000010, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x00000001, 0, {0x00a00f11, 0x00400800, 0x1c101000, 0x04000010}},
    {0x00000007, 0, {0x00000000, 0x00000020, 0x00000000, 0x00000000}},
    {0x80000000, 0, {0x80000023, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x80000001, 0, {0x00a00f11, 0x40000000, 0x00400000, 0x08000000}},
    {0x80000002, 0, {0x20444d41, 0x43595045, 0x36373720, 0x34362033}},
    {0x80000003, 0, {0x726f432d, 0x72502065, 0x7365636f, 0x20726f73}},
    {0x80000004, 0, {0x20202020, 0x20202020, 0x20202020, 0x00202020}},
    {0x80000007, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000100}},
    {0x80000008, 0, {0x00003030, 0x00000000, 0x00000000, 0x00000000}},
    {0x8000001d, 0, {0x00004121, 0x01c0003f, 0x0000003f, 0x00000000}},
    {0x8000001d, 1, {0x00004122, 0x01c0003f, 0x0000003f, 0x00000000}},
    {0x8000001d, 2, {0x00004143, 0x01c0003f, 0x000003ff, 0x00000000}},
    {0x8000001d, 3, {0x0003c163, 0x03c0003f, 0x00007fff, 0x00000000}},
    {0x8000001d, 4, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
};

static void xeon_identity(void **state)
{
    (void)state;
    struct cpu_info c;
    USE(xeon_kvm);
    cpu_decode(fake_cpuid, 0x600e7, &c);
    assert_string_equal(c.vendor, "GenuineIntel");
    assert_string_equal(c.brand, "Intel(R) Xeon(R) Processor");
    assert_int_equal(c.family, 6);
    assert_int_equal(c.model, 0xa7);
    assert_int_equal(c.stepping, 1);
    assert_true(c.sse2 && c.avx && c.avx2 && c.fma && c.avx512f && c.avx512bw && c.avx512vl);
    assert_true(c.invariant_tsc);
    assert_true(c.rdtscp);
    assert_int_equal(c.phys_addr_bits, 48);
    assert_string_equal(c.hv_name, "kvm");
    assert_string_equal(c.hv_signature, "KVMKVMKVM");
    assert_string_equal(cpu_best_isa(&c), "avx512");
}

static void xeon_caches(void **state)
{
    (void)state;
    struct cpu_info c;
    USE(xeon_kvm);
    cpu_decode(fake_cpuid, 0x600e7, &c);
    assert_int_equal(c.ncaches, 4);
    assert_int_equal(cpu_cache_size(&c, 1), 48 * 1024);  /* L1d, not the 32K L1i */
    assert_int_equal(cpu_cache_size(&c, 2), 2 * 1024 * 1024);
    assert_int_equal(cpu_llc_size(&c), 480u * 1024 * 1024); /* 16 ways x 64 B x 491520 sets */
    assert_int_equal(c.caches[3].ways, 16);
    assert_int_equal(c.caches[3].line, 64);
}

static void isa_follows_xcr0(void **state)
{
    (void)state;
    struct cpu_info c;
    USE(xeon_kvm);
    cpu_decode(fake_cpuid, 0x7, &c); /* OS enabled AVX but not AVX-512 state */
    assert_false(c.os_avx512);
    assert_string_equal(cpu_best_isa(&c), "avx2");
    cpu_decode(fake_cpuid, 0x3, &c); /* only SSE state */
    assert_false(c.os_avx);
    assert_string_equal(cpu_best_isa(&c), "sse2");
}

static void tcg_identity(void **state)
{
    (void)state;
    struct cpu_info c;
    USE(qemu_tcg);
    cpu_decode(fake_cpuid, 0x7, &c);
    assert_string_equal(c.vendor, "AuthenticAMD");
    assert_int_equal(c.family, 15);
    assert_int_equal(c.model, 107);
    assert_string_equal(c.hv_name, "tcg");
    assert_string_equal(cpu_best_isa(&c), "avx2");
}

static void epyc_identity(void **state)
{
    (void)state;
    struct cpu_info c;
    USE(epyc_7763);
    cpu_decode(fake_cpuid, 0x207, &c);
    assert_string_equal(c.brand, "AMD EPYC 7763 64-Core Processor");
    assert_int_equal(c.family, 0x19);
    assert_int_equal(c.model, 1);
    assert_int_equal(c.stepping, 1);
    assert_false(c.hypervisor);
    assert_string_equal(c.hv_name, "none");
    assert_true(c.invariant_tsc);
    assert_false(c.avx512f);
    assert_string_equal(cpu_best_isa(&c), "avx2");
    assert_int_equal(cpu_cache_size(&c, 1), 32 * 1024);
    assert_int_equal(cpu_cache_size(&c, 2), 512 * 1024);
    assert_int_equal(cpu_llc_size(&c), 32u * 1024 * 1024);
    assert_int_equal(c.caches[3].shared_by, 16);
}

static void hypervisor_names(void **state)
{
    (void)state;
    assert_string_equal(cpu_hypervisor_name("VMwareVMware"), "vmware");
    assert_string_equal(cpu_hypervisor_name("Microsoft Hv"), "hyperv");
    assert_string_equal(cpu_hypervisor_name("XenVMMXenVMM"), "xen");
    assert_string_equal(cpu_hypervisor_name("bhyve bhyve "), "bhyve");
    assert_string_equal(cpu_hypervisor_name("TCGTCGTCGTCG"), "tcg");
    assert_string_equal(cpu_hypervisor_name("KVMKVMKVM\0\0\0"), "kvm");
    assert_string_equal(cpu_hypervisor_name("NotAKnownOne"), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xeon_identity), cmocka_unit_test(xeon_caches),
        cmocka_unit_test(isa_follows_xcr0), cmocka_unit_test(tcg_identity),
        cmocka_unit_test(epyc_identity), cmocka_unit_test(hypervisor_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
