/* hmac.c - HMAC-SHA256: H((K ^ opad) || H((K ^ ipad) || message)) over kernel/lib/sha256.c. */
#include "kernel/lib/hmac.h"

#include <string.h>

void hmac_sha256_init(struct hmac_sha256 *m, const void *key, size_t keylen)
{
    uint8_t k[SHA256_BLOCK], pad[SHA256_BLOCK];
    memset(k, 0, sizeof k);
    if (keylen > SHA256_BLOCK) {
        struct sha256 s;
        sha256_init(&s);
        sha256_update(&s, key, keylen);
        sha256_final(&s, k);
    } else if (keylen) {
        memcpy(k, key, keylen);
    }
    for (int i = 0; i < SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x36;
    sha256_init(&m->inner);
    sha256_update(&m->inner, pad, sizeof pad);
    for (int i = 0; i < SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x5c;
    sha256_init(&m->outer);
    sha256_update(&m->outer, pad, sizeof pad);
    memset(k, 0, sizeof k);
    memset(pad, 0, sizeof pad);
}

void hmac_sha256_update(struct hmac_sha256 *m, const void *data, size_t n)
{
    sha256_update(&m->inner, data, n);
}

void hmac_sha256_final(struct hmac_sha256 *m, uint8_t out[SHA256_BYTES])
{
    uint8_t in[SHA256_BYTES];
    sha256_final(&m->inner, in);
    sha256_update(&m->outer, in, sizeof in);
    sha256_final(&m->outer, out);
    memset(in, 0, sizeof in);
}
