# disk.mk - the disk suite's host side: build/host/mkscratch (marks a scratch target),
# `make scratch-disk [SCRATCH=build/scratch.img] [SCRATCH_SIZE=128M]` (a scratch disk image to
# attach with DISKS=...), and `make bench-disk` (Linux build vs fio on a scratch file).

SCRATCH ?= $(BUILD)/scratch.img
SCRATCH_SIZE ?= 128M

.PHONY: mkscratch scratch-disk bench-disk
mkscratch: $(BUILD)/host/mkscratch
host: $(BUILD)/host/mkscratch

$(BUILD)/host/mkscratch: tools/mkscratch/mkscratch.c bench/disk_marker.c bench/disk_marker.h bench/disk_fill.c bench/disk_fill.h host/blockdev_linux.c host/blockdev_linux.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) tools/mkscratch/mkscratch.c bench/disk_marker.c bench/disk_fill.c host/blockdev_linux.c -o $@

scratch-disk: $(BUILD)/host/mkscratch
	@rm -f '$(SCRATCH)'
	$(BUILD)/host/mkscratch --size $(SCRATCH_SIZE) --label scratch '$(SCRATCH)'

bench-disk: host $(BUILD)/host/mkscratch
	@BUILD='$(BUILD)' tools/bench/bench-disk.sh
