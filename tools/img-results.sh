#!/usr/bin/env bash
# img-results.sh - copies barebench's results files (\barebench\results\*.json) off a disk
# image or USB stick (its GPT EFI system partition) to a host directory, with mtools: no mount,
# no root (a stick's /dev/sdX needs read permission).
#   tools/img-results.sh build/barebench.img [DEST]     (DEST default: build/img-results)
set -euo pipefail
die() { echo "error: $*" >&2; exit 1; }

img=${1:?usage: img-results.sh IMAGE|DEVICE [DEST]}
dest=${2:-build/img-results}
[ "$dest" = / ] || dest=${dest%/} # DEST=results/ prints results/x.json, not results//x.json
[ -r "$img" ] || die "cannot read '$img'"
for t in sgdisk mcopy mdir; do
    command -v "$t" >/dev/null || die "'$t' not found (run 'make deps')"
done
# the first partition of type EF00 (EFI system partition)
start=$(sgdisk -p "$img" 2>/dev/null | awk '$6 == "EF00" { print $2; exit }')
[ -n "$start" ] || die "'$img' has no GPT with an EFI system partition (is it a barebench image?)"
export MTOOLS_SKIP_CHECK=1
fs="$img@@$((start * 512))"
files=$(mdir -i "$fs" -b ::/barebench/results 2>/dev/null | grep -i '\.json$' || true)
if [ -z "$files" ]; then
    echo "no results on $img yet (\\barebench\\results\\ is empty)" >&2
    exit 0
fi
mkdir -p "$dest"
n=0
while IFS= read -r f; do
    mcopy -i "$fs" -n -o "$f" "$dest/" || die "copying $f off $img failed"
    echo "$dest/$(basename "$f")"
    n=$((n + 1))
done <<<"$files"
echo "copied $n results file(s) from $img to $dest" >&2
