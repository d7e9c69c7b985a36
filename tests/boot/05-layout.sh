#!/usr/bin/env bash
# 05-layout.sh - the folders show the platform seam: nothing portable (kernel/, bench/) includes
# an EFI or Linux-only header, firmware code lives under boot/, and the builds pick by folder.
. "$(dirname "$0")/lib.sh"
cd "$top"

efi_inc='#include *[<"](efi\.h|efilib\.h|efi[a-z0-9_]*\.h|boot/)'
linux_inc='#include *<(linux/|sys/|fcntl\.h|unistd\.h|pthread\.h|numa\.h)'
check "no EFI header included under kernel/ or bench/" \
    bash -c "! grep -rEn '$efi_inc' kernel bench"
check "no Linux-only header included under kernel/ or bench/" \
    bash -c "! grep -rEn '$linux_inc' kernel bench"
check "no file under kernel/ or bench/ is named uefi_* or *_linux*" \
    bash -c "! find kernel bench -name 'uefi_*' -o -name '*_linux*' | grep -q ."
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
# the queue-depth loop is written once (kernel/blk_engine.c): every queued path runs it
check "every block path runs the one block engine (kernel/blk_engine.c)" \
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
check "README 'How it is built' names every top-level source folder" \
    bash -c "for d in kernel bench boot drivers host image tests tools; do sed -n '/^## How it is built/,/^## /p' README.md | grep -q \"^\$d/\" || exit 1; done"
