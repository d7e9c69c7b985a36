# tests.mk - `make test`: cmocka unit tests (tests/unit/test_*.c, each linked with the portable
# objects of the Linux build) and QEMU boot tests (tests/boot/*.sh, real image, real OVMF).
# The runner prints one closing line: "N passed, N failed".

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# everything of the Linux build except its main()
UNIT_LINK := $(filter-out $(BUILD)/host/obj/host/main_linux.o,$(HOST_OBJS))

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_LINK)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-unused-parameter $< $(UNIT_LINK) -o $@ -lcmocka -ljansson $(HOST_LIBS)

unit: deps $(UNIT_BINS)
	@tests/run.sh unit $(UNIT_BINS)

boot-test: deps efi host
	@tests/run.sh boot $(sort $(wildcard tests/boot/[0-9]*.sh))

test: deps
	@$(MAKE) --no-print-directory efi host $(UNIT_BINS) $(BUILD)/bios/nouefi.bin
	@tests/run.sh all $(UNIT_BINS) -- $(sort $(wildcard tests/boot/[0-9]*.sh))
