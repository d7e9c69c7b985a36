#!/usr/bin/env python3
"""old_marker.py IMAGE - writes a version-1 scratch marker into sector 0 of IMAGE, as mkscratch
wrote it before markers carried the device's identity (label "older"), for the tests that check
such a marker is refused (16-linux-disk-safety, 52-disk-identity)."""
import struct, sys, zlib

with open(sys.argv[1], 'r+b') as f:
    size = f.seek(0, 2)
    b = bytearray(512)
    b[0:17] = b'BAREBENCH-SCRATCH'
    struct.pack_into('<IIQQ', b, 24, 1, 512, size, 4096)
    b[48:53] = b'older'
    struct.pack_into('<I', b, 508, zlib.crc32(bytes(b[:508])))
    f.seek(0)
    f.write(b)
