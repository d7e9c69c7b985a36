# arch-aarch64.mk - the Arm64 toolchain and flags (ARCH=aarch64): build/aarch64/barebench.efi,
# BOOTAA64.EFI on the media, booted by qemu-system-aarch64 -M virt with AAVMF.  GNU-EFI's arm64
# build is Debian's gnu-efi:arm64 unpacked by tools/fetch-arm64-sysroot.sh (make deps), since it
# cannot be installed beside the amd64 one.

# prefix of the compiler, linker and objcopy: the cross toolchain unless the build machine is Arm64
CROSS_COMPILE ?= $(if $(filter aarch64 arm64,$(shell uname -m)),,aarch64-linux-gnu-)
ARM64_SYSROOT ?= /usr/local/share/barebench/arm64-sysroot
# GNU-EFI's name of the architecture: $(EFI_LIB)/crt0-efi-$(EFI_ARCH).o, $(EFI_INC)/$(EFI_ARCH)/
EFI_ARCH := aarch64
EFI_LIB := $(ARM64_SYSROOT)/usr/lib
EFI_INC := $(ARM64_SYSROOT)/usr/include/efi
# the UEFI image's code generation: atomics inline (LDXR/STXR, Armv8.0), not the outline helpers
# of libgcc that ask the Linux auxiliary vector (getauxval) for LSE; FP/ASIMD is on under UEFI
EFI_ARCH_CFLAGS := -mno-outline-atomics
EFI_LDS := boot/aarch64/linker.ld
# crt0's PE header takes the subsystem from this symbol (10: an EFI application); the one
# LOAD segment of the shared object is RWX by the script's layout (the PE sections are not)
EFI_ARCH_LDFLAGS := --defsym=EFI_SUBSYSTEM=0xa --no-warn-rwx-segments
# GNU-EFI's crt0 carries the PE header itself: objcopy copies the sections as a flat binary;
# .dynsym must be kept (-j .dynsym, in the Makefile) or LoadImage answers "Unsupported"
EFI_OBJCOPY_FLAGS := -O binary
# the image's folder under $(BUILD)
EFI_BUILD_SUB := /aarch64
# the removable-media boot file of this architecture on the boot media (EFI/BOOT/<name>)
EFI_BOOT_NAME := BOOTAA64.EFI
# the QEMU that boots the image (make run, the boot tests through image/qemu-lib.sh)
QEMU_SYSTEM := qemu-system-aarch64
# the Linux program for aarch64 (make linux-cross ARCH=aarch64): the arm64 libnuma and OpenSSL
# headers and libraries of the sysroot (glibc's come with libc6-dev-arm64-cross)
LINUX_CROSS_FLAGS := -isystem $(ARM64_SYSROOT)/usr/include/aarch64-linux-gnu
LINUX_CROSS_LIBDIR := $(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu
