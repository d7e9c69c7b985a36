#!/usr/bin/env bash
# 34-compare-os-report.sh - `make compare-os` points to the HTML report: image/linux/os-compare.sh
# on a UEFI-like and a Linux-like document (study fixtures, the guest's with fio entries) writes
# OUT/report/index.html beside the table, names it on stderr, and the page holds the three
# environments (uefi baseline, linux, fio), the summary, the charts inline and the three
# documents it compared, copied and linked.  No boot.
. "$(dirname "$0")/../boot/lib.sh"
BC=${BC:-$BUILD/host/benchcmp}
S=$top/tests/fixtures/study
D=$(mktemp -d "$T/os.XXXXXX")
jq '.results += [.results[] | select(.suite == "disk" and .params.block_size == 1048576) | .suite = "fio" | .params.api = "fio-libaio"]' \
    "$S/kvm-1.json" >"$D/guest.json"
"$top/image/linux/os-compare.sh" "$S/baremetal-1.json" "$D/guest.json" "$D/os" "$BC" >"$D/os.log" 2>&1
check "os-compare: exit 0, report written and named on stderr" \
    bash -c "test -s '$D/os/report/index.html' && grep -qF 'report: $D/os/report/index.html' '$D/os.log'"
check "report: uefi (baseline), linux and fio in its environments table" python3 - "$D/os/report/index.html" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
env = h[h.index('<section id="environments">'):h.index('</section>', h.index('<section id="environments">'))]
cells = re.findall(r"<tr><td>([^<]*)</td>", env)
sys.exit(0 if [c.split(" (")[0] for c in cells] == ["uefi", "linux", "fio"] and "baseline" in cells[0] else 1)
PY
check "report: a summary, inline charts, and the three documents copied and linked" bash -c "
    f='$D/os/report/index.html'
    grep -q '<section id=\"summary\">' \$f && test \$(grep -c '<figure class=\"chart\"' \$f) -ge 5 &&
    test \$(grep -o 'href=\"docs/[^\"]*\"' \$f | wc -l) = 3 &&
    for h in \$(grep -o 'href=\"docs/[^\"]*\"' \$f | cut -d'\"' -f2); do cmp -s '$D/os/report/'\$h '$D/os/'\$(basename \$h | cut -d- -f2-) || exit 1; done"
