# linux-cross.mk - `make linux-cross ARCH=aarch64`: the Linux program of another architecture,
# built with mk/arch-$(ARCH).mk's CROSS_COMPILE into $(EFI_BUILD)/linux/barebench (the portable
# code, its $(ARCH) folders and host/ with host/$(ARCH)/), against that architecture's libnuma and
# OpenSSL (LINUX_CROSS_FLAGS, LINUX_CROSS_LIBDIR of the arch file).  It runs on such a machine,
# or here under qemu-user (tests/boot/11: correctness only, never a measurement).
LINUX_CROSS := $(EFI_BUILD)/linux/barebench
LINUX_CROSS_OBJS := $(patsubst %.c,$(EFI_BUILD)/linux/obj/%.o,$(PORTABLE) $(wildcard host/*.c host/$(ARCH)/*.c))
comma := ,
LINUX_CROSS_LDFLAGS := $(if $(LINUX_CROSS_LIBDIR),-L$(LINUX_CROSS_LIBDIR) -Wl$(comma)-rpath-link$(comma)$(LINUX_CROSS_LIBDIR))
LINUX_CROSS_CFLAGS := $(WARN) $(COMMON) -I$(CURDIR)/kernel/$(ARCH) -D_GNU_SOURCE -pthread -MMD -MP $(LINUX_CROSS_FLAGS)

.PHONY: linux-cross
linux-cross: $(LINUX_CROSS)

$(EFI_BUILD)/linux/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC [linux-$(ARCH)] $<")
	$(Q)$(CROSS_COMPILE)gcc $(LINUX_CROSS_CFLAGS) -c $< -o $@

$(LINUX_CROSS): $(LINUX_CROSS_OBJS)
	@$(if $(Q),echo "  LD        $@")
	$(Q)$(CROSS_COMPILE)gcc $(LINUX_CROSS_OBJS) -o $@ $(LINUX_CROSS_LDFLAGS) $(HOST_LIBS)

-include $(LINUX_CROSS_OBJS:.o=.d)
