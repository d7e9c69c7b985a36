/* meminfo_linux.c - one value of /proc/meminfo (the Linux build's memory totals). */
#include "host/host.h"

#include <stdio.h>
#include <string.h>

uint64_t host_meminfo_bytes(const char *key)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    size_t klen = strlen(key);
    unsigned long long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, klen) && line[klen] == ':' &&
            sscanf(line + klen + 1, " %llu kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return (uint64_t)kb * 1024;
}
