#!/usr/bin/env bash
# 42-mem-linux.sh - the Linux build on this machine: the all-core DRAM working set follows
# STREAM's rule (3 arrays, each 4x the last-level caches in env.caches, or a note saying why
# not), env.numa comes from libnuma, the plateau check records its sizes and says when it is
# not verified, and bad mem_dram / mem_tests values are refused.
# run.sh: lock=alone (memory bandwidth of this machine)
. "$(dirname "$0")/../boot/lib.sh"
BB=$BUILD/host/barebench
D=$T/mem-linux
rm -rf "$D"; mkdir -p "$D"

"$BB" --suite mem --mem_tests cores --profile quick --reps 2 --json "$D/rule.json" >"$D/rule.out" 2>&1
check "mem_tests=cores runs and exits 0" test $? = 0
jqcheck "all-core DRAM working set = 3 arrays x 4x the LLC total, or a note why smaller" "$D/rule.json" '
    ([.env.caches[] | select(.type != "I")] | max_by(.level) | .total) as $llc
    | (12 * $llc) as $want | .env.processors.logical as $n
    | [.results[] | select(.test=="cores" and (.params | has("node") | not)) | .params.bytes] as $b
    | (($b | length) == 4 and all($b[]; . >= $want - 1048576 * $n and . <= $want + 2*1048576))
      or ([.skipped[] | select(.why | test("instead of 3 arrays"))] | length == 1)'
jqcheck "env.numa from libnuma lists every processor" "$D/rule.json" \
    '.env.numa.source == "libnuma" and ([.env.numa.nodes[].processors[]] | length) == .env.processors.logical'
jqcheck "all-core buffers: one per processor, in the node the processor ran on" "$D/rule.json" \
    '[.results[] | select(.test=="cores" and .params.threads > 1)] | all(.[]; (.extra.buffers | length) == .params.threads and all(.extra.buffers[]; .mem_node == .node))'

"$BB" --suite mem --mem_tests plateau,cores --mem_dram 32M --profile quick --reps 2 --json "$D/pl.json" >"$D/pl.out" 2>&1
check "mem_tests=plateau,cores runs and exits 0" test $? = 0
jqcheck "DRAM-size triad entries carry the plateau: 96 MiB and its double, with figures" "$D/pl.json" \
    '[.results[] | select(.test=="cores")] | all(.[]; [.extra.plateau[].bytes] == [100663296, 201326592] and all(.extra.plateau[]; .gbps > 0))'
jqcheck "not on the plateau -> a note says so; on it -> none" "$D/pl.json" \
    '([.results[] | select(.test=="cores")][0].extra.on_plateau) as $on
     | ([.skipped[] | select(.test=="plateau")] | length) == (if $on == 1 then 0 else 1 end)'
jqcheck "mem_dram below the rule: its entries are not labelled DRAM, and a note says so" "$D/pl.json" \
    '([.results[] | select(.test=="cores") | .params.level] | index("DRAM") == null) and ([.skipped[] | select(.why | test("mem_dram.*not labelled DRAM"))] | length) == 1'

"$BB" --suite mem --mem_dram 10K >"$D/bad1.out" 2>&1
rc=$?
check "mem_dram=10K refused (exit 2), named" bash -c "test $rc = 2 && grep -q mem_dram '$D/bad1.out'"
"$BB" --suite mem --mem_tests cores,bogus --json "$D/bad2.json" >"$D/bad2.out" 2>&1
jqcheck "mem_tests with an unknown name: an error naming it, nothing measured" "$D/bad2.json" \
    '([.errors[] | select(.what | test("bogus"))] | length) == 1 and ([.results[] | select(.suite=="mem")] | length) == 0'
