/* upload_key.h - the fleet key that signs uploads (upload_key=, upload_key_file=, the
 * collector's --key-file / BAREBENCH_KEY): its text form, and what is signed and how it is sent.
 * Shared by the image, the Linux build and barebench-collect, so both ends agree. */
#ifndef BB_UPLOAD_KEY_H
#define BB_UPLOAD_KEY_H

#include <stddef.h>
#include <stdint.h>

#define UPLOAD_KEY_MIN 16          /* bytes (128 bits): 32 hexadecimal digits */
#define UPLOAD_KEY_MAX 64          /* bytes (512 bits): 128 hexadecimal digits */
#define UPLOAD_KEY_HEX_MAX (2 * UPLOAD_KEY_MAX)

/* The signed message: UPLOAD_SIG_PREFIX + run id + "\n" + body (the exact bytes sent).  Its
 * HMAC-SHA256 under the key goes out as "X-Barebench-Signature: v1=<64 lowercase hex>" beside
 * "X-Barebench-Run-Id: <run id>" (the collector checks that it is the document's tool.run_id). */
#define UPLOAD_SIG_PREFIX "barebench-upload-v1\n"
#define UPLOAD_SIG_HEADER "X-Barebench-Signature"
#define UPLOAD_RUNID_HEADER "X-Barebench-Run-Id"
#define UPLOAD_SIG_SCHEME "v1="

/** Parse a key: 32..128 hexadecimal digits (either case, an even count), blanks and line ends
 *  around them ignored (a key file may end with a newline).  NULL with the key in key[0..*keylen),
 *  or a message saying what is wrong (it never quotes the key). */
const char *upload_key_parse(const char *text, size_t len, uint8_t key[UPLOAD_KEY_MAX],
                             size_t *keylen);

#endif
