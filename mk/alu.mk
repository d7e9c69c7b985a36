# alu.mk - `make bench-alu`: our FP64 FMA peak (Linux build objects, build/host/alu-peak) against
# likwid-bench peakflops, alternated in one run; ends with "ratio X" (ours / likwid, 1 core).

.PHONY: bench-alu
ALU_PEAK_LINK := $(filter-out $(BUILD)/host/obj/host/main_linux.o,$(HOST_OBJS))

$(BUILD)/host/alu-peak: tools/alu_peak.c $(ALU_PEAK_LINK)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) $< $(ALU_PEAK_LINK) -o $@ $(HOST_LIBS)

bench-alu: host $(BUILD)/host/alu-peak
	@tools/bench-alu.sh $(BUILD)/host/alu-peak
