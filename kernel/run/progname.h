/* progname.h - recognises the program's own name at the start of a launcher's command line
 * (UEFI shell, iPXE), so that only the options remain. */
#ifndef BB_PROGNAME_H
#define BB_PROGNAME_H

/** If the first word of `line` names the program `image_path` (compared by base name, any
 *  case, with or without ".efi", any path or "fs0:" before it), return the text after it.
 *  Otherwise fall back to options_skip_program_name (a word that looks like a path). */
const char *progname_skip(const char *line, const char *image_path);

#endif
