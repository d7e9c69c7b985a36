/* test_pptt.c - ACPI PPTT and MADT built to the spec (ACPI 6.5 5.2.30, 5.2.12): a 2-socket server
 * (2 packages x 12 L3 x 8 cores x 2 threads), a revision-1 single socket, truncated and damaged
 * tables, unknown structures skipped, shared cache structures; merged with CPUID's counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "host/host.h"
#include "kernel/firmware/acpi_pptt.h"
#include "kernel/machine/caches.h"

#define KiB 1024ull
#define MiB (1024ull * 1024)

/* ---- a table builder: structures appended in order, offsets returned ---- */
static uint8_t tab[64 * 1024];
static uint32_t used;

static void w16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void w32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }

static void begin(const char *sig, int rev, uint32_t hdr_len)
{
    memset(tab, 0, sizeof tab);
    memcpy(tab, sig, 4);
    tab[8] = (uint8_t)rev;
    memcpy(tab + 10, "BBTEST", 6);
    used = hdr_len;
}

/* Sets the length and the checksum; returns the length. */
static uint32_t finish(void)
{
    w32(tab + 4, used);
    tab[9] = 0;
    uint8_t s = 0;
    for (uint32_t i = 0; i < used; i++)
        s = (uint8_t)(s + tab[i]);
    tab[9] = (uint8_t)(0x100 - s);
    return used;
}

enum { DATA = 0, INSTR = 1, UNIFIED = 2 };

/* Cache type structure (type 1): all fields valid; revision 3 adds a cache ID (0: none). */
static uint32_t cache(int rev, uint32_t size, uint32_t ways, int type, uint32_t next, uint32_t id)
{
    uint32_t off = used, len = rev >= 3 ? 28 : 24;
    uint8_t *e = tab + off;
    e[0] = 1;
    e[1] = (uint8_t)len;
    w32(e + 4, 0x7f | (id ? 0x80 : 0));
    w32(e + 8, next);
    w32(e + 12, size);
    w32(e + 16, size / 64 / ways);
    e[20] = (uint8_t)ways;
    e[21] = (uint8_t)(2 | type << 2); /* read/write allocate, type, write-back */
    w16(e + 22, 64);
    if (rev >= 3)
        w32(e + 24, id);
    used += len;
    return off;
}

#define PKG 0x1u
#define UIDV 0x2u
#define THREAD 0x4u
#define LEAF 0x8u

/* Processor hierarchy node (type 0) with its private resources. */
static uint32_t node(uint32_t flags, uint32_t parent, uint32_t uid, int nres, const uint32_t *res)
{
    uint32_t off = used, len = 20 + 4 * (uint32_t)nres;
    uint8_t *e = tab + off;
    e[0] = 0;
    e[1] = (uint8_t)len;
    w32(e + 4, flags);
    w32(e + 8, parent);
    w32(e + 12, uid);
    w32(e + 16, (uint32_t)nres);
    for (int i = 0; i < nres; i++)
        w32(e + 20 + 4 * i, res[i]);
    used += len;
    return off;
}

/* Any other structure: type, length (the ID structure is type 2, 30 bytes). */
static uint32_t other(uint8_t type, uint8_t len)
{
    uint32_t off = used;
    tab[off] = type;
    tab[off + 1] = len;
    memset(tab + off + 2, 0xa5, len - 2u);
    used += len;
    return off;
}

/* ---- the 2-socket server: 2 packages x 12 L3 (32 MiB, one per CCX) x 8 cores x 2 threads,
 * each core with its own L1D/L1I (32 KiB) leading to its L2 (1 MiB); UID = processor number,
 * APIC id = package * 256 + ccx * 16 + core * 2 + thread (EPYC-like) ---- */
#define NPROC (2 * 12 * 8 * 2)
static uint32_t apic2s[NPROC], uid2s[NPROC];

static uint32_t build_2s(int rev, int with_unknown)
{
    begin("PPTT", rev, 36);
    int p = 0;
    for (int s = 0; s < 2; s++) {
        uint32_t pkg = node(PKG, 0, (uint32_t)s, 0, NULL);
        if (with_unknown) {
            other(2, 30);  /* ID structure */
            other(9, 12);  /* a type this parser does not know */
        }
        for (int x = 0; x < 12; x++) {
            uint32_t l3 = cache(rev, 32 * MiB, 16, UNIFIED, 0, rev >= 3 ? 0x300u + (uint32_t)(s * 12 + x) : 0);
            uint32_t ccx = node(0, pkg, 0, 1, &l3);
            for (int c = 0; c < 8; c++) {
                uint32_t l2 = cache(rev, 1 * MiB, 8, UNIFIED, 0, 0);
                uint32_t l1[2] = {cache(rev, 32 * KiB, 8, DATA, l2, 0), cache(rev, 32 * KiB, 8, INSTR, l2, 0)};
                uint32_t core = node(0, ccx, 0, 2, l1);
                for (int t = 0; t < 2; t++, p++) {
                    node(UIDV | THREAD | LEAF, core, (uint32_t)p, 0, NULL);
                    uid2s[p] = (uint32_t)p;
                    apic2s[p] = (uint32_t)(s * 256 + x * 16 + c * 2 + t);
                }
            }
        }
    }
    return finish();
}

static const struct pptt_cache *find_cache(const struct pptt_info *in, int level, char type)
{
    for (int i = 0; i < in->ncaches; i++)
        if (in->caches[i].level == level && in->caches[i].type == type)
            return &in->caches[i];
    return NULL;
}

static void test_two_sockets(void **st)
{
    (void)st;
    static struct pptt_info in;
    uint32_t len = build_2s(2, 0);
    assert_int_equal(acpi_parse_pptt(tab, len, uid2s, NPROC, &in), 0);
    assert_string_equal(in.note, "");
    assert_int_equal(in.revision, 2);
    assert_int_equal(in.nprocs, NPROC);
    assert_int_equal(in.ncaches, 4);
    /* in CPUID's order: L1D, L1I, L2, L3 */
    assert_int_equal(in.caches[0].level, 1);
    assert_int_equal(in.caches[0].type, 'D');
    assert_int_equal(in.caches[1].type, 'I');
    assert_int_equal(in.caches[2].level, 2);
    assert_int_equal(in.caches[3].level, 3);
    const struct pptt_cache *l1 = &in.caches[0], *l2 = &in.caches[2], *l3 = &in.caches[3];
    assert_int_equal(l1->instances, 192);
    assert_int_equal(l1->bytes, 32 * KiB);
    assert_int_equal(l1->per_instance, 2); /* two threads per core */
    assert_int_equal(l1->line, 64);
    assert_int_equal(l1->ways, 8);
    /* each core's L2 is reached from its L1D and L1I: one instance, its 2 threads counted once */
    assert_int_equal(l2->instances, 192);
    assert_int_equal(l2->per_instance, 2);
    assert_int_equal(l2->total, 192 * MiB);
    assert_int_equal(l3->instances, 24);
    assert_int_equal(l3->bytes, 32 * MiB);
    assert_int_equal(l3->total, 24 * 32 * MiB);
    assert_int_equal(l3->per_instance, 16);
    assert_false(l3->sizes_differ);
    assert_int_equal(l3->cache_ids, 0); /* revision 2: no cache IDs */
    /* the first CCX's 16 processors: one L3, 8 L2 */
    assert_int_equal(acpi_parse_pptt(tab, len, uid2s, 16, &in), 0);
    assert_int_equal(find_cache(&in, 3, 'U')->instances, 1);
    assert_int_equal(find_cache(&in, 2, 'U')->instances, 8);
    /* one processor of each package: 2 L3 */
    uint32_t two[2] = {0, 192};
    assert_int_equal(acpi_parse_pptt(tab, len, two, 2, &in), 0);
    assert_int_equal(find_cache(&in, 3, 'U')->instances, 2);
    assert_int_equal(find_cache(&in, 3, 'U')->per_instance, 1);
}

static void test_revision3_cache_ids(void **st)
{
    (void)st;
    static struct pptt_info in;
    uint32_t len = build_2s(3, 0);
    assert_int_equal(acpi_parse_pptt(tab, len, uid2s, NPROC, &in), 0);
    assert_int_equal(in.revision, 3);
    assert_int_equal(find_cache(&in, 3, 'U')->instances, 24);
    assert_int_equal(find_cache(&in, 3, 'U')->cache_ids, 24);
    assert_int_equal(find_cache(&in, 1, 'D')->cache_ids, 0); /* given without an ID */
}

/* A MADT (revision 5): x2APIC structures for every processor, one local APIC entry for the
 * first, an I/O APIC and an unknown type in between. */
static uint32_t build_madt(const uint32_t *apic, const uint32_t *uid, int n)
{
    begin("APIC", 5, 44);
    w32(tab + 36, 0xfee00000);
    uint8_t *e = tab + used;
    e[0] = 0, e[1] = 8, e[2] = (uint8_t)uid[0], e[3] = (uint8_t)apic[0], w32(e + 4, 1);
    used += 8;
    e = tab + used;
    e[0] = 1, e[1] = 12, e[2] = 0; /* I/O APIC */
    used += 12;
    other(0x7e, 6);
    for (int i = 1; i < n; i++) {
        e = tab + used;
        e[0] = 9, e[1] = 16;
        w32(e + 4, apic[i]);
        w32(e + 8, 1);
        w32(e + 12, uid[i]);
        used += 16;
    }
    return finish();
}

static void test_madt_uids(void **st)
{
    (void)st;
    static uint8_t madt[8192];
    uint32_t mlen = build_madt(apic2s, uid2s, NPROC);
    memcpy(madt, tab, mlen);
    static uint32_t got[NPROC];
    assert_int_equal(acpi_madt_uids(madt, mlen, apic2s, NPROC, got), NPROC);
    assert_memory_equal(got, uid2s, sizeof got);
    /* an APIC id the MADT does not list */
    uint32_t ask[2] = {apic2s[5], 0x7777};
    assert_int_equal(acpi_madt_uids(madt, mlen, ask, 2, got), 1);
    assert_int_equal(got[0], 5);
    /* truncated: fewer bytes readable than the header says */
    assert_int_equal(acpi_madt_uids(madt, mlen - 5, apic2s, NPROC, got), -1);
    /* a damaged checksum */
    madt[40] ^= 1;
    assert_int_equal(acpi_madt_uids(madt, mlen, apic2s, NPROC, got), -1);
}

/* Revision 1: no leaf flag (leaves are the nodes nobody names as parent); 4 cores, L3 at the
 * package; each core lists its L1D and L1I, both leading to its L2. */
static uint32_t build_1s(void)
{
    begin("PPTT", 1, 36);
    uint32_t l3 = cache(1, 8 * MiB, 16, UNIFIED, 0, 0);
    uint32_t pkg = node(PKG, 0, 0, 1, &l3);
    for (int c = 0; c < 4; c++) {
        uint32_t l2 = cache(1, 512 * KiB, 8, UNIFIED, 0, 0);
        uint32_t l1[2] = {cache(1, 48 * KiB, 12, DATA, l2, 0), cache(1, 32 * KiB, 8, INSTR, l2, 0)};
        node(0, pkg, (uint32_t)c, 2, l1);
    }
    return finish();
}

static void test_one_socket_revision1(void **st)
{
    (void)st;
    static struct pptt_info in;
    uint32_t uid[4] = {0, 1, 2, 3};
    uint32_t len = build_1s();
    assert_int_equal(acpi_parse_pptt(tab, len, uid, 4, &in), 0);
    assert_int_equal(in.ncaches, 4);
    assert_int_equal(find_cache(&in, 1, 'D')->bytes, 48 * KiB);
    assert_int_equal(find_cache(&in, 1, 'D')->instances, 4);
    assert_int_equal(find_cache(&in, 1, 'I')->bytes, 32 * KiB);
    assert_int_equal(find_cache(&in, 2, 'U')->instances, 4);
    assert_int_equal(find_cache(&in, 2, 'U')->per_instance, 1);
    /* the package's cache is level 3: one above the deepest level found below it */
    assert_int_equal(find_cache(&in, 3, 'U')->instances, 1);
    assert_int_equal(find_cache(&in, 3, 'U')->per_instance, 4);
    /* a UID the table lacks: refused, named */
    uint32_t bad[2] = {0, 9};
    assert_int_equal(acpi_parse_pptt(tab, len, bad, 2, &in), -1);
    assert_non_null(strstr(in.note, "no leaf node for ACPI Processor UID 9"));
}

static void test_truncated_and_damaged(void **st)
{
    (void)st;
    static struct pptt_info in;
    uint32_t uid[4] = {0, 1, 2, 3};
    uint32_t len = build_1s();
    /* fewer bytes readable than the header says */
    assert_int_equal(acpi_parse_pptt(tab, len - 10, uid, 4, &in), -1);
    assert_non_null(strstr(in.note, "truncated"));
    assert_non_null(strstr(in.note, "header gives"));
    /* a structure running past the table's end (header length cut, checksum fixed) */
    used = len - 10;
    finish();
    assert_int_equal(acpi_parse_pptt(tab, used, uid, 4, &in), -1);
    assert_non_null(strstr(in.note, "runs past the end"));
    /* a damaged checksum */
    len = build_1s();
    tab[50] ^= 0x40;
    assert_int_equal(acpi_parse_pptt(tab, len, uid, 4, &in), -1);
    assert_non_null(strstr(in.note, "checksum"));
    /* a processor node whose resources do not fit its length */
    len = build_1s();
    w32(tab + 36 + 24 + 16, 3); /* the package node (after L3) claims 3 resources in 24 bytes */
    finish();
    assert_int_equal(acpi_parse_pptt(tab, len, uid, 4, &in), -1);
    assert_non_null(strstr(in.note, "do not fit"));
    /* a parent loop: the package (after the 24-byte L3) names itself as its parent */
    len = build_1s();
    w32(tab + 36 + 24 + 8, 36 + 24);
    finish();
    assert_int_equal(acpi_parse_pptt(tab, len, uid, 4, &in), -1);
    assert_non_null(strstr(in.note, "loop"));
    /* next level of cache pointing at a processor node */
    len = build_1s();
    w32(tab + 36 + 8, 36 + 24);
    finish();
    assert_int_equal(acpi_parse_pptt(tab, len, uid, 4, &in), -1);
    assert_non_null(strstr(in.note, "not a cache structure"));
    /* not a PPTT at all */
    assert_int_equal(acpi_parse_pptt("APIC", 4, uid, 4, &in), -1);
    assert_int_equal(acpi_parse_pptt(NULL, 0, uid, 4, &in), -1);
}

static void test_unknown_structures_skipped(void **st)
{
    (void)st;
    static struct pptt_info in;
    uint32_t len = build_2s(2, 1);
    assert_int_equal(acpi_parse_pptt(tab, len, uid2s, NPROC, &in), 0);
    assert_int_equal(in.skipped, 4); /* an ID and an unknown structure per package */
    assert_int_equal(find_cache(&in, 3, 'U')->instances, 24);
    assert_int_equal(find_cache(&in, 1, 'D')->instances, 192);
}

/* One cache structure referenced by several nodes: firmware (QEMU sbsa-ref, EDK2's dynamic
 * tables) lists one L1D/L1I/L2 description for every core.  Each node's reference is its own
 * private cache; the same structure reached twice from one node counts once. */
static void test_shared_structure(void **st)
{
    (void)st;
    static struct pptt_info in;
    begin("PPTT", 2, 36);
    uint32_t pkg = node(PKG, 0, 0, 0, NULL);
    uint32_t l2 = cache(2, 512 * KiB, 8, UNIFIED, 0, 0);
    uint32_t l1[2] = {cache(2, 32 * KiB, 2, DATA, l2, 0), cache(2, 32 * KiB, 2, INSTR, l2, 0)};
    for (int c = 0; c < 4; c++)
        node(UIDV | LEAF, pkg, (uint32_t)c, 2, l1);
    uint32_t uid[4] = {0, 1, 2, 3};
    uint32_t len = finish();
    assert_int_equal(acpi_parse_pptt(tab, len, uid, 4, &in), 0);
    assert_int_equal(find_cache(&in, 1, 'D')->instances, 4);
    assert_int_equal(find_cache(&in, 2, 'U')->instances, 4);
    assert_int_equal(find_cache(&in, 2, 'U')->per_instance, 1);
    assert_int_equal(find_cache(&in, 2, 'U')->total, 4 * 512 * KiB);

    /* a package cache listed twice by the package node; each core lists one L2 description */
    begin("PPTT", 2, 36);
    uint32_t l3 = cache(2, 16 * MiB, 16, UNIFIED, 0, 0);
    uint32_t twice[2] = {l3, l3};
    pkg = node(PKG, 0, 0, 2, twice);
    l2 = cache(2, 512 * KiB, 8, UNIFIED, 0, 0);
    for (int c = 0; c < 4; c++)
        node(UIDV | LEAF, pkg, (uint32_t)c, 1, &l2);
    len = finish();
    assert_int_equal(acpi_parse_pptt(tab, len, uid, 4, &in), 0);
    assert_int_equal(find_cache(&in, 1, 'U')->instances, 4); /* the cores' caches: level 1 */
    assert_int_equal(find_cache(&in, 2, 'U')->instances, 1);
    assert_int_equal(find_cache(&in, 2, 'U')->bytes, 16 * MiB);
    assert_int_equal(find_cache(&in, 2, 'U')->per_instance, 4);
}

/* ---- merging with CPUID's counts (kernel/machine/caches.c) ---- */

/* CPUID of a VM: 32K L1D, 512K L2 per core, one 16 MiB L3 shared by everything. */
static struct cpu_info vm_cpu(void)
{
    struct cpu_info c;
    memset(&c, 0, sizeof c);
    struct cache_info k[3] = {{1, 'D', 48 * 1024, 64, 12, 1}, {2, 'U', 512 * 1024, 64, 8, 1},
                              {3, 'U', 16 * 1024 * 1024, 64, 16, 64}};
    memcpy(c.caches, k, sizeof k);
    c.ncaches = 3;
    return c;
}

static void test_merge(void **st)
{
    (void)st;
    static struct pptt_info in;
    uint32_t uid[4] = {0, 1, 2, 3}, apic[4] = {0, 1, 2, 3};
    uint32_t len = build_1s();
    assert_int_equal(acpi_parse_pptt(tab, len, uid, 4, &in), 0);
    struct cpu_info c = vm_cpu();
    struct cache_use u[CPU_MAX_CACHES];
    int nu = caches_in_use(&c, apic, 4, u);
    assert_int_equal(nu, 3);
    assert_string_equal(u[2].source, "cpuid");
    caches_merge_pptt(u, &nu, CPU_MAX_CACHES, &in);
    assert_int_equal(nu, 4); /* L1I only in the PPTT: added */
    /* L1D and L2 agree in size and count: the PPTT's, no note */
    assert_string_equal(u[0].source, "pptt");
    assert_string_equal(u[0].note, "");
    assert_string_equal(u[1].source, "pptt");
    assert_int_equal(u[1].instances, 4);
    /* L3: CPUID 1 x 16 MiB, the PPTT 1 x 8 MiB: the PPTT's, and a note with both */
    assert_int_equal(u[2].level, 3);
    assert_int_equal(u[2].bytes, 8 * MiB);
    assert_int_equal(u[2].total, 8 * MiB);
    assert_string_equal(u[2].note, "CPUID says 1 x 16 MiB, the PPTT 1 x 8 MiB: the PPTT's used");
    assert_int_equal(u[3].level, 1);
    assert_int_equal(u[3].type, 'I');
    assert_string_equal(caches_llc(u, nu)->source, "pptt");
}

/* plat_acpi_table (Linux: tables read from a directory) + MADT + PPTT in caches_collect. */
static void put(const char *dir, const char *name, const void *p, uint32_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

static void test_collect_from_tables(void **st)
{
    (void)st;
    char dir[] = "/tmp/bb-pptt-XXXXXX";
    assert_non_null(mkdtemp(dir));
    uint32_t apic[4] = {0, 2, 4, 6}, uid[4] = {0, 1, 2, 3};
    struct cpu_info c = vm_cpu();
    struct cache_use u[CPU_MAX_CACHES];
    acpi_linux_set_root(dir);
    /* no tables: CPUID's, no note */
    int nu = caches_collect(&c, apic, 4, u);
    assert_int_equal(nu, 3);
    assert_string_equal(u[2].source, "cpuid");
    assert_string_equal(u[2].note, "");
    /* a PPTT but no MADT: CPUID's, the L3 says why */
    uint32_t len = build_1s();
    put(dir, "PPTT", tab, len);
    acpi_linux_set_root(dir);
    nu = caches_collect(&c, apic, 4, u);
    assert_string_equal(u[2].source, "cpuid");
    assert_non_null(strstr(u[2].note, "PPTT not used: no readable MADT"));
    /* with the MADT: the PPTT's */
    len = build_madt(apic, uid, 4);
    put(dir, "APIC", tab, len);
    acpi_linux_set_root(dir);
    nu = caches_collect(&c, apic, 4, u);
    assert_int_equal(nu, 4);
    assert_string_equal(caches_llc(u, nu)->source, "pptt");
    assert_int_equal(caches_llc(u, nu)->bytes, 8 * MiB);
    /* a truncated PPTT: refused, the note names the problem */
    len = build_1s();
    put(dir, "PPTT", tab, len - 7);
    acpi_linux_set_root(dir);
    nu = caches_collect(&c, apic, 4, u);
    assert_string_equal(u[2].source, "cpuid");
    assert_non_null(strstr(u[2].note, "PPTT not used: PPTT truncated"));
    /* a file that is not a table: the note says so (root reads any file: the root-only case
     * cannot be made here) */
    put(dir, "PPTT", "APIC", 4);
    acpi_linux_set_root(dir);
    caches_collect(&c, apic, 4, u);
    assert_string_equal(u[2].note, "PPTT not used: shorter than an ACPI table header");
    memcpy(tab, "XXXX", 4);
    put(dir, "PPTT", tab, len);
    acpi_linux_set_root(dir);
    caches_collect(&c, apic, 4, u);
    assert_string_equal(u[2].note, "PPTT not used: its file does not start with its signature");
    acpi_linux_set_root(NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/PPTT", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/APIC", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_sockets),
        cmocka_unit_test(test_revision3_cache_ids),
        cmocka_unit_test(test_madt_uids),
        cmocka_unit_test(test_one_socket_revision1),
        cmocka_unit_test(test_truncated_and_damaged),
        cmocka_unit_test(test_unknown_structures_skipped),
        cmocka_unit_test(test_shared_structure),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_collect_from_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
