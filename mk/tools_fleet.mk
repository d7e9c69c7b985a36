# tools_fleet.mk - the fleet store (named to sort after tools.mk, whose objects it uses): its
# library tools/fleet/fleet_*.c (SQLite and PostgreSQL behind one schema and API,
# tools/fleet/fleet_db.h), linked by barebench-collect (mk/tools.mk) and by build/host/barebench-db
# (barebench_db.c and its subcommands tools/fleet/db_*.c).
#   make fleet      build/host/barebench-db (also part of `make host`)

FLEET_LIB_SRCS := $(sort $(wildcard tools/fleet/fleet_*.c))
FLEET_LIB_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(FLEET_LIB_SRCS))
FLEET_LIBS := -lsqlite3 -lpq -lcrypto
# the collector stores each run in the database too (its recipes in tools.mk expand this later)
COLLECT_LIBS += -lsqlite3 -lpq
FLEET_DB_SRCS := tools/fleet/barebench_db.c $(sort $(wildcard tools/fleet/db_*.c))
# what barebench-db needs besides: the document reader and the collector's minimum document
FLEET_DB_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(FLEET_DB_SRCS)) $(FLEET_LIB_OBJS) \
                 $(BC_LIB_OBJS) $(BUILD)/host/obj/tools/collect/collect_doc.o \
                 $(BUILD)/host/gen/collect_schema.o

.PHONY: fleet
fleet: $(BUILD)/host/barebench-db
host: fleet

$(BUILD)/host/barebench-db: $(FLEET_DB_OBJS)
	$(Q)$(CC) $^ -o $@ $(FLEET_LIBS) -ljansson -lm -pthread

-include $(patsubst %.o,%.d,$(FLEET_DB_OBJS))

# the library's unit test (SQLite; the PostgreSQL side is tests/host/71-73)
$(BUILD)/tests/test_fleet: tests/unit/test_fleet.c $(FLEET_LIB_OBJS) $(BC_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -DBB_TOP='"$(CURDIR)"' $< $(FLEET_LIB_OBJS) $(BC_LIB_OBJS) -o $@ \
	    -lcmocka $(FLEET_LIBS) -ljansson -lm
