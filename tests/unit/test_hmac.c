/* test_hmac.c - the image's SHA-256 and HMAC-SHA256 (kernel/lib/sha256.c, kernel/lib/hmac.c) against the
 * published vectors: FIPS 180-4's examples (NIST CSRC "SHA256.pdf", plus the million-'a' message)
 * and RFC 4231's test cases 1-4, 6 and 7; any split of the input into updates gives the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/lib/hmac.h"
#include "kernel/lib/sha256.h"

#include <stdio.h>
#include <string.h>

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void unhex(const char *h, uint8_t *out, size_t *n)
{
    size_t k = 0;
    for (; h[2 * k]; k++) {
        unsigned v;
        sscanf(h + 2 * k, "%2x", &v);
        out[k] = (uint8_t)v;
    }
    *n = k;
}

static void sha_of(const void *m, size_t n, size_t piece, char out[65])
{
    struct sha256 s;
    uint8_t d[SHA256_BYTES];
    sha256_init(&s);
    for (size_t off = 0; off < n; off += piece)
        sha256_update(&s, (const char *)m + off, n - off < piece ? n - off : piece);
    sha256_final(&s, d);
    hex(d, sizeof d, out);
}

static void sha256_vectors(void **state)
{
    static const struct { const char *msg, *digest; } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
         "lmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    char got[65];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        for (size_t piece = 1; piece <= 130; piece += 43) {
            sha_of(v[i].msg, strlen(v[i].msg), piece, got);
            assert_string_equal(got, v[i].digest);
        }
    /* 55, 56, 63, 64 bytes: the padding's edge cases around one block */
    static const char a64[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    sha_of(a64, 55, 64, got);
    assert_string_equal(got, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    sha_of(a64, 56, 64, got);
    assert_string_equal(got, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    sha_of(a64, 64, 7, got);
    assert_string_equal(got, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    static char million[1000000];
    memset(million, 'a', sizeof million);
    sha_of(million, sizeof million, 4099, got);
    assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void hmac_of(const char *keyhex, const uint8_t *msg, size_t n, size_t piece, char out[65])
{
    uint8_t key[200], d[SHA256_BYTES];
    size_t kl;
    unhex(keyhex, key, &kl);
    struct hmac_sha256 m;
    hmac_sha256_init(&m, key, kl);
    for (size_t off = 0; off < n; off += piece)
        hmac_sha256_update(&m, msg + off, n - off < piece ? n - off : piece);
    hmac_sha256_final(&m, d);
    hex(d, sizeof d, out);
}

static void hmac_rfc4231(void **state)
{
    static const struct { const char *key, *data, *mac; } v[] = {
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
         "dddddddddddd",
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819",
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
         "cdcdcdcdcdcd",
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        /* case 6: a 131-byte key (hashed first) */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368"
         "204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        /* case 7: a 131-byte key and a 152-byte message */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a"
         "65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865"
         "206b6579206e6565647320746f20626520686173686564206265666f7265206265696e672075736564206279"
         "2074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t data[256];
        size_t n;
        unhex(v[i].data, data, &n);
        for (size_t piece = 1; piece <= 160; piece += 53) {
            char got[65];
            hmac_of(v[i].key, data, n, piece, got);
            assert_string_equal(got, v[i].mac);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_vectors),
        cmocka_unit_test(hmac_rfc4231),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
