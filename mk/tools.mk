# tools.mk - host programs: build/host/benchcmp (compare + plot results documents) and
# build/host/barebench-collect (receive documents over HTTP); their unit test; the fuzz target.
#   make tools        both programs (also part of `make host`)
#   make fuzz         build/fuzz/fuzz_doc and fuzz_collect (clang + libFuzzer);
#   make fuzz-run FUZZ_SECONDS=300 runs both on tests/fuzz/corpus*

BC_LIB_SRCS := tools/benchcmp_doc.c tools/benchcmp_match.c tools/benchcmp_stats.c \
               tools/benchcmp_format.c tools/benchcmp_plot.c tools/benchcmp_env.c
BC_LIB_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(BC_LIB_SRCS))
COLLECT_SRCS := tools/collect.c tools/collect_http.c tools/collect_store.c tools/collect_gate.c \
                tools/collect_limits.c tools/collect_queue.c tools/collect_cost.c tools/collect_ip.c \
                tools/collect_log.c
COLLECT_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(COLLECT_SRCS)) $(BUILD)/host/obj/tools/benchcmp_doc.o
TOOLS_LIBS := -ljansson -lm

.PHONY: tools fuzz fuzz-run
tools: $(BUILD)/host/benchcmp $(BUILD)/host/barebench-collect
host: tools

$(BUILD)/host/benchcmp: $(BUILD)/host/obj/tools/benchcmp.o $(BC_LIB_OBJS)
	$(Q)$(CC) $^ -o $@ $(TOOLS_LIBS)

COLLECT_LIBS := -lmicrohttpd -pthread
$(BUILD)/host/barebench-collect: $(COLLECT_OBJS)
	$(Q)$(CC) $^ -o $@ $(TOOLS_LIBS) $(COLLECT_LIBS)

# the comparer's unit test links the comparer core (not the benchmark objects)
$(BUILD)/tests/test_benchcmp: tests/unit/test_benchcmp.c $(BC_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-unused-parameter -DBB_TOP='"$(CURDIR)"' $< $(BC_LIB_OBJS) -o $@ \
	    -lcmocka $(TOOLS_LIBS)

# the collector's unit test links its parts (not its main) and the document reader
COLLECT_LIB_OBJS := $(filter-out $(BUILD)/host/obj/tools/collect.o,$(COLLECT_OBJS))
$(BUILD)/tests/test_collect: tests/unit/test_collect.c $(COLLECT_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-unused-parameter -DBB_TOP='"$(CURDIR)"' $< $(COLLECT_LIB_OBJS) -o $@ \
	    -lcmocka $(TOOLS_LIBS) $(COLLECT_LIBS)

# libFuzzer target (not part of `make test`; the corpus is replayed by test_benchcmp)
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 120
$(BUILD)/fuzz/fuzz_doc: tests/fuzz/fuzz_doc.c $(BC_LIB_SRCS) tools/benchcmp.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -g -O1 -D_GNU_SOURCE -I$(CURDIR) -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined tests/fuzz/fuzz_doc.c $(BC_LIB_SRCS) -o $@ $(TOOLS_LIBS)
$(BUILD)/fuzz/fuzz_collect: tests/fuzz/fuzz_collect.c $(COLLECT_SRCS) tools/benchcmp_doc.c tools/collect.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -g -O1 -D_GNU_SOURCE -I$(CURDIR) -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined tests/fuzz/fuzz_collect.c $(filter-out tools/collect.c,$(COLLECT_SRCS)) \
	    tools/benchcmp_doc.c -o $@ $(TOOLS_LIBS) $(COLLECT_LIBS)
fuzz: $(BUILD)/fuzz/fuzz_doc $(BUILD)/fuzz/fuzz_collect
fuzz-run: fuzz
	@mkdir -p $(BUILD)/fuzz/new $(BUILD)/fuzz/new-collect
	$(BUILD)/fuzz/fuzz_doc -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    $(BUILD)/fuzz/new tests/fuzz/corpus
	$(BUILD)/fuzz/fuzz_collect -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    $(BUILD)/fuzz/new-collect tests/fuzz/corpus-collect

-include $(patsubst %.o,%.d,$(BC_LIB_OBJS) $(COLLECT_OBJS) $(BUILD)/host/obj/tools/benchcmp.o)
