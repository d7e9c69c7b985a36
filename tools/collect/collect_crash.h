/* collect_crash.h - the collector's test-only crash seam: only a build with -DCOLLECT_CRASH_SEAM
 * (build/tests/barebench-collect-crash, never the installed program) has it; there
 * BAREBENCH_COLLECT_CRASH_AT=STEP:N kills the process with SIGKILL the Nth time a store reaches
 * STEP (writing, written, claimed, linked, indexed, stored: see collect_store.c).  Set in the
 * environment at start, so nothing that arrives over the network can reach it. */
#ifndef BB_COLLECT_CRASH_H
#define BB_COLLECT_CRASH_H

#ifdef COLLECT_CRASH_SEAM
void collect_crash_point(const char *step);
#define COLLECT_CRASH(step) collect_crash_point(step)
#else
#define COLLECT_CRASH(step) ((void)0)
#endif

#endif
