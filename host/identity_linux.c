/* identity_linux.c - the Linux build's part of the machine identity: SMBIOS from sysfs
 * (the raw table when readable, else the dmi/id strings), /proc/meminfo, uname. */
#include "kernel/machine/identity.h"
#include "kernel/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void dmi_str(const char *name, char *dst, size_t n)
{
    char path[96];
    snprintf(path, sizeof path, "/sys/class/dmi/id/%s", name);
    size_t k = slurp(path, (uint8_t *)dst, n - 1);
    dst[k] = '\0';
    while (k && (dst[k - 1] == '\n' || dst[k - 1] == ' '))
        dst[--k] = '\0';
}

/* The 32 hexadecimal digits of a UUID's text (dashes skipped) as 16 bytes; 1, or 0 if not. */
static int uuid_bytes(const char *text, uint8_t u[16])
{
    int k = 0;
    for (const char *p = text; *p; p++) {
        int c = *p | 32, v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (*p == '-')
            continue;
        if (v < 0 || k == 32)
            return 0;
        u[k / 2] = (uint8_t)(k % 2 ? u[k / 2] | v : v << 4);
        k++;
    }
    return k == 32;
}

static void read_smbios(struct smbios_info *s)
{
    uint8_t ep[64];
    size_t eplen = slurp("/sys/firmware/dmi/tables/smbios_entry_point", ep, sizeof ep);
    static uint8_t table[1 << 20];
    size_t tlen = slurp("/sys/firmware/dmi/tables/DMI", table, sizeof table);
    uint64_t addr;
    uint32_t len;
    int major, minor;
    if (eplen && tlen && smbios_entry_parse(ep, eplen, &addr, &len, &major, &minor) == 0) {
        smbios_parse(table, tlen, major, minor, s);
        return;
    }
    /* not root, or no raw tables: the strings the kernel exports to everyone */
    dmi_str("sys_vendor", s->sys_manufacturer, sizeof s->sys_manufacturer);
    dmi_str("product_name", s->sys_product, sizeof s->sys_product);
    dmi_str("product_version", s->sys_version, sizeof s->sys_version);
    dmi_str("product_family", s->sys_family, sizeof s->sys_family);
    dmi_str("bios_vendor", s->bios_vendor, sizeof s->bios_vendor);
    dmi_str("bios_version", s->bios_version, sizeof s->bios_version);
    dmi_str("bios_date", s->bios_date, sizeof s->bios_date);
    /* readable by root only (the serial and UUID); the asset tag by everyone */
    dmi_str("product_serial", s->sys_serial, sizeof s->sys_serial);
    dmi_str("chassis_asset_tag", s->asset_tag, sizeof s->asset_tag);
    char text[64];
    uint8_t u[16];
    dmi_str("product_uuid", text, sizeof text);
    if (uuid_bytes(text, u))
        smbios_uuid_text(u, 2, 0, s->sys_uuid); /* in display order already: no byte swap */
    s->present = s->sys_manufacturer[0] || s->bios_vendor[0];
}

void plat_identity(struct identity *id)
{
    read_smbios(&id->smbios);
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    unsigned long long v;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "MemTotal: %llu kB", &v) == 1)
            id->mem_total = v * 1024;
        else if (sscanf(line, "MemFree: %llu kB", &v) == 1)
            id->mem_free = v * 1024;
        else if (sscanf(line, "MemAvailable: %llu kB", &v) == 1)
            id->mem_largest_free = v * 1024;
    }
    if (f)
        fclose(f);
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(id->os, sizeof id->os, "%.32s %.60s", u.sysname, u.release);
        snprintf(id->hostname, sizeof id->hostname, "%.63s", u.nodename);
    }
    long online = 0;
    FILE *p = fopen("/sys/devices/system/cpu/online", "r");
    if (p) {
        int a, b;
        char c;
        while (fscanf(p, "%d", &a) == 1) {
            b = a;
            if (fscanf(p, "-%d", &b) != 1)
                b = a;
            online += b - a + 1;
            if (fscanf(p, "%c", &c) != 1 || c != ',')
                break;
        }
        fclose(p);
    }
    if (online > 0)
        id->ncpus_enabled = (int)online;
}
