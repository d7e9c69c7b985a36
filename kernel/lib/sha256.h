/* sha256.h - SHA-256 (FIPS 180-4), incremental; portable and freestanding (the UEFI image signs
 * its uploads with it, kernel/lib/hmac.h). */
#ifndef BB_SHA256_H
#define BB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32
#define SHA256_BLOCK 64

struct sha256 {
    uint32_t h[8];
    uint64_t len;                /* bytes hashed so far */
    uint8_t buf[SHA256_BLOCK];   /* a block not yet complete */
    size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/** The digest; s must be initialised again before reuse. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_BYTES]);

#endif
