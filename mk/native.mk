# native.mk - `make bench-disk-uefi`: the image's own disk drivers against the firmware's
# under QEMU (tools/bench-disk-uefi.sh; prints both sides and "ratio X").
.PHONY: bench-disk-uefi
bench-disk-uefi: efi host $(BUILD)/host/mkscratch
	@BUILD='$(BUILD)' tools/bench-disk-uefi.sh
