# native.mk - `make bench-disk-uefi`: the image's own disk drivers against the firmware's
# under QEMU (tools/bench/bench-disk-uefi.sh; prints both sides and "ratio X").
.PHONY: bench-disk-uefi
bench-disk-uefi: efi host $(BUILD)/host/mkscratch
	@BUILD='$(BUILD)' tools/bench/bench-disk-uefi.sh
