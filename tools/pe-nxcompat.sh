#!/usr/bin/env bash
# pe-nxcompat.sh FILE.efi - sets IMAGE_DLLCHARACTERISTICS_NX_COMPAT (0x100) in a PE32+ image's
# optional header: the image keeps code and data in separate page-aligned sections and never
# executes data, so firmware with memory protection may map its data non-executable.
set -euo pipefail
f=${1:?usage: pe-nxcompat.sh FILE.efi}
u16() { od -An -tu2 -j "$1" -N2 "$f" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$f" | tr -d ' '; }
[ "$(od -An -c -j 0 -N2 "$f" | tr -d ' ')" = MZ ] || { echo "error: $f is not a PE image (no MZ)" >&2; exit 1; }
pe=$(u32 60)
[ "$(u32 "$pe")" = 17744 ] || { echo "error: $f has no PE signature at $pe" >&2; exit 1; } # "PE\0\0"
opt=$((pe + 24))
[ "$(u16 "$opt")" = 523 ] || { echo "error: $f is not PE32+ (optional header magic)" >&2; exit 1; } # 0x20b
at=$((opt + 70)) # DllCharacteristics
v=$(( $(u16 "$at") | 0x100 ))
printf "$(printf '\\x%02x\\x%02x' $((v & 255)) $((v >> 8)))" | dd of="$f" bs=1 seek="$at" conv=notrunc status=none
