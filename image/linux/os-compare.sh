#!/usr/bin/env bash
# os-compare.sh - lines up the UEFI image's document and the Linux guest's document of the same VM
# for benchcmp: disks are named by size (and order among disks of one size) instead of by index,
# the I/O path (api, disk_kind) is dropped from the match, and the guest's fio entries become a
# third document.  Then benchcmp prints the table (UEFI = 100%) and draws the charts.
#   image/linux/os-compare.sh UEFI.json LINUX.json OUT_DIR BENCHCMP
set -euo pipefail
uefi=${1:?usage: os-compare.sh UEFI.json LINUX.json OUT_DIR BENCHCMP}
linux=${2:?usage}; out=${3:?usage}; benchcmp=${4:?usage}
for f in "$uefi" "$linux"; do
    jq -e '.schema == "barebench/1"' "$f" >/dev/null 2>&1 || { echo "error: $f is not a barebench document" >&2; exit 1; }
done
[ -x "$benchcmp" ] || { echo "error: $benchcmp not built" >&2; exit 1; }
mkdir -p "$out"

# normalize SUITE-FILTER: entries of the given suites (renamed to disk) with a disk identity
# "<bytes>B" (+ "#k" for the k-th other disk of that size) instead of the index
normalize='
  def ident($disks; $i):
    ($disks | map(select((.partition // false) | not) | select(.media_present != false))) as $d
    | ($d | map(select(.index == $i)) | .[0]) as $me
    | if $me == null then "disk\($i)" else
        ($d | map(select(.bytes == $me.bytes and .index < $i)) | length) as $k
        | "\($me.bytes)B" + (if $k > 0 then "#\($k)" else "" end) end;
  (.env.disks // []) as $disks
  | .results |= [ .[] | select(.suite as $s | $suites | index($s))
      | if .params.disk != null then .params.disk = ident($disks; .params.disk) else . end
      | del(.params.api, .params.disk_kind) | .suite = (if .suite == "fio" then "disk" else .suite end) ]'
jq --argjson suites '["alu","vmcost","mem","disk","timer"]' "$normalize" "$uefi" >"$out/1-uefi.json"
jq --argjson suites '["alu","vmcost","mem","disk","timer"]' "$normalize" "$linux" >"$out/2-linux.json"
jq --argjson suites '["fio"]' "$normalize | .tool.build = \"linux+fio\" | .tool.tag = \"fio\"" \
    "$linux" >"$out/3-linux-fio.json"

"$benchcmp" "$out/1-uefi.json" "$out/2-linux.json" "$out/3-linux-fio.json" | tee "$out/table.txt"
"$benchcmp" --plot "$out" "$out/1-uefi.json" "$out/2-linux.json" "$out/3-linux-fio.json" >/dev/null \
    && echo "charts: $out" >&2
