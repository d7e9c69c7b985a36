# image.mk - delivery: `make iso` / `make img` (boot media; ARGS="..." baked into barebench.cfg),
# `make pxe` (build/pxe/ bundle), `make sign KEY= CERT=` (Secure Boot, in place),
# `make results-from-img IMG= [DEST=]` (copy results off an image or stick with mtools).
# The media carry build/barebench.efi as it is: sign first, then make iso/img/pxe.

.PHONY: iso img pxe sign results-from-img
KEY ?=
CERT ?=
IMG ?= $(BUILD)/barebench.img
DEST ?= $(BUILD)/img-results

# ARGS are checked by the Linux build's parser (same table) before they are baked in
BB_HOST := $(BUILD)/host/barebench

# The BIOS boot sector (image/bios/nouefi.S): on a legacy BIOS, says that barebench needs UEFI.
# It goes into the 440-byte boot code area of the MBR, so it must fit there.
BIOS_SECTOR := $(BUILD)/bios/nouefi.bin
$(BIOS_SECTOR): image/bios/nouefi.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS [bios]  $<")
	$(Q)$(CC) -m32 -c $< -o $(@:.bin=.o)
	$(Q)$(LD) -m elf_i386 -Ttext=0x7c00 --oformat binary -e _start -o $@ $(@:.bin=.o)
	@size=$$(stat -c %s $@); [ $$size -le 440 ] || { echo "error: $@ is $$size bytes, more than the 440 of an MBR's boot code" >&2; rm -f $@; exit 1; }

# ARCH=both: the other architectures' images too, each on the media as its EFI_BOOT_NAME
MEDIA_OTHER_ARCHES := $(if $(MEDIA_ALL_ARCHES),$(filter-out $(ARCH),$(ARCHES)))
MEDIA_EXTRA := $(foreach a,$(MEDIA_OTHER_ARCHES),$(BUILD)/$(a)/barebench.efi:$(shell sed -n 's/^EFI_BOOT_NAME := //p' mk/arch-$(a).mk))
.PHONY: media-other-arches
media-other-arches:
	@$(foreach a,$(MEDIA_OTHER_ARCHES),$(MAKE) --no-print-directory ARCH=$(a) efi &&) true

iso: deps efi host $(BIOS_SECTOR) media-other-arches
	@MEDIA_EXTRA='$(MEDIA_EXTRA)' EFI_BOOT_NAME=$(EFI_BOOT_NAME) BIOS_SECTOR=$(BIOS_SECTOR) BB_HOST=$(BB_HOST) ARGS='$(ARGS)' image/mkiso.sh $(EFI_BUILD)/barebench.efi $(BUILD)/barebench.iso

img: deps efi host $(BIOS_SECTOR) media-other-arches
	@MEDIA_EXTRA='$(MEDIA_EXTRA)' EFI_BOOT_NAME=$(EFI_BOOT_NAME) BIOS_SECTOR=$(BIOS_SECTOR) BB_HOST=$(BB_HOST) ARGS='$(ARGS)' image/mkimg.sh $(EFI_BUILD)/barebench.efi $(BUILD)/barebench.img

pxe: deps efi host
	@BB_HOST=$(BB_HOST) ARGS='$(ARGS)' image/mkpxe.sh $(EFI_BUILD)/barebench.efi $(BUILD)/pxe

sign: deps efi
	@image/sign.sh '$(KEY)' '$(CERT)' $(EFI_BUILD)/barebench.efi

results-from-img:
	@tools/img-results.sh '$(IMG)' '$(DEST)'
