# alu.mk - `make bench-alu`: our FP64 FMA peak (Linux build objects, build/host/alu-peak) against
# likwid-bench peakflops, alternated in one run; ends with "ratio X" (ours / likwid, 1 core).
# alu-peak's measuring part (tools/bench/alu_peak_run.c) is linked into its unit test too.

.PHONY: bench-alu
ALU_PEAK_LINK := $(filter-out $(BUILD)/host/obj/host/main_linux.o,$(HOST_OBJS))
ALU_PEAK_LIB := $(BUILD)/host/obj/tools/bench/alu_peak_run.o
host: $(BUILD)/host/alu-peak

$(BUILD)/host/alu-peak: tools/bench/alu_peak.c $(ALU_PEAK_LIB) $(ALU_PEAK_LINK)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) $< $(ALU_PEAK_LIB) $(ALU_PEAK_LINK) -o $@ $(HOST_LIBS)

$(BUILD)/tests/test_alu_peak: $(ALU_PEAK_LIB)

bench-alu: host $(BUILD)/host/alu-peak
	@tools/bench/bench-alu.sh $(BUILD)/host/alu-peak
-include $(ALU_PEAK_LIB:.o=.d)
