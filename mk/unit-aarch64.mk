# unit-aarch64.mk - the aarch64 decoding's unit test (tests/unit/test_aarch64_id.c), built for the
# build machine whatever it is: kernel/aarch64's plain-C decoding (ID registers, the FADT's Arm
# fields, the hypervisor UID) with the aarch64 arch/ headers and struct cpu_info, linked with the
# formatter and JSON writer only (the Linux objects carry the build machine's struct cpu_info).
A64_UNIT_SRCS := kernel/aarch64/cpu.c kernel/aarch64/fadt_arm.c kernel/aarch64/hypervisor.c kernel/aarch64/gtdt.c \
                 kernel/machine/cpu_caches.c kernel/lib/fmt.c kernel/lib/json.c \
                 kernel/firmware/acpi.c kernel/firmware/acpi_madt.c kernel/firmware/acpi_madt_gic.c
$(BUILD)/tests/test_aarch64_id: tests/unit/test_aarch64_id.c $(A64_UNIT_SRCS) $(wildcard kernel/aarch64/*.h kernel/aarch64/arch/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -I$(CURDIR)/kernel/$(HOST_ARCH) -MMD -MP,$(HOST_CFLAGS)) -I$(CURDIR)/kernel/aarch64 \
	    -Wno-unused-parameter $(filter %.c,$^) -o $@ -lcmocka -lm
