#!/usr/bin/env bash
# 76-deb.sh - `make deb` builds a Debian package of the host side that apt resolves (`apt-get install
# ./barebench_*.deb`, simulated: the machine is left as it is) and that dpkg installs into a
# temporary root whose package database holds this machine's installed dependencies (so Depends
# is really checked: without one of them dpkg refuses), with the five tools, the image files,
# the collector's unit and the man pages where the package says; the installed collector takes
# an upload from the installed barebench and stores it as a file and in its database, which the
# installed barebench-db reads; dpkg --purge then leaves nothing of the package behind.
. "$(dirname "$0")/../boot/lib.sh"
. "$top/tests/boot/collector.bash"

make -C "$top" --no-print-directory BUILD="$BUILD" deb >"$T/make.log" 2>&1
check "make deb exits 0" test $? = 0
deb=$(ls "$BUILD"/barebench_*.deb 2>/dev/null | head -1)
check "make deb wrote build/barebench_VERSION_ARCH.deb" test -f "$deb"
check "its control names the package, a 0~git version, the architecture and shared-library Depends" \
    bash -c "dpkg-deb -f '$deb' Package Version Architecture Depends | grep -q '^Package: barebench' &&
             dpkg-deb -f '$deb' Version | grep -q '^0~git[0-9]\{14\}\.[0-9a-f]' &&
             dpkg-deb -f '$deb' Architecture | grep -qx \"\$(dpkg --print-architecture)\" &&
             dpkg-deb -f '$deb' Depends | grep -q 'libpq5' && dpkg-deb -f '$deb' Depends | grep -q 'libsqlite3-0'"

# apt takes the package as a user installs it (`apt-get install ./barebench_*.deb`): simulated, so
# this machine is left as it is and two test runs cannot collide on dpkg's lock; apt resolves
# every Depends from what is installed or in the archive
apt-get install -s "$deb" >"$T/apt.out" 2>&1
check "apt-get install ./barebench_*.deb: apt resolves it (a new package, nothing removed or broken)" \
    bash -c "grep -q '^Inst barebench ' '$T/apt.out' && grep -q '^Conf barebench ' '$T/apt.out' &&
             grep -q ' 0 to remove' '$T/apt.out' && ! grep -qi 'broken\|unmet' '$T/apt.out'"

# a root whose dpkg database holds this machine's entries of the package's dependencies
NR=(); [ "$(id -u)" = 0 ] || NR=(--force-not-root)
make_root() { # make_root DIR [PACKAGE-LEFT-OUT]
    mkdir -p "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates" "$1/var/lib/dpkg/triggers"
    touch "$1/var/lib/dpkg/available"
    local p
    for p in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/ //g'); do
        [ "$p" = "${2:-}" ] && continue
        dpkg-query -s "$p" && echo
        touch "$1/var/lib/dpkg/info/$(dpkg-query -W -f='${binary:Package}' "$p").list"
    done >"$1/var/lib/dpkg/status"
}
make_root "$T/nolibpq" libpq5
dpkg --root="$T/nolibpq" "${NR[@]}" --log="$T/dpkg.log" -i "$deb" >"$T/nolibpq.out" 2>&1
check "without libpq5 installed, dpkg refuses the package (its Depends are real)" \
    bash -c "! dpkg --root='$T/nolibpq' -s barebench 2>/dev/null | grep -q 'install ok installed' &&
             grep -q 'depends on libpq5' '$T/nolibpq.out'"

R=$T/root
make_root "$R"
dpkg --root="$R" "${NR[@]}" --log="$T/dpkg.log" -i "$deb" >"$T/install.out" 2>&1
check "dpkg installs it into the temporary root, with no warning" \
    bash -c "! grep -qi 'warning\|error' '$T/install.out' && dpkg --root='$R' -s barebench | grep -q 'install ok installed'"
check "the five tools are in /usr/bin and run (--help)" bash -c "
    for t in barebench benchcmp barebench-collect barebench-db mkscratch; do
        test -x '$R'/usr/bin/\$t || exit 1
    done
    '$R'/usr/bin/barebench-db --help | grep -q outliers && '$R'/usr/bin/benchcmp --help 2>&1 | grep -q baseline &&
    '$R'/usr/bin/barebench-collect --help 2>&1 | grep -q -- --dir && '$R'/usr/bin/mkscratch --help 2>&1 | grep -q scratch"
check "the image files are in /usr/share/barebench, byte for byte the build's" bash -c "
    cmp '$R/usr/share/barebench/barebench.efi' '$BUILD/barebench.efi' &&
    cmp '$R/usr/share/barebench/barebench.iso' '$BUILD/barebench.iso' &&
    cmp '$R/usr/share/barebench/barebench.img' '$BUILD/barebench.img'"
unit=$R/lib/systemd/system/barebench-collect.service
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit" 2>/dev/null)
check "the systemd unit is installed and starts the packaged collector ($exe)" \
    bash -c "[ '$exe' = /usr/bin/barebench-collect ] && test -x '$R$exe'"
check "a man page for each tool, each renders with its NAME" bash -c "
    for t in barebench benchcmp barebench-collect barebench-db mkscratch; do
        MANWIDTH=80 man -l '$R'/usr/share/man/man1/\$t.1.gz 2>/dev/null | grep -A1 '^NAME' | grep -qE \"^ *\$t +- \" || exit 1
    done"

# the installed collector takes an upload from the installed barebench (loopback, no key)
COL=$R/usr/bin/barebench-collect
if start_collector "$T/collect.log" --dir "$T/results"; then
    "$R/usr/bin/barebench" --suite timer --profile quick --reps 1 --tag debtest \
        --upload "http://127.0.0.1:$PORT/" --json "$T/run.json" >"$T/run.out" 2>&1
    check "the installed barebench ran and uploaded to the installed collector (201)" \
        grep -q 'landed: HTTP 201' "$T/run.out"
    run_id=$(jq -r .tool.run_id "$T/run.json")
    check "the collector stored the run's document as a file" \
        bash -c "cmp <(jq -S . '$T/run.json') <(jq -S . '$T'/results/debtest_*.json)"
    # the collector stores into its database on a thread of its own after the answer: wait for it
    # (at most 15 s)
    for _ in $(seq 75); do
        "$R/usr/bin/barebench-db" summary --db "sqlite:$T/results/barebench.sqlite" --format json \
            >"$T/summary.json" 2>"$T/summary.err"
        [ "$(jq length "$T/summary.json" 2>/dev/null)" -gt 0 ] 2>/dev/null && break
        sleep 0.2
    done
    jqcheck "... and in its database (sqlite:DIR/barebench.sqlite), which the installed barebench-db reads" \
        "$T/summary.json" 'length > 0 and all(.[]; .group == "debtest" and .n == 1 and .suite == "timer")'
    check "... under the run's id" bash -c "python3 -c 'import sqlite3, sys
print(*[r[0] for r in sqlite3.connect(sys.argv[1]).execute(\"SELECT run_id FROM runs\")])' \
        '$T/results/barebench.sqlite' | grep -qx '$run_id'"
else
    echo "not ok - the installed collector started"
fi
cleanup

dpkg --root="$R" "${NR[@]}" --log="$T/dpkg.log" --purge barebench >"$T/purge.out" 2>&1
check "dpkg --purge removes it cleanly" \
    bash -c "! grep -qi 'warning\|error' '$T/purge.out' && ! dpkg --root='$R' -s barebench >/dev/null 2>&1"
check "nothing of the package is left in the root (only dpkg's own database)" \
    test -z "$(cd "$R" && find . -mindepth 1 -not -path './var' -not -path './var/lib' -not -path './var/lib/dpkg' -not -path './var/lib/dpkg/*')"
