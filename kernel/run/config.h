/* config.h - barebench.cfg: key=value lines (the same keys as load options and the Linux flags)
 * applied on top of the defaults; load options are applied on top of it afterwards. */
#ifndef BB_CONFIG_H
#define BB_CONFIG_H

#include "kernel/run/options.h"

#include <stddef.h>

/* Where the UEFI image looks for it, on the volume it was loaded from. */
#define CONFIG_PATH "\\barebench\\barebench.cfg"
#define CONFIG_MAX_BYTES 65536

/** Apply the text of a config file (len bytes, need not be NUL-terminated) to `o`.
 *  Syntax per line: blank, "# comment", or key=value words as on the command line
 *  (blanks around '=' allowed, text after " #" is a comment).  A UTF-8 BOM is skipped.
 *  All or nothing: on error `o` is unchanged and err holds "FILE line N: message naming the key".
 *  Returns the number of settings applied (>= 0), or -1 on error. */
int config_apply(const char *text, size_t len, const char *file, struct options *o, char *err,
                 size_t errlen);

#endif
