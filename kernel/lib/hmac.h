/* hmac.h - HMAC-SHA256 (RFC 2104 / FIPS 198-1), incremental; portable and freestanding. */
#ifndef BB_HMAC_H
#define BB_HMAC_H

#include "kernel/lib/sha256.h"

struct hmac_sha256 {
    struct sha256 inner, outer;
};

/** Start a MAC under key (any length; keys over 64 bytes are hashed first, as the RFC says). */
void hmac_sha256_init(struct hmac_sha256 *m, const void *key, size_t keylen);
void hmac_sha256_update(struct hmac_sha256 *m, const void *data, size_t n);
void hmac_sha256_final(struct hmac_sha256 *m, uint8_t out[SHA256_BYTES]);

#endif
