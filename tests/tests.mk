# tests.mk - `make test`: cmocka unit tests (tests/unit/test_*.c, each linked with the portable
# objects of the Linux build), QEMU boot tests (tests/boot/NN-*.sh, real image, real OVMF) and host
# tests (tests/host/NN-*.sh: the Linux build and the tools, no boot).
# The runner prints one closing line: "N passed, N failed".

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# everything of the Linux build except its main(), and the portable drivers (drivers/*.c, over
# the PCI seam drivers/pci.h that tests/unit/fake_pci.c implements with device models)
UNIT_DRIVER_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(wildcard drivers/*.c))
UNIT_LINK := $(filter-out $(BUILD)/host/obj/host/main_linux.o,$(HOST_OBJS)) $(UNIT_DRIVER_OBJS)
.SECONDARY: $(UNIT_DRIVER_OBJS)
-include $(UNIT_DRIVER_OBJS:.o=.d)

# shared test helpers: tests/unit/*.c that are not tests, each compiled once and linked into every test
UNIT_HELPER_OBJS := $(patsubst tests/unit/%.c,$(BUILD)/tests/obj/%.o,\
                      $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c)))

$(UNIT_HELPER_OBJS): $(BUILD)/tests/obj/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@
-include $(UNIT_HELPER_OBJS:.o=.d)

# a test that needs more objects (e.g. a host tool's library) names them as prerequisites in its
# mk/*.mk (`$(BUILD)/tests/test_x: obj.o`): every object prerequisite is linked
$(BUILD)/tests/%: tests/unit/%.c $(UNIT_LINK) $(UNIT_HELPER_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-unused-parameter $< $(filter %.o,$^) -o $@ -lcmocka -ljansson $(HOST_LIBS)

# the scripts in the order of their numbers (unique across both folders)
BOOT_SCRIPTS := $(wildcard tests/boot/[0-9]*.sh)
HOST_SCRIPTS := $(wildcard tests/host/[0-9]*.sh)
in_number_order = $(foreach n,$(sort $(notdir $(1))),$(filter %/$(n),$(1)))
TEST_SCRIPTS := $(call in_number_order,$(BOOT_SCRIPTS) $(HOST_SCRIPTS))

unit: deps $(UNIT_BINS)
	@tests/run.sh unit $(UNIT_BINS)

# every architecture's image and Linux program (the aarch64 boot tests boot
# build/aarch64/barebench.efi and run build/aarch64/linux/barebench under qemu-user)
.PHONY: efi-other-arches
efi-other-arches:
	@$(foreach a,$(filter-out $(ARCH),$(ARCHES)),$(MAKE) --no-print-directory ARCH=$(a) efi linux-cross &&) true

boot-test: deps efi efi-other-arches host $(BUILD)/host/mem-triad $(BUILD)/tests/barebench-collect-crash
	@tests/run.sh boot $(call in_number_order,$(BOOT_SCRIPTS))

host-test: deps host $(BUILD)/host/mem-triad $(BUILD)/tests/barebench-collect-crash
	@tests/run.sh boot $(call in_number_order,$(HOST_SCRIPTS))

test: deps
	@$(MAKE) --no-print-directory efi efi-other-arches host $(UNIT_BINS) $(BUILD)/bios/nouefi.bin $(BUILD)/host/mem-triad \
	    $(BUILD)/tests/barebench-collect-crash
	@tests/run.sh all $(UNIT_BINS) -- $(TEST_SCRIPTS)
