# tools.mk - host programs: build/host/benchcmp (compare + plot results documents) and
# build/host/barebench-collect (receive documents over HTTP); their unit tests; the fuzz targets;
# the collector's crash-seam build for tests (build/tests/barebench-collect-crash).
#   make tools        both programs (also part of `make host`)
#   make bench-report benchcmp --report on 1,000 study-shaped documents, timed (tools/bench/)
#   make fuzz         build/fuzz/fuzz_doc, fuzz_collect and fuzz_report (clang + libFuzzer);
#   make fuzz-run FUZZ_SECONDS=300 runs each on its tests/fuzz/corpus*

BC_LIB_SRCS := $(addprefix tools/benchcmp/,benchcmp_doc.c benchcmp_match.c benchcmp_pool.c benchcmp_roles.c \
                 benchcmp_summary.c benchcmp_stats.c \
                 benchcmp_format.c benchcmp_plot.c benchcmp_env.c benchcmp_report.c safe_text.c \
                 benchcmp_isa.c) \
               bench/suite_charts.c
BC_LIB_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(BC_LIB_SRCS))
COLLECT_SRCS := $(addprefix tools/collect/,collect.c collect_http.c collect_store.c collect_auth.c collect_tls.c \
                  collect_quota.c collect_recover.c collect_doc.c collect_gate.c \
                  collect_limits.c collect_queue.c collect_cost.c collect_ip.c \
                  collect_log.c collect_watch.c collect_db.c) \
                $(sort $(wildcard tools/fleet/fleet_*.c))
# docs/schema.json as a C string: the collector checks documents against the schema itself
COLLECT_SCHEMA_C := $(BUILD)/host/gen/collect_schema.c
# the key's text form and the signed message are shared with the image (kernel/upload/upload_key.c)
COLLECT_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(COLLECT_SRCS)) \
                $(BUILD)/host/obj/tools/benchcmp/benchcmp_doc.o \
                $(BUILD)/host/obj/kernel/upload/upload_key.o $(BUILD)/host/gen/collect_schema.o
TOOLS_LIBS := -ljansson -lm

.PHONY: tools fuzz fuzz-run bench-report
tools: $(BUILD)/host/benchcmp $(BUILD)/host/barebench-collect
host: tools

$(BUILD)/host/benchcmp: $(BUILD)/host/obj/tools/benchcmp/benchcmp.o $(BC_LIB_OBJS)
	$(Q)$(CC) $^ -o $@ $(TOOLS_LIBS)

# benchcmp --report on 1,000 documents of the study's shape: time and peak memory vs targets
bench-report: $(BUILD)/host/benchcmp
	@BUILD='$(BUILD)' tools/bench/bench-report.sh

COLLECT_LIBS := -lmicrohttpd -lcrypto -pthread
$(BUILD)/host/barebench-collect: $(COLLECT_OBJS)
	$(Q)$(CC) $^ -o $@ $(TOOLS_LIBS) $(COLLECT_LIBS)

$(COLLECT_SCHEMA_C): docs/schema.json mk/tools.mk
	@mkdir -p $(dir $@)
	$(Q){ echo '/* generated from docs/schema.json by mk/tools.mk: do not edit */'; \
	      echo 'const char collect_schema_json[] ='; \
	      sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; echo ';'; } >$@
$(BUILD)/host/gen/collect_schema.o: $(COLLECT_SCHEMA_C)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

# the collector with its crash seam (tools/collect/collect_crash.h), for tests/host/26-collect-crash.sh only
$(BUILD)/tests/barebench-collect-crash: $(COLLECT_SRCS) tools/collect/collect_crash.c \
                                        tools/benchcmp/benchcmp_doc.c kernel/upload/upload_key.c $(COLLECT_SCHEMA_C) \
                                        tools/collect/collect.h tools/collect/collect_crash.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -DCOLLECT_CRASH_SEAM $(filter %.c,$^) -o $@ $(TOOLS_LIBS) $(COLLECT_LIBS)

# the collector's store (minimum document, quota, start-up recovery) without its HTTP side
COLLECT_STORE_OBJS := $(filter-out $(BUILD)/host/obj/tools/collect/collect.o \
                        $(BUILD)/host/obj/tools/collect/collect_http.o,$(COLLECT_OBJS))
$(BUILD)/tests/test_collect_store: tests/unit/test_collect_store.c $(COLLECT_STORE_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-unused-parameter -DBB_TOP='"$(CURDIR)"' $< $(COLLECT_STORE_OBJS) -o $@ \
	    -lcmocka $(TOOLS_LIBS) $(COLLECT_LIBS)

# the comparer's unit tests link the comparer core (not the benchmark objects) and the output
# oracle (tests/unit/output_check.c, also in the fuzz target)
OUTPUT_CHECK_OBJ := $(BUILD)/tests/obj/output_check.o
$(BUILD)/tests/test_benchcmp: tests/unit/test_benchcmp.c $(BC_LIB_OBJS) $(OUTPUT_CHECK_OBJ) $(BUILD)/host/barebench
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-unused-parameter -DBB_TOP='"$(CURDIR)"' -Itests/unit $< \
	    $(BC_LIB_OBJS) $(OUTPUT_CHECK_OBJ) -o $@ -lcmocka $(TOOLS_LIBS)
$(BUILD)/tests/test_benchcmp_pool: tests/unit/test_benchcmp_pool.c $(BC_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-unused-parameter $< $(BC_LIB_OBJS) -o $@ -lcmocka $(TOOLS_LIBS)
$(BUILD)/tests/test_safe_text: tests/unit/test_safe_text.c $(BUILD)/host/obj/tools/benchcmp/safe_text.o \
                               $(OUTPUT_CHECK_OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Itests/unit $^ -o $@ -lcmocka

# the collector's signature checks against the image's own signing code (kernel objects + libcrypto)
COLLECT_AUTH_OBJS := $(filter-out $(BUILD)/host/obj/kernel/upload/upload_key.o,$(COLLECT_STORE_OBJS))
# (not the drivers: they need the fake PCI layer of the driver tests)
COLLECT_AUTH_LINK := $(filter-out $(UNIT_DRIVER_OBJS),$(UNIT_LINK))
$(BUILD)/tests/test_collect_auth: tests/unit/test_collect_auth.c $(COLLECT_AUTH_OBJS) $(COLLECT_AUTH_LINK)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-unused-parameter $< $(COLLECT_AUTH_OBJS) $(COLLECT_AUTH_LINK) -o $@ \
	    -lcmocka $(TOOLS_LIBS) $(COLLECT_LIBS) $(HOST_LIBS)


# the collector's unit test links its parts (not its main) and the document reader
COLLECT_LIB_OBJS := $(filter-out $(BUILD)/host/obj/tools/collect/collect.o,$(COLLECT_OBJS))
$(BUILD)/tests/test_collect: tests/unit/test_collect.c $(COLLECT_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-unused-parameter -DBB_TOP='"$(CURDIR)"' $< $(COLLECT_LIB_OBJS) -o $@ \
	    -lcmocka $(TOOLS_LIBS) $(COLLECT_LIBS)

# libFuzzer target (not part of `make test`; the corpus is replayed by test_benchcmp)
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 120
$(BUILD)/fuzz/fuzz_doc: tests/fuzz/fuzz_doc.c $(BC_LIB_SRCS) tools/benchcmp/benchcmp.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -g -O1 -D_GNU_SOURCE -I$(CURDIR) -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined tests/fuzz/fuzz_doc.c $(BC_LIB_SRCS) -o $@ $(TOOLS_LIBS)
$(BUILD)/fuzz/fuzz_collect: tests/fuzz/fuzz_collect.c $(COLLECT_SRCS) tools/benchcmp/benchcmp_doc.c \
                            tools/collect/collect.h kernel/upload/upload_key.c $(COLLECT_SCHEMA_C)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -g -O1 -D_GNU_SOURCE -I$(CURDIR) -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined tests/fuzz/fuzz_collect.c $(filter-out tools/collect/collect.c,$(COLLECT_SRCS)) \
	    tools/benchcmp/benchcmp_doc.c kernel/upload/upload_key.c $(COLLECT_SCHEMA_C) -o $@ $(TOOLS_LIBS) $(COLLECT_LIBS)
# what benchcmp writes from hostile strings, judged by tests/unit/output_check.c
$(BUILD)/fuzz/fuzz_report: tests/fuzz/fuzz_report.c $(BC_LIB_SRCS) tools/benchcmp/benchcmp.h \
                           tools/benchcmp/safe_text.h \
                           tests/unit/output_check.c tests/unit/output_check.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -g -O1 -D_GNU_SOURCE -I$(CURDIR) -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined tests/fuzz/fuzz_report.c tests/unit/output_check.c \
	    $(BC_LIB_SRCS) -o $@ $(TOOLS_LIBS)
fuzz: $(BUILD)/fuzz/fuzz_doc $(BUILD)/fuzz/fuzz_collect $(BUILD)/fuzz/fuzz_report
fuzz-run: fuzz
	@mkdir -p $(BUILD)/fuzz/new $(BUILD)/fuzz/new-collect $(BUILD)/fuzz/new-report
	$(BUILD)/fuzz/fuzz_report -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    -dict=tests/fuzz/report.dict $(BUILD)/fuzz/new-report tests/fuzz/corpus-report
	$(BUILD)/fuzz/fuzz_doc -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    $(BUILD)/fuzz/new tests/fuzz/corpus
	$(BUILD)/fuzz/fuzz_collect -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    $(BUILD)/fuzz/new-collect tests/fuzz/corpus-collect

-include $(patsubst %.o,%.d,$(BC_LIB_OBJS) $(COLLECT_OBJS) $(BUILD)/host/obj/tools/benchcmp/benchcmp.o)
