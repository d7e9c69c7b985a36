/* upload_auth.h - what an upload signs with: the fleet key from upload_key= or upload_key_file=,
 * checked before anything is measured so that a bad key stops the run at once. */
#ifndef BB_UPLOAD_AUTH_H
#define BB_UPLOAD_AUTH_H

#include "kernel/run/options.h"
#include "kernel/upload/upload_key.h"

#include <stddef.h>
#include <stdint.h>

#define UPLOAD_KEY_FILE_MAX 4096 /* a key file is at most this long (the key and blanks) */

/** The key o asks for: upload_key=, or the file upload_key_file= names (plat_read_boot_file).
 *  0 with *keylen = 0 when neither is given; 0 with the key; -1 with err naming the problem
 *  (both given, a key beside upload_token=, the file missing or unreadable, the key malformed;
 *  the key itself is never quoted). */
int upload_key_load(const struct options *o, uint8_t key[UPLOAD_KEY_MAX], size_t *keylen,
                    char *err, size_t errlen);

#endif
