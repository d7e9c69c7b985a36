#!/usr/bin/env bash
# os-compare.sh - the UEFI image's document and the Linux guest's document of the same VM in one
# benchcmp table (UEFI = 100%): benchcmp matches disks by role (size, not index or I/O path) and
# shows the api each side took; the guest's fio entries become a third environment ("fio").
# Each document gets its own tag so that benchcmp never pools them.  Then the charts and the
# HTML report (OUT_DIR/report/index.html).
#   image/linux/os-compare.sh UEFI.json LINUX.json OUT_DIR BENCHCMP
set -euo pipefail
uefi=${1:?usage: os-compare.sh UEFI.json LINUX.json OUT_DIR BENCHCMP}
linux=${2:?usage}; out=${3:?usage}; benchcmp=${4:?usage}
for f in "$uefi" "$linux"; do
    jq -e '.schema == "barebench/1"' "$f" >/dev/null 2>&1 || { echo "error: $f is not a barebench document" >&2; exit 1; }
done
[ -x "$benchcmp" ] || { echo "error: $benchcmp not built" >&2; exit 1; }
mkdir -p "$out"

jq '.tool.tag = "uefi"' "$uefi" >"$out/1-uefi.json"
jq '.tool.tag = "linux" | .results |= map(select(.suite != "fio"))' "$linux" >"$out/2-linux.json"
# fio measured the guest's disks with the disk suite's params: its entries are disk entries
jq '.tool.tag = "fio" | .results |= [.[] | select(.suite == "fio") | .suite = "disk"]' \
    "$linux" >"$out/3-linux-fio.json"

docs=("$out/1-uefi.json" "$out/2-linux.json" "$out/3-linux-fio.json")
# these suites, those of them the documents have (benchcmp refuses a --suite that names none)
suites=$(jq -rs '[.[].results[].suite] as $have | ["alu","vmcost","mem","disk","timer"]
                 | map(select(. as $s | $have | index($s))) | join(",")' "${docs[@]}")
"$benchcmp" --baseline uefi --suite "$suites" "${docs[@]}" | tee "$out/table.txt"
"$benchcmp" --baseline uefi --suite "$suites" --format csv "${docs[@]}" >"$out/table.csv" 2>/dev/null
"$benchcmp" --baseline uefi --suite "$suites" --plot "$out" "${docs[@]}" >/dev/null \
    && echo "charts: $out" >&2
# the whole comparison as one page (charts inline, the documents copied beside it)
"$benchcmp" --baseline uefi --suite "$suites" --report "$out/report" "${docs[@]}" >/dev/null 2>&1 \
    && echo "report: $out/report/index.html" >&2
