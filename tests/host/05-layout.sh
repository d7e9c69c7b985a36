#!/usr/bin/env bash
# 05-layout.sh - the folders show the platform seam: nothing portable (kernel/, bench/, app/)
# includes an EFI or Linux-only header, firmware code lives under boot/, the builds pick by folder,
# the layers go one way (kernel/ <- bench/ <- app/) and suites are named only where they register;
# the tests are where they belong (tests/boot/ boots the image, tests/host/ does not) and the
# README stays a newcomer's page.
. "$(dirname "$0")/../boot/lib.sh"
cd "$top"

efi_inc='#include *[<"](efi\.h|efilib\.h|efi[a-z0-9_]*\.h|boot/)'
linux_inc='#include *<(linux/|sys/|fcntl\.h|unistd\.h|pthread\.h|numa\.h)'
check "no EFI header included under kernel/, bench/ or app/" \
    bash -c "! grep -rEn '$efi_inc' kernel bench app"
check "no Linux-only header included under kernel/, bench/ or app/" \
    bash -c "! grep -rEn '$linux_inc' kernel bench app"
check "no file under kernel/, bench/ or app/ is named uefi_* or *_linux*" \
    bash -c "! find kernel bench app -name 'uefi_*' -o -name '*_linux*' | grep -q ."
check "every file that includes boot/uefi.h lives in boot/" \
    bash -c "! grep -rln '#include \"boot/uefi.h\"' --include='*.[ch]' . | grep -vE '^\./boot/'"
# drivers/ reach the device only through the PCI/DMA seam (drivers/pci.h), so the unit tests
# build them against tests/unit/fake_pci.c
check "no EFI or boot/ header included under drivers/" \
    bash -c "! grep -rEn '$efi_inc' drivers"
check "no EFI type or firmware call in the code under drivers/ (comments aside)" \
    bash -c "for f in \$(find drivers -name '*.[ch]'); do gcc -fpreprocessed -dD -E -P \"\$f\" 2>/dev/null; done | grep -Eq '\\bEFI_[A-Za-z_]+|\\bPciIo|uefi_call_wrapper|\\bBS->' && exit 1 || exit 0"
# a controller is one file under drivers/ and one line in the driver table (drivers/blk_drivers.c):
# nothing else names a driver or switches on one
check "no per-driver switch (K_NVME/K_VIRTIO/K_AHCI) anywhere" \
    bash -c "! grep -rEn '\\bK_(NVME|VIRTIO|AHCI)\\b' --include='*.[ch]' kernel bench boot drivers host"
check "outside drivers/, only the driver table and the PCI seam headers are included" \
    bash -c "! grep -rEn '#include \"drivers/' --include='*.[ch]' kernel bench boot host tools | grep -vE 'drivers/(blk_driver|pci)\\.h'"
# the queue-depth loop is written once (kernel/block/blk_engine.c): every queued path runs it
check "every block path runs the one block engine (kernel/block/blk_engine.c)" \
    bash -c "for f in drivers/nvme_queue.c drivers/virtio_blk_queue.c drivers/ahci_queue.c boot/uefi_block.c; do grep -q 'blk_engine_run(' \$f || exit 1; done; grep -q 'blk_engine_sync(' boot/uefi_block.c && grep -q 'blk_engine_sync(' host/block_linux.c"
check "includes are written from the top of the tree (no ../)" \
    bash -c "! grep -rn '#include \"\\.\\./' kernel bench boot drivers host tools tests"
# the object lists of both builds follow the folders
objs_efi=$(make -s -p -n efi 2>/dev/null | sed -n 's/^EFI_OBJS := //p' | head -1)
objs_host=$(make -s -p -n host 2>/dev/null | sed -n 's/^HOST_OBJS := //p' | head -1)
check "UEFI build takes boot/ and drivers/, not host/" \
    bash -c "echo '$objs_efi' | grep -q 'boot/efi_main.o' && echo '$objs_efi' | grep -q 'drivers/' && ! echo '$objs_efi' | grep -q '/host/'"
check "Linux build takes host/, not boot/ or drivers/" \
    bash -c "echo '$objs_host' | grep -q 'host/main_linux.o' && ! echo '$objs_host' | grep -qE 'obj/(boot|drivers)/'"
check "docs/DEVELOPING.md 'How it is built' names every top-level source folder" \
    bash -c "for d in kernel bench app boot drivers host image tests tools; do sed -n '/^## How it is built/,/^## /p' docs/DEVELOPING.md | grep -q \"^\$d/\" || exit 1; done"

# ---- ARCH (docs/DEVELOPING.md "Architecture code"): portable files reach the CPU only through
# the headers kernel/$(ARCH)/arch/ gives as "arch/...", the toolchain is mk/arch-$(ARCH).mk.
# Each rule runs on a tree (argument) and is shown to fail on a planted violation in a copy.
arches=$(ls mk/arch-*.mk | sed 's|mk/arch-\(.*\)\.mk|\1|')
arch_re="($(echo $arches | tr ' ' '|'))"
src_dirs="kernel bench app boot drivers host tools"
# the code of a file without its comments and string contents (gcc's preprocessor, no includes)
code_of() { gcc -fpreprocessed -dD -E -P "$1" 2>/dev/null; }

# 1. no file outside an architecture folder includes one (kernel/x86/..., bench/x86/...)
rule_arch_include() {
    ! (cd "$1" && grep -rEn "#include *[\"<][^\">]*/$arch_re/" --include='*.[ch]' $src_dirs |
       grep -vE "^[^:]*/$arch_re/")
}
# 2. no inline assembly or x86 builtin outside an architecture folder (comments aside)
rule_no_asm() {
    (cd "$1" && for f in $(find $src_dirs -name '*.[ch]' | grep -vE "/$arch_re/"); do
        code_of "$f" | grep -Eq '\b(__asm__|__asm|asm)\b[ a-z_]*\(|__builtin_ia32_' && { echo "$f"; exit 1; }
    done; exit 0)
}
# 3. the platform interface names no x86-only notion (PM timer port, PML4, APIC, IDT, TSC, CPUID)
rule_platform_h() {
    ! grep -Ein 'pm_timer|PM timer|PML4|APIC|\bIDT\b|\bTSC\b|CPUID|x86' "$1/kernel/platform.h"
}
# 4. every "arch/..." header a portable file includes exists for every architecture
rule_arch_headers() {
    (cd "$1" && for h in $(grep -rhoE '#include "arch/[a-z_]+\.h"' --include='*.[ch]' $src_dirs |
                           sed 's/.*"\(.*\)"/\1/' | sort -u); do
        for a in $arches; do [ -f "kernel/$a/$h" ] || { echo "kernel/$a/$h missing"; exit 1; }; done
    done; exit 0)
}
# 5. the Makefile and mk/*.mk name no architecture's toolchain: only mk/arch-<arch>.mk does
rule_toolchain() {
    ! (cd "$1" && grep -En 'x86_64|x86-64|BOOTX64|red-zone|accumulate-outgoing|elf64-|linker\.ld' \
         Makefile $(ls mk/*.mk | grep -v '^mk/arch-'))
}

# ---- the layers (docs/DEVELOPING.md "Where things go"): kernel/ <- bench/ <- app/ <- boot/, host/
# 6. nothing below bench/ includes bench/ or app/; bench/ does not include app/; the hosts
#    (boot/, host/) reach the suites only through app/
rule_layers() {
    ! (cd "$1" && { grep -rEn '#include "(bench|app)/' --include='*.[ch]' kernel drivers
                    grep -rEn '#include "app/' --include='*.[ch]' bench
                    grep -rEn '#include "bench/' --include='*.[ch]' boot host; } | grep .)
}
# 7. a suite is named where it registers (its struct suite, bench/suite_charts.c), not in the
#    runtime (kernel/) or in benchcmp: no string literal of a suite's name there, but for the
#    few keys that share a name (env.timer, the "disk" parameter of a result)
suite_name_re() {
    (cd "$1" && grep -ohE 'const struct suite suite_[a-z0-9_]+ = \{"[a-z0-9_]+"' bench/*.c |
         sed 's/.*{"\(.*\)"/\1/' | paste -sd'|')
}
rule_suite_names() {
    local re
    re=$(suite_name_re "$1")
    [ -n "$re" ] || return 1
    (cd "$1" && for f in $(find kernel -name '*.[ch]') tools/benchcmp/*.c; do
        code_of "$f" | grep -E "\"($re)\"" |
            grep -vE 'json_key\(j, "timer"\)|json_kv_str\(j, "timer", |"kernel", "disk",' |
            grep -q . && { echo "$f"; exit 1; }
    done; exit 0)
}
# 8. a suite's own options are rows it declares (struct opt_group in bench/) and registers through
#    its struct suite entry: no option row in kernel/ keyed by a suite's name or NAME_..., and no
#    key a suite registers named in kernel/run/ (the option parser, the config file)
rule_suite_options() {
    local re keys
    re=$(suite_name_re "$1")
    keys=$(cd "$1" && grep -ohE '\.key = "[a-z0-9_]+"' bench/*.c | sed 's/.*"\(.*\)"/\1/' | paste -sd'|')
    [ -n "$re" ] || return 1
    (cd "$1" && for f in $(find kernel -name '*.[ch]'); do
        code_of "$f" | grep -Eq "(\{ *|\.key *= *)\"($re)(_[a-z0-9_]*)?\" *," && { echo "$f"; exit 1; }
    done
    [ -z "$keys" ] || for f in $(find kernel/run -name '*.[ch]'); do
        code_of "$f" | grep -Eq "\"($keys)\"" && { echo "$f"; exit 1; }
    done; exit 0)
}

check "no */x86/ include outside an architecture folder (portable files include \"arch/...\")" rule_arch_include .
check "no inline assembly outside an architecture folder" rule_no_asm .
check "kernel/platform.h names no x86-only notion (PM timer port, PML4, APIC, IDT, TSC, CPUID)" rule_platform_h .
check "every \"arch/...\" header included exists under kernel/<arch>/arch/ for every ARCH" rule_arch_headers .
check "the Makefile and mk/*.mk leave the toolchain to mk/arch-\$(ARCH).mk" rule_toolchain .
check "layers one way: kernel/ and drivers/ include no bench/ or app/, bench/ no app/, hosts no bench/" rule_layers .
check "no suite named in kernel/ or benchcmp (suites register in bench/)" rule_suite_names .
check "no suite's option in kernel/ (each suite declares its rows and registers them in its struct suite)" rule_suite_options .

# ---- tests and docs (docs/DEVELOPING.md "Tests"): a number names one script across tests/boot/
# and tests/host/ (make test runs them in that order); a tests/boot/ script boots the image and a
# tests/host/ one does not; the README stays a newcomer's page, the rest is in docs/.
# What boots, in a script's code (comments aside): a boot helper (tests/boot/lib.sh, media.bash),
# QEMU itself, image/qemu-run.sh, `make run`, or the bench script that boots the image.
boots_re='(^|[[:space:];&|(!])((boot|boot_media|boot_media_key|boot_media_until|qemu_boot|qemu_base_args)'
boots_re+=' ("[^"]*"|[^ ]+) ["$0-9]|"?\$QEMU"? )|image/qemu-run\.sh|make[^|;&]* run( |$)|bench-disk-uefi\.sh'
readme_max=200
code_lines() { grep -v '^[[:space:]]*#' "$1"; }
# 6. no number used twice
rule_test_numbers() {
    ! (cd "$1" && ls tests/boot tests/host | grep -E '^[0-9]+-.*\.sh$' | cut -d- -f1 | sort | uniq -d | grep .)
}
# 7. every tests/boot/ script boots the image
rule_boot_tests_boot() {
    (cd "$1" && for f in tests/boot/[0-9]*.sh; do
        code_lines "$f" | grep -Eq "$boots_re" || { echo "$f boots nothing"; exit 1; }
    done; exit 0)
}
# 8. no tests/host/ script boots it
rule_host_tests_do_not_boot() {
    (cd "$1" && for f in tests/host/[0-9]*.sh; do
        code_lines "$f" | grep -Eq "$boots_re" && { echo "$f boots"; exit 1; }
    done; exit 0)
}
# 9. the README stays short: what it is, the two commands, boot it, compare, where to read on
rule_readme_short() { [ "$(wc -l <"$1/README.md")" -le "$readme_max" ]; }

check "a test number names one script across tests/boot/ and tests/host/" rule_test_numbers .
check "every tests/boot/ script boots the image" rule_boot_tests_boot .
check "no tests/host/ script boots the image" rule_host_tests_do_not_boot .
check "README.md has at most $readme_max lines (the rest lives in docs/)" rule_readme_short .

# each rule fails on a planted violation (a copy of the tree, one plant at a time)
plant=$(mktemp -d)
trap 'rm -rf "$plant"' EXIT
git ls-files -z $src_dirs mk Makefile tests README.md | xargs -0 cp --parents -t "$plant"
planted() { # planted RULE FILE LINE: add LINE to FILE in the copy, expect RULE to fail, undo
    local rule=$1 f=$plant/$2 line=$3
    local shown=${line%%$'\n'*}
    [ "$shown" = "$line" ] || shown="$shown ... ($(printf '%s\n' "$line" | wc -l) lines)"
    cp "$f" "$f.orig"; printf '%s\n' "$line" >> "$f"
    if $rule "$plant" >/dev/null 2>&1; then echo "not ok - $rule catches: $shown (in $2)"
    else echo "ok - $rule catches: $shown (in $2)"; fi
    mv "$f.orig" "$f"
}
planted_file() { # planted_file RULE FILE TEXT: a new FILE holding TEXT in the copy, RULE must fail
    local rule=$1 f=$plant/$2
    printf '%s\n' "$3" >"$f"
    if $rule "$plant" >/dev/null 2>&1; then echo "not ok - $rule catches a new $2"
    else echo "ok - $rule catches a new $2"; fi
    rm -f "$f"
}
planted rule_arch_include kernel/machine/clock.c '#include "kernel/x86/cpu.h"'
planted rule_arch_include bench/alu.h '#include "bench/x86/mem_kernels_body.h"'
planted rule_no_asm bench/alu_fp.c 'static void p(void) { __asm__ volatile("pause"); }'
planted rule_no_asm boot/uefi_clock.c 'static void p(void) { asm("hlt"); }'
planted rule_platform_h kernel/platform.h 'uint16_t plat_pm_timer_port(void);'
planted rule_platform_h kernel/platform.h '/* the IDT entry of the timer */'
planted rule_arch_headers kernel/lib/json.c '#include "arch/nosuch.h"'
planted rule_toolchain Makefile 'X := $(EFI_LIB)/crt0-efi-x86_64.o'
planted_file rule_test_numbers tests/boot/10-again.sh 'boot x 1 256M ""'
planted_file rule_test_numbers tests/host/52-again.sh 'check "nothing" true'
planted_file rule_boot_tests_boot tests/boot/91-noboot.sh 'check "nothing" true'
planted rule_host_tests_do_not_boot tests/host/21-collect.sh 'boot up 1 256M "suite=timer"'
planted rule_host_tests_do_not_boot tests/host/15-linux-cli.sh 'make -s run'
planted rule_host_tests_do_not_boot tests/host/99-schema.sh '"$QEMU" "${QEMU_ARGS[@]}" -kernel x.efi'
planted rule_readme_short README.md "$(seq -f 'line %g' $readme_max)"
planted rule_layers kernel/report/summary.c '#include "bench/suites.h"'
planted rule_layers drivers/nvme.c '#include "app/app.h"'
planted rule_layers bench/runner.c '#include "app/app.h"'
planted rule_layers boot/uefi_clock.c '#include "bench/runner.h"'
planted rule_suite_names kernel/run/options.c 'static const char *const names[] = {"timer", "alu", NULL};'
planted rule_suite_names kernel/report/summary.c 'static int is_mem(const char *s) { return !strcmp(s, "mem"); }'
planted rule_suite_names tools/benchcmp/benchcmp_plot.c 'static const char *const k = "vmcost";'
planted rule_suite_names kernel/run/options.c 'static const char *const k = "disk";'
planted rule_suite_options kernel/run/options.c '    {"mem_max", OPT_SIZE, 0, 0, 0, 0, NULL, "SIZE", "largest buffer"},'
planted rule_suite_options kernel/run/options.c '    {"disk", OPT_STR, 0, 128, 0, 0, NULL, "all|none", "disks to measure"},'
planted rule_suite_options kernel/lib/json.c '    {.key = "disk_label", .kind = OPT_STR},'
planted rule_suite_options kernel/run/config.c '    if (!strcmp(key, "disk_write")) return 0;'
# and the whole copy still passes every rule once the plants are gone
check "the copy passes every rule again after the plants" bash -c \
    "$(declare -f code_of code_lines rule_arch_include rule_no_asm rule_platform_h rule_arch_headers \
                  rule_toolchain rule_test_numbers rule_boot_tests_boot rule_host_tests_do_not_boot \
                  rule_readme_short rule_layers suite_name_re rule_suite_names rule_suite_options);
     arches='$arches' arch_re='$arch_re' src_dirs='$src_dirs' boots_re='$boots_re' readme_max=$readme_max;
     rule_arch_include $plant && rule_no_asm $plant && rule_platform_h $plant && rule_arch_headers $plant &&
     rule_toolchain $plant && rule_test_numbers $plant && rule_boot_tests_boot $plant &&
     rule_host_tests_do_not_boot $plant && rule_readme_short $plant && rule_layers $plant &&
     rule_suite_names $plant && rule_suite_options $plant"
