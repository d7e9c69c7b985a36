#!/usr/bin/env bash
# 33-bench-report.sh - `make bench-report`'s script still runs to its "ratio X" line on a few
# documents (DOCS=12 of the study's shape): it made them with three tags, the report it timed
# has charts, and it printed the time and peak memory against their targets; DOCS=abc is refused.
# The 1,000-document measurement itself is `make bench-report` (docs/TESTING.md).  No boot.
. "$(dirname "$0")/../boot/lib.sh"
K=$(mktemp -d "$T/bench.XXXXXX")
BUILD=$BUILD DOCS=12 KEEP=$K "$top/tools/bench/bench-report.sh" >"$T/out.txt" 2>&1
check "bench-report.sh (12 documents) exits 0" test $? = 0
check "documents made: 4 per tag of baremetal, kvm, esxi, the tag in each" bash -c "
    for t in baremetal kvm esxi; do test \$(ls '$K'/docs/\$t-*.json | wc -l) = 4 || exit 1
        jq -e --arg t \$t '.tool.tag == \$t' '$K'/docs/\$t-0004.json >/dev/null || exit 1; done"
check "the report it timed has its charts" grep -q '<figure class="chart"' "$K/report/index.html"
check "prints time and memory against the targets, then ratio X" bash -c "
    grep -qE '^time +[0-9.]+ s +target < 10 s +ratio [0-9.]+' '$T/out.txt' &&
    grep -qE '^memory +[0-9.]+ MiB +target < 1024 MiB +ratio [0-9.]+' '$T/out.txt' &&
    grep -qE '^ratio 0\.[0-9]+$' '$T/out.txt'"
DOCS=abc "$top/tools/bench/bench-report.sh" >"$T/bad.txt" 2>&1
check "DOCS=abc refused with exit 2, naming it" bash -c "test $? = 2 && grep -q \"DOCS must be a positive number, not 'abc'\" '$T/bad.txt'"
grep -E '^(time|memory|ratio)' "$T/out.txt" | sed 's/^/# /'
