# upload.mk - the unit test of the UEFI upload's connection handling (tests/unit/test_uefi_tcp.c)
# compiles boot/uefi_net_tcp.c on Linux against GNU-EFI's headers, with a fake firmware.
$(BUILD)/tests/test_uefi_tcp: HOST_CFLAGS += -DGNU_EFI_USE_MS_ABI -I$(EFI_INC) -I$(EFI_INC)/$(EFI_ARCH)
$(BUILD)/tests/test_uefi_tcp: boot/uefi_net_tcp.c boot/uefi_net.h boot/uefi_net_dns.h
