/* upload_auth.c - finds the fleet key of a run: upload_key= or upload_key_file= (one of them),
 * never beside the legacy upload_token=; every problem is named, the key never printed. */
#include "kernel/upload/upload_auth.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

int upload_key_load(const struct options *o, uint8_t key[UPLOAD_KEY_MAX], size_t *keylen,
                    char *err, size_t errlen)
{
    *keylen = 0;
    if (!o->upload_key[0] && !o->upload_key_file[0])
        return 0;
    if (o->upload_key[0] && o->upload_key_file[0]) {
        bb_snprintf(err, errlen, "upload_key= and upload_key_file= are both given: use one");
        return -1;
    }
    if (o->upload_token[0]) {
        bb_snprintf(err, errlen, "upload_token= beside a key: the key replaces the legacy token "
                                 "(drop upload_token=)");
        return -1;
    }
    const char *why;
    if (o->upload_key[0]) {
        why = upload_key_parse(o->upload_key, strlen(o->upload_key), key, keylen);
        if (why)
            bb_snprintf(err, errlen, "upload_key=: %s", why);
        return why ? -1 : 0;
    }
    char *text = NULL, ferr[200];
    size_t len = 0;
    int rc = plat_read_boot_file(o->upload_key_file, UPLOAD_KEY_FILE_MAX, &text, &len, ferr,
                                 sizeof ferr);
    if (rc <= 0) {
        bb_snprintf(err, errlen, "upload_key_file=: %s", ferr);
        return -1;
    }
    why = upload_key_parse(text, len, key, keylen);
    memset(text, 0, len);
    plat_free(text);
    if (why) {
        bb_snprintf(err, errlen, "upload_key_file=%s: %s", o->upload_key_file, why);
        return -1;
    }
    return 0;
}
