#!/usr/bin/env python3
"""pptt_table.py - writes an ACPI PPTT (revision 2, ACPI 6.5 5.2.30) for QEMU's -acpitable, since
QEMU 7.2's q35 builds none: SOCKETS packages with one L3 each, CORES cores per package with
L1D/L1I leading to a private L2, THREADS leaf threads per core whose ACPI Processor UIDs are
0, 1, 2, ... in APIC-id order (as QEMU's MADT numbers them).  Sizes in KiB.
usage: pptt_table.py OUT SOCKETS CORES THREADS L1D_KIB L1I_KIB L2_KIB L3_KIB"""
import struct
import sys


def main():
    out = sys.argv[1]
    sockets, cores, threads, l1d, l1i, l2, l3 = (int(a) for a in sys.argv[2:9])
    body = bytearray()
    base = 36

    def here():
        return base + len(body)

    def cache(kib, ways, ctype, nxt):
        off = here()
        size = kib * 1024
        # type 1, length 24; flags: size, sets, ways, allocation, type, write policy, line valid
        body.extend(struct.pack("<BBHIIIIBBH", 1, 24, 0, 0x7F, nxt, size, size // 64 // ways,
                                ways, 2 | ctype << 2, 64))
        return off

    def node(flags, parent, uid, res):
        off = here()
        body.extend(struct.pack("<BBHIIII", 0, 20 + 4 * len(res), 0, flags, parent, uid, len(res)))
        for r in res:
            body.extend(struct.pack("<I", r))
        return off

    uid = 0
    for _ in range(sockets):
        l3c = cache(l3, 16, 2, 0)
        pkg = node(0x1 | 0x10, 0, 0, [l3c])              # physical package, identical
        for _ in range(cores):
            l2c = cache(l2, 8, 2, 0)
            l1 = [cache(l1d, 8, 0, l2c), cache(l1i, 8, 1, l2c)]
            core = node(0x10, pkg, 0, l1)
            for _ in range(threads):
                node(0x2 | 0x4 | 0x8 | 0x10, core, uid, [])  # UID valid, thread, leaf
                uid += 1
    hdr = struct.pack("<4sIBB6s8sI4sI", b"PPTT", 36 + len(body), 2, 0, b"BBTEST",
                      b"BBPPTT  ", 1, b"BBT ", 1)
    table = bytearray(hdr + body)
    table[9] = (-sum(table)) & 0xFF
    with open(out, "wb") as f:
        f.write(table)


if __name__ == "__main__":
    main()
