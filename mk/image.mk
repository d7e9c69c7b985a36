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

iso: deps efi host
	@BB_HOST=$(BB_HOST) ARGS='$(ARGS)' image/mkiso.sh $(BUILD)/barebench.efi $(BUILD)/barebench.iso

img: deps efi host
	@BB_HOST=$(BB_HOST) ARGS='$(ARGS)' image/mkimg.sh $(BUILD)/barebench.efi $(BUILD)/barebench.img

pxe: deps efi host
	@BB_HOST=$(BB_HOST) ARGS='$(ARGS)' image/mkpxe.sh $(BUILD)/barebench.efi $(BUILD)/pxe

sign: deps efi
	@image/sign.sh '$(KEY)' '$(CERT)' $(BUILD)/barebench.efi

results-from-img:
	@tools/img-results.sh '$(IMG)' '$(DEST)'
