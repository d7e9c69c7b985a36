#!/usr/bin/env python3
"""nvvars.py - lists the variables in an OVMF variable store (the writable pflash file): one line
per variable record still valid (state 0x3f): GUID, name and a hash of its data.  Used by
81-upload-nvram.sh to show what a run changed in the firmware's NVRAM, variable by variable."""
import hashlib, struct, sys, uuid

def records(path):
    b = open(path, "rb").read()
    off = struct.unpack_from("<H", b, 0x30)[0] + 0x1c  # firmware volume header, store header
    while off + 60 <= len(b):
        start, state = struct.unpack_from("<HB", b, off)
        if start != 0x55AA:  # authenticated variable header: 60 bytes, then name, then data
            break
        nsize, dsize = struct.unpack_from("<II", b, off + 36)
        guid = uuid.UUID(bytes_le=b[off + 44:off + 60])
        name = b[off + 60:off + 60 + nsize].decode("utf-16le", "replace").rstrip("\0")
        data = b[off + 60 + nsize:off + 60 + nsize + dsize]
        yield state, guid, name, data
        off = (off + 60 + nsize + dsize + 3) & ~3

for st, guid, name, data in records(sys.argv[1]):
    if st == 0x3F:
        print(f"{guid} {name} {len(data)} {hashlib.sha256(data).hexdigest()[:16]}")
