/* host.h - what the Linux build's own files share. */
#ifndef BB_HOST_H
#define BB_HOST_H

/** The file the results document is written to (--json FILE); NULL: not written. */
void host_set_json_path(const char *path);

/** Linux CPU number of run index idx (before any selection), -1 if out of range. */
int host_cpu_id(int idx);

#endif
