/* run_id.h - the run's identity for the collector (tool.run_id: 128 random bits as 32 hex
 * digits, made once at start) and a small random source for retry jitter, seeded the same way. */
#ifndef BB_RUN_ID_H
#define BB_RUN_ID_H

#include <stddef.h>
#include <stdint.h>

/** Fill buf with n bytes from the host's random source (UEFI RNG protocol / getrandom).
 *  0 when it did, -1 when the host has none (the caller mixes in other sources anyway). */
int plat_entropy(void *buf, size_t n);

/** Make this run's id (once; later calls keep it): the host's random bytes mixed with the TSC
 *  and the time.  Returns its source: "rng" or, without a host random source, "tsc-mix". */
const char *run_id_start(void);
/** The run id, 32 lowercase hex digits ("" before run_id_start). */
const char *run_id(void);

/** Next value of a random sequence seeded by run_id_start (splitmix64); not for secrets. */
uint64_t run_random(void);

/** Mix 64 bits (splitmix64's finaliser): the step run_random and the id are built on. */
uint64_t run_mix64(uint64_t x);

#endif
