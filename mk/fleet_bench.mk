# fleet_bench.mk - `make bench-fleet`: the fleet store's import rate and query times on N synthetic
# documents of the study's shape, SQLite and PostgreSQL, against issue 29's targets; ends with
# "ratio X" (the smallest margin; >= 1: every target met).  N=10000 by default.
.PHONY: bench-fleet
bench-fleet: host
	@tools/bench/bench-fleet.sh $(BUILD)/host/barebench-db

# barebench-db's arithmetic and tables without a database (tests/unit/test_fleet_stats.c)
FLEET_Q_UNIT_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(addprefix tools/fleet/,db_stats.c db_out.c \
                       db_args.c db_set.c db_group.c db_summary.c db_outliers.c)) \
                     $(BUILD)/host/obj/tools/benchcmp/safe_text.o
$(BUILD)/tests/test_fleet_stats: $(FLEET_Q_UNIT_OBJS)
