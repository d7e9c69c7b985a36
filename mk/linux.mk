# linux.mk - what the OS adds: `make linux-guest` (build/linux-guest/ from Debian packages:
# kernel, busybox initramfs, block modules, the barebench Linux build, fio), `make run-linux`
# (that guest under exactly the QEMU configuration of `make run`, same variables and ARGS) and
# `make compare-os` (make run, make run-linux, then benchcmp UEFI vs Linux vs fio).

.PHONY: linux-guest run-linux compare-os
GUEST := $(BUILD)/linux-guest

linux-guest: deps host $(BUILD)/host/mkscratch
	@image/linux/mkguest.sh $(BUILD)/host $(GUEST)

run-linux: linux-guest efi
	@$(QEMU_RUN_ENV) image/qemu-run.sh $(GUEST)

compare-os: deps tools
	@$(MAKE) --no-print-directory run
	@$(MAKE) --no-print-directory run-linux
	@image/linux/os-compare.sh $(RUN_OUT)/latest.json $(RUN_OUT)/linux-guest.json \
	    $(RUN_OUT)/compare-os $(BUILD)/host/benchcmp
