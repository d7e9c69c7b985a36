# upload.mk - the unit tests of the UEFI upload (tests/unit/test_uefi_tcp.c, test_uefi_https.c)
# compile boot/uefi_net_tcp.c, uefi_net_https.c and uefi_tls_ca.c on Linux against GNU-EFI's headers,
# with a fake firmware (tests/unit/fake_efi.h).
$(BUILD)/tests/test_uefi_tcp: HOST_CFLAGS += -DGNU_EFI_USE_MS_ABI -I$(EFI_INC) -I$(EFI_INC)/$(EFI_ARCH)
$(BUILD)/tests/test_uefi_tcp: boot/uefi_net_tcp.c boot/uefi_net.h boot/uefi_net_dns.h tests/unit/fake_efi.h

# tests/unit/test_uefi_https.c: boot/uefi_net_https.c and boot/uefi_tls_ca.c on a fake EFI HTTP and
# variable store (UEFI strings are 16-bit: -fshort-wchar, as in the image)
$(BUILD)/tests/test_uefi_https: HOST_CFLAGS += -DGNU_EFI_USE_MS_ABI -fshort-wchar -I$(EFI_INC) -I$(EFI_INC)/$(EFI_ARCH)
$(BUILD)/tests/test_uefi_https: boot/uefi_net_https.c boot/uefi_tls_ca.c boot/uefi_net.h boot/efi_protocols.h tests/unit/fake_efi.h
