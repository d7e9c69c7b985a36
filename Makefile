# Makefile - builds the UEFI image (build/barebench.efi), the Linux program
# (build/host/barebench), runs them and the tests.  `make help` lists the targets.

SHELL := /bin/bash
BUILD ?= build
CC ?= gcc
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# the architecture of the image: its toolchain and flags are in mk/arch-$(ARCH).mk, its code in
# */$(ARCH)/.  HOST_ARCH is the build machine's: the Linux program, the unit tests and the host
# tools are built for it with $(CC) (ARCH=aarch64 on an x86 machine: a cross-built image, native tools).
ARCH ?= x86
# make iso|img ARCH=both: the default architecture's media with every other architecture's boot
# file beside its own (mk/image.mk), so one medium boots either kind of machine
ifeq ($(ARCH),both)
override ARCH := x86
MEDIA_ALL_ARCHES := 1
endif
HOST_ARCH ?= $(if $(filter aarch64 arm64,$(shell uname -m)),aarch64,x86)
ifeq ($(wildcard mk/arch-$(ARCH).mk),)
$(error ARCH=$(ARCH): no mk/arch-$(ARCH).mk (architectures: $(patsubst mk/arch-%.mk,%,$(wildcard mk/arch-*.mk))))
endif
include mk/arch-$(ARCH).mk
# the image's compiler, linker and objcopy (CROSS_COMPILE of mk/arch-$(ARCH).mk); the image and
# its objects go to $(EFI_BUILD): $(BUILD) for the default ARCH, $(BUILD)/<arch> for another
EFI_CC := $(CROSS_COMPILE)gcc
EFI_LD := $(CROSS_COMPILE)ld
EFI_NM := $(CROSS_COMPILE)nm
EFI_OBJCOPY := $(CROSS_COMPILE)objcopy
EFI_BUILD := $(BUILD)$(EFI_BUILD_SUB)

# `make V=1` shows the full compiler commands
Q := $(if $(V),,@)

WARN := -std=c11 -Wall -Wextra -Werror
COMMON := -O2 -g0 -DBB_VERSION='"$(VERSION)"' -fno-strict-aliasing -I$(CURDIR)

# Sources are picked by folder (see docs/DEVELOPING.md "How it is built"):
#   kernel/ bench/ app/   portable, built into both the UEFI image and the Linux program
#                         (layered one way: kernel/ <- bench/ <- app/, the run itself)
#   boot/ drivers/        UEFI image only (firmware calls, barebench's own device drivers; the
#                         unit tests also build drivers/*.c, over tests/unit/fake_pci.c)
#   host/                 Linux program only
# and in each of them <folder>/$(ARCH)/ holds that folder's architecture-specific part.
# kernel/'s folders by concern (lib/, firmware/, machine/, ...) are portable; an architecture's
# folder (kernel/<arch>/, named by mk/arch-<arch>.mk) only for its ARCH
ARCHES := $(patsubst mk/arch-%.mk,%,$(wildcard mk/arch-*.mk))
KERNEL_SRCS := $(filter-out $(foreach a,$(ARCHES),kernel/$(a)/%),$(wildcard kernel/*.c kernel/*/*.c))
portable = $(KERNEL_SRCS) $(wildcard kernel/$(1)/*.c bench/*.c bench/$(1)/*.c app/*.c)
PORTABLE := $(call portable,$(ARCH))
UEFI_ONLY := $(wildcard boot/*.c boot/$(ARCH)/*.c drivers/*.c drivers/$(ARCH)/*.c)
LINUX_ONLY := $(wildcard host/*.c host/$(HOST_ARCH)/*.c)

EFI_INC ?= /usr/include/efi
EFI_CFLAGS := $(WARN) $(COMMON) -I$(CURDIR)/kernel/$(ARCH) -ffreestanding -fno-stack-protector -fno-stack-check \
              -fshort-wchar -fpic -fno-builtin-printf $(EFI_ARCH_CFLAGS) \
              -DBB_UEFI -I$(EFI_INC) -I$(EFI_INC)/$(EFI_ARCH)
EFI_LDFLAGS := -nostdlib -znocombreloc -T $(EFI_LDS) -shared -Bsymbolic -L$(EFI_LIB) $(EFI_ARCH_LDFLAGS)

HOST_CFLAGS := $(WARN) $(COMMON) -I$(CURDIR)/kernel/$(HOST_ARCH) -D_GNU_SOURCE -pthread -MMD -MP
HOST_LIBS := -pthread -lm -lnuma -lssl -lcrypto

EFI_OBJS := $(patsubst %.c,$(EFI_BUILD)/efi/%.o,$(PORTABLE) $(UEFI_ONLY))
HOST_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(call portable,$(HOST_ARCH)) $(LINUX_ONLY))

.PHONY: all efi host run test unit boot-test host-test deps clean help
all: efi host

efi: $(EFI_BUILD)/barebench.efi
host: $(BUILD)/host/barebench

$(EFI_BUILD)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC [uefi]  $<")
	$(Q)$(EFI_CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(EFI_BUILD)/barebench.so: $(EFI_OBJS) $(EFI_LDS)
	@$(if $(Q),echo "  LD        $@")
	$(Q)$(EFI_LD) $(EFI_LDFLAGS) $(EFI_LIB)/crt0-efi-$(EFI_ARCH).o $(EFI_OBJS) -o $@ \
	    -lefi -lgnuefi $$($(EFI_CC) -print-libgcc-file-name)
	@# -shared lets a libc call the firmware environment lacks link silently (and crash at run time)
	@undef=$$($(EFI_NM) -u $@); [ -z "$$undef" ] || { echo "error: undefined in the UEFI image (not in boot/libc_shim.c?): $$undef" >&2; rm -f $@; exit 1; }

$(EFI_BUILD)/barebench.efi: $(EFI_BUILD)/barebench.so
	$(Q)$(EFI_OBJCOPY) -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym -j .rel \
	    -j .rela -j '.rel.*' -j '.rela.*' -j .reloc $(EFI_OBJCOPY_FLAGS) $< $@
	$(Q)tools/pe-nxcompat.sh $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

$(BUILD)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC [linux] $<")
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/barebench: $(HOST_OBJS)
	@$(if $(Q),echo "  LD        $@")
	$(Q)$(CC) $(HOST_OBJS) -o $@ $(HOST_LIBS)

deps:
	@tools/install-deps.sh

# make run [SMP=2] [MEM=1G] [NUMA=N] [ARGS="suite=timer reps=3"] [DISKS="a.img b.img"|none]
#          [DISK_IF=virtio|nvme|ahci] [NET=user|none]; no DISKS: the default scratch disk $(BUILD)/scratch.img
#          [MEDIA=iso|img] (boot build/barebench.iso as a CD / .img as a disk, ARGS in its cfg) [V=1]
SMP ?= 2
MEM ?= 1G
ARGS ?=
DISKS ?=
DISK_IF ?= virtio
NET ?=
NUMA ?= 0
RUN_OUT ?= $(BUILD)/results
# the QEMU configuration of `make run`, shared by `make run-linux` (mk/linux.mk)
QEMU_RUN_ENV = SMP='$(SMP)' MEM='$(MEM)' NUMA='$(NUMA)' ARGS='$(ARGS)' DISKS='$(DISKS)' \
    DISK_IF='$(DISK_IF)' NET='$(NET)' SCRATCH_IMG='$(BUILD)/scratch.img' \
    MKSCRATCH='$(BUILD)/host/mkscratch' OUT_DIR='$(RUN_OUT)' V='$(V)' \
    QEMU='$(or $(QEMU),$(QEMU_SYSTEM))' EFI_BOOT_NAME='$(EFI_BOOT_NAME)'
MEDIA ?=
run: deps efi $(BUILD)/host/mkscratch $(if $(MEDIA),host $(BUILD)/bios/nouefi.bin)
	@$(QEMU_RUN_ENV) MEDIA='$(MEDIA)' BIOS_SECTOR=$(BUILD)/bios/nouefi.bin BB_HOST=$(BUILD)/host/barebench \
	    image/qemu-run.sh $(EFI_BUILD)/barebench.efi

include tests/tests.mk
# Feature areas add their own targets (iso, img, pxe, bench-*, tools) in mk/*.mk
# (mk/arch-*.mk: only the one ARCH names, included above)
-include $(sort $(filter-out mk/arch-%.mk,$(wildcard mk/*.mk)))

clean:
	rm -rf $(BUILD)

help:
	@echo "make          build build/barebench.efi and build/host/barebench (and the host tools)"
	@echo "make efi      the UEFI program only: build/barebench.efi"
	@echo "make host     the Linux program and tools only: build/host/ (barebench, benchcmp, barebench-collect, mkscratch)"
	@echo "make run      boot the image under QEMU+OVMF, print progress, summary and where the document went"
	@echo "              variables: SMP= MEM= NUMA= ARGS= DISKS=|none DISK_IF=virtio|nvme|ahci DISK_CACHE= NET=user|none ACCEL=kvm|tcg"
	@echo "              MEDIA=iso|img (boot build/barebench.iso as a CD / .img as a disk) V=1 (show the JSON too)"
	@echo "make test     unit tests and QEMU boot tests"
	@echo "make unit     the unit tests only;  make boot-test / host-test  the boot or the host tests only"
	@echo "make deps     install the Debian packages the build, run and tests need"
	@echo "make clean    remove build/"
	@echo "make iso|img  boot media build/barebench.iso|.img; ARGS=\"...\" is written into barebench.cfg (img: IMG_MB=, at least 40)"
	@echo "make pxe      build/pxe/: barebench.efi, boot.ipxe (ARGS), ipxe.efi, snponly.efi, dnsmasq.conf"
	@echo "make sign     sign build/barebench.efi for Secure Boot (KEY= CERT=); then make iso/img/pxe"
	@echo "make results-from-img  copy results off a disk image or USB stick (IMG= DEST=)"
	@echo "make scratch-disk      a marked scratch disk image (SCRATCH=build/scratch.img SCRATCH_SIZE=128M)"
	@echo "make linux-guest  build/linux-guest/: Debian kernel + busybox initramfs + barebench + fio"
	@echo "make run-linux    boot that guest like make run (same SMP MEM ARGS DISKS DISK_IF V)"
	@echo "make compare-os   make run + make run-linux + benchcmp -> build/results/compare-os/ (report/index.html)"
	@echo "make bench-alu|bench-mem|bench-disk  our kernels against likwid-bench / fio, ending with ratio X"
	@echo "make bench-report  benchcmp --report on 1,000 documents: time and peak memory against targets"
	@echo "make bench-fleet  import and fleet-query times on N=10000 synthetic documents, SQLite and PostgreSQL"
	@echo "make deb     build/barebench_VERSION_ARCH.deb: the host tools, image files, collector unit, man pages"
	@echo "make tools    benchcmp and barebench-collect;  make fuzz / fuzz-run FUZZ_SECONDS=  libFuzzer targets"
	@echo "make V=1      show full compiler commands"
	@echo "make ARCH=x86 the architecture (mk/arch-<arch>.mk: toolchain, flags, boot file name; default x86)"
	@echo "              ARCH=aarch64: build/aarch64/barebench.efi, make run boots it on qemu-system-aarch64 + AAVMF"
	@echo "              ARCH=both (iso|img only): one medium with the boot file of each architecture"
	@echo "make linux-cross ARCH=aarch64  the Linux program of ARCH, cross-built: build/aarch64/linux/barebench"

-include $(EFI_OBJS:.o=.d) $(HOST_OBJS:.o=.d)
