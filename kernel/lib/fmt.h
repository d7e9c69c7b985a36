/* fmt.h - snprintf-style formatting with floating point, identical in the UEFI and Linux builds,
 * plus the console printer every part of barebench writes through. */
#ifndef BB_FMT_H
#define BB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/** Formats like C99 vsnprintf for: %d %i %u %x %X %o %c %s %p %% %f %e %g (flags - + 0 space #,
 *  width, precision, * and the l, ll, z, j, h, hh modifiers).  Always NUL-terminates when n > 0.
 *  Doubles match the C library up to 15 significant digits (more are not exact).
 *  Returns the length the full output would have. */
int bb_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int bb_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** Print to the console(s) through plat_write; "\n" is written as is (the UEFI side adds "\r"). */
int bb_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
