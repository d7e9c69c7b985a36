# fleet_bench.mk - `make bench-fleet`: the fleet store's import rate and query times on N synthetic
# documents of the study's shape, SQLite and PostgreSQL, against issue 29's targets; ends with
# "ratio X" (the smallest margin; >= 1: every target met).  N=10000 by default.
.PHONY: bench-fleet
bench-fleet: host
	@tools/bench/bench-fleet.sh $(BUILD)/host/barebench-db
