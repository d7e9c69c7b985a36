# mem.mk - `make bench-mem`: our all-core DRAM triad (Linux build objects, build/host/mem-triad)
# against likwid-bench stream_mem_*, alternated in one run; ends with "ratio X" (ours / likwid).

.PHONY: bench-mem
MEM_TRIAD_LINK := $(filter-out $(BUILD)/host/obj/host/main_linux.o,$(HOST_OBJS))

$(BUILD)/host/mem-triad: tools/bench/mem_triad.c $(MEM_TRIAD_LINK)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) $< $(MEM_TRIAD_LINK) -o $@ $(HOST_LIBS)

bench-mem: host $(BUILD)/host/mem-triad
	@[ "$(ARCH)" = "$(HOST_ARCH)" ] || { echo "bench-mem measures this machine ($(HOST_ARCH)): run make bench-mem on an $(ARCH) host" >&2; exit 1; }
	@tools/bench/bench-mem.sh $(BUILD)/host/mem-triad
