# arch-x86.mk - the x86-64 toolchain and flags (ARCH=x86, the default).  The Makefile includes
# mk/arch-$(ARCH).mk before anything else is built; an architecture is this file, its
# */<arch>/ folders and kernel/<arch>/arch/ (the headers portable code includes as "arch/...").

# prefix of the compiler, linker and objcopy (empty: the build machine's own, x86-64 here)
CROSS_COMPILE ?=
# GNU-EFI's name of the architecture: $(EFI_LIB)/crt0-efi-$(EFI_ARCH).o, $(EFI_INC)/$(EFI_ARCH)/
EFI_ARCH := x86_64
EFI_LIB := /usr/lib
# the UEFI image's code generation: no red zone (interrupts use the stack), the MS x64 calling
# convention of the firmware's services
EFI_ARCH_CFLAGS := -mno-red-zone -maccumulate-outgoing-args -DGNU_EFI_USE_MS_ABI
EFI_LDS := boot/x86/linker.ld
# more linker flags of this architecture (none: objcopy writes the PE header)
EFI_ARCH_LDFLAGS :=
# objcopy's output target for a PE32+ EFI application of this machine type
EFI_OBJCOPY_TARGET := efi-app-x86_64
EFI_OBJCOPY_FLAGS := --target $(EFI_OBJCOPY_TARGET) --subsystem=10
# the image's folder under $(BUILD): the default architecture's image is build/barebench.efi
EFI_BUILD_SUB :=
# the removable-media boot file of this architecture on the boot media (EFI/BOOT/<name>)
EFI_BOOT_NAME := BOOTX64.EFI
# the QEMU that boots the image (make run, the boot tests through image/qemu-lib.sh)
QEMU_SYSTEM := qemu-system-x86_64
# the Linux program of this architecture built as a cross build (make linux-cross): the build
# machine's own headers and libraries
LINUX_CROSS_FLAGS :=
LINUX_CROSS_LIBDIR :=
