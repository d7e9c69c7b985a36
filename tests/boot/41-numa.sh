#!/usr/bin/env bash
# 41-numa.sh - boots the real image on a 2-node QEMU machine (-smp 4, 1 GiB: 2 CPUs and 512 MiB
# per node, SLIT 10/21, as `make run NUMA=2` does) with suite=mem and checks: env.numa from
# SRAT/SLIT, each all-core thread's buffer inside its own node's ranges, the 2x2 node matrix;
# (mem_tests=cores,numa keeps it short); then a boot without NUMA reports "no SRAT: one node".
. "$(dirname "$0")/lib.sh"

qemu_numa_args 2 4 1G || exit 1
boot numa 4 1G "suite=mem profile=quick reps=2 mem_dram=4M mem_tests=cores,numa" "${QEMU_NUMA_ARGS[@]}"
rc=$?
J=$T/numa/latest.json
check "NUMA=2 boot powers off by itself (QEMU exit 0)" test "$rc" = 0
jqcheck "no errors" "$J" '.errors == []'
jqcheck "env.numa from the SRAT: 2 nodes with 2 processors each" "$J" \
    '.env.numa.source == "srat" and (.env.numa.nodes | length) == 2 and all(.env.numa.nodes[]; (.processors | length) == 2)'
jqcheck "env.numa nodes have memory ranges adding up to their bytes" "$J" \
    'all(.env.numa.nodes[]; .bytes > 0 and ([.ranges[].bytes] | add) == .bytes)'
jqcheck "SLIT distances 10 local / 21 remote" "$J" '.env.numa.distances == [[10,21],[21,10]]'
jqcheck "env.caches: level, type, bytes, instances, total" "$J" \
    '(.env.caches | length) >= 2 and all(.env.caches[]; .total == .bytes * .instances and .instances >= 1)'
jqcheck "all-core triad: a buffer per thread, each inside its own node's ranges" "$J" '
    .env.numa.nodes as $n
    | [.results[] | select(.test=="cores" and .params.threads==4 and (.params | has("node") | not))] as $r
    | ($r | length) == 2 and all($r[]; (.extra.buffers | length) == 4 and all(.extra.buffers[];
        . as $b | .mem_node == .node and ($n[] | select(.id == $b.node) | any(.ranges[];
            $b.address >= .base and $b.address < .base + .bytes))))'
jqcheck "all-core triad uses both nodes" "$J" \
    '[.results[] | select(.test=="cores" and .params.threads==4) | .extra.buffers[]?.node] | unique == [0,1]'
jqcheck "per-node figures beside the total (params.node 0 and 1, 2 threads each)" "$J" \
    '[.results[] | select(.test=="cores" and (.params | has("node"))) | "\(.params.node)/\(.params.threads)"] | unique == ["0/2","1/2"]'
jqcheck "numa matrix: 4 triad and 4 latency entries, every cpu_node x mem_node" "$J" '
    [.results[] | select(.test=="numa")] as $m
    | ([$m[] | select(.unit=="GB/s") | "\(.params.cpu_node)>\(.params.mem_node)"] | sort) == ["0>0","0>1","1>0","1>1"]
      and ([$m[] | select(.unit=="ns") | "\(.params.cpu_node)>\(.params.mem_node)"] | sort) == ["0>0","0>1","1>0","1>1"]
      and all($m[]; .median > 0)'

boot onenode 2 512M "suite=timer reps=2"
J=$T/onenode/latest.json
jqcheck "no SRAT: one node holding every processor, said so" "$J" \
    '(.env.numa.nodes | length) == 1 and (.env.numa.nodes[0].processors | length) == 2 and (.env.numa.note | test("no SRAT: one node"))'
