/* smbios.c - SMBIOS entry points and structures (types 0, 1, 3, 4, 17), bounds-checked so a
 * broken table yields empty fields, never a fault. */
#include "kernel/firmware/smbios.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"

#include <string.h>

static uint8_t sum8(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | ((uint32_t)rd16(p + 2) << 16); }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

int smbios_entry_parse(const uint8_t *ep, size_t n, uint64_t *addr, uint32_t *len, int *major,
                       int *minor)
{
    if (n >= 24 && !memcmp(ep, "_SM3_", 5)) {
        uint8_t eplen = ep[6];
        if (eplen < 24 || eplen > n || sum8(ep, eplen) != 0)
            return -1;
        *major = ep[7];
        *minor = ep[8];
        *len = rd32(ep + 0x0c);
        *addr = rd64(ep + 0x10);
        return 0;
    }
    if (n >= 31 && !memcmp(ep, "_SM_", 4)) {
        uint8_t eplen = ep[5];
        if (eplen < 31 || eplen > n || sum8(ep, eplen) != 0)
            return -1;
        if (memcmp(ep + 0x10, "_DMI_", 5) || sum8(ep + 0x10, 15) != 0)
            return -1;
        *major = ep[6];
        *minor = ep[7];
        *len = rd16(ep + 0x16);
        *addr = rd32(ep + 0x18);
        return 0;
    }
    return -1;
}

/* Copy string number `idx` (1-based) of a structure into dst; empty when absent. */
static void get_str(const uint8_t *strs, const uint8_t *end, uint8_t idx, char *dst)
{
    dst[0] = '\0';
    if (idx == 0)
        return;
    const uint8_t *p = strs;
    for (uint8_t i = 1; p < end && *p; i++) {
        const uint8_t *s = p;
        while (p < end && *p)
            p++;
        if (i == idx) {
            size_t l = (size_t)(p - s);
            if (l >= SMBIOS_STR)
                l = SMBIOS_STR - 1;
            memcpy(dst, s, l);
            dst[l] = '\0';
            while (l > 0 && dst[l - 1] == ' ') /* vendors pad with blanks */
                dst[--l] = '\0';
            return;
        }
        p++;
    }
}

static const char *mem_type_name(uint8_t t)
{
    switch (t) {
    case 0x12: return "DDR";
    case 0x13: return "DDR2";
    case 0x18: return "DDR3";
    case 0x1a: return "DDR4";
    case 0x1b: return "LPDDR";
    case 0x1c: return "LPDDR2";
    case 0x1d: return "LPDDR3";
    case 0x1e: return "LPDDR4";
    case 0x1f: return "Logical non-volatile device";
    case 0x20: return "HBM";
    case 0x21: return "HBM2";
    case 0x22: return "DDR5";
    case 0x23: return "LPDDR5";
    case 0x07: return "RAM";
    case 0x02: return "Unknown";
    default: return "Other";
    }
}

void smbios_uuid_text(const uint8_t u[16], int major, int minor, char out[37])
{
    int zero = 1, ff = 1;
    for (int i = 0; i < 16; i++)
        zero &= u[i] == 0, ff &= u[i] == 0xff;
    out[0] = '\0';
    if (zero || ff)
        return;
    /* byte order of each output position: time_low, time_mid, time_hi swapped from 2.6 on */
    static const uint8_t le[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    int swap = major > 2 || (major == 2 && minor >= 6);
    static const char hex[] = "0123456789abcdef";
    int k = 0;
    for (int i = 0; i < 16; i++) {
        uint8_t b = u[swap ? le[i] : i];
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[k++] = '-';
        out[k++] = hex[b >> 4];
        out[k++] = hex[b & 15];
    }
    out[k] = '\0';
}

#define FIELD(off, w) (hl > (off) + (w) - 1)

void smbios_parse(const uint8_t *t, size_t len, int major, int minor, struct smbios_info *o)
{
    memset(o, 0, sizeof *o);
    o->present = 1;
    o->major = major;
    o->minor = minor;
    const uint8_t *p = t, *end = t + len;
    while (p + 4 <= end) {
        uint8_t type = p[0], hl = p[1];
        if (hl < 4 || p + hl > end)
            break;
        const uint8_t *strs = p + hl, *q = strs;
        while (q + 1 < end && (q[0] || q[1])) /* structure ends with a double NUL */
            q++;
        const uint8_t *next = q + 2;
        if (next > end)
            next = end;
        if (type == 0) {
            if (FIELD(4, 1)) get_str(strs, end, p[4], o->bios_vendor);
            if (FIELD(5, 1)) get_str(strs, end, p[5], o->bios_version);
            if (FIELD(8, 1)) get_str(strs, end, p[8], o->bios_date);
        } else if (type == 1) {
            if (FIELD(4, 1)) get_str(strs, end, p[4], o->sys_manufacturer);
            if (FIELD(5, 1)) get_str(strs, end, p[5], o->sys_product);
            if (FIELD(6, 1)) get_str(strs, end, p[6], o->sys_version);
            if (FIELD(7, 1)) get_str(strs, end, p[7], o->sys_serial);
            if (FIELD(8, 16)) smbios_uuid_text(p + 8, major, minor, o->sys_uuid);
            if (FIELD(0x1a, 1)) get_str(strs, end, p[0x1a], o->sys_family);
        } else if (type == 3 && !o->asset_tag[0]) {
            if (FIELD(8, 1)) get_str(strs, end, p[8], o->asset_tag);
        } else if (type == 4 && o->ncpus < SMBIOS_MAX_CPUS) {
            struct smbios_cpu *c = &o->cpus[o->ncpus++];
            if (FIELD(4, 1)) get_str(strs, end, p[4], c->socket);
            if (FIELD(7, 1)) get_str(strs, end, p[7], c->manufacturer);
            if (FIELD(0x10, 1)) get_str(strs, end, p[0x10], c->version);
            if (FIELD(0x14, 2)) c->max_mhz = rd16(p + 0x14);
            if (FIELD(0x16, 2)) c->current_mhz = rd16(p + 0x16);
            if (FIELD(0x18, 1)) c->populated = !!(p[0x18] & 0x40);
            if (FIELD(0x23, 1)) c->cores = p[0x23];
            if (FIELD(0x25, 1)) c->threads = p[0x25];
            if (FIELD(0x2a, 2) && c->cores == 0xff) c->cores = rd16(p + 0x2a);
            if (FIELD(0x2e, 2) && c->threads == 0xff) c->threads = rd16(p + 0x2e);
            if (c->populated)
                o->sockets++;
        } else if (type == 17 && o->ndimms < SMBIOS_MAX_DIMMS && FIELD(0x0c, 2)) {
            uint16_t sz = rd16(p + 0x0c);
            uint64_t mb;
            if (sz == 0 || sz == 0xffff)
                mb = 0; /* empty slot or unknown */
            else if (sz == 0x7fff && FIELD(0x1c, 4))
                mb = rd32(p + 0x1c) & 0x7fffffffu;
            else if (sz & 0x8000)
                mb = (sz & 0x7fffu) / 1024u; /* KiB granularity */
            else
                mb = sz;
            if (mb) {
                struct smbios_dimm *d = &o->dimms[o->ndimms++];
                d->size_mb = mb;
                if (FIELD(0x10, 1)) get_str(strs, end, p[0x10], d->locator);
                d->type = FIELD(0x12, 1) ? mem_type_name(p[0x12]) : "Unknown";
                if (FIELD(0x15, 2)) d->speed_mts = rd16(p + 0x15);
                if (FIELD(0x17, 1)) get_str(strs, end, p[0x17], d->manufacturer);
                if (FIELD(0x1a, 1)) get_str(strs, end, p[0x1a], d->part);
                if (FIELD(0x20, 2)) d->configured_mts = rd16(p + 0x20);
                o->dimm_total_mb += mb;
            }
        } else if (type == 127) {
            break; /* end of table */
        }
        p = next;
    }
}

void smbios_write_json(const struct smbios_info *s, struct json *j)
{
    json_key(j, "system");
    json_obj_begin(j);
    json_kv_bool(j, "smbios", s->present);
    if (s->present) {
        char v[16];
        bb_snprintf(v, sizeof v, "%d.%d", s->major, s->minor);
        json_kv_str(j, "smbios_version", v);
        json_kv_str(j, "manufacturer", s->sys_manufacturer);
        json_kv_str(j, "product", s->sys_product);
        json_kv_str(j, "version", s->sys_version);
        json_kv_str(j, "family", s->sys_family);
        /* who the machine is, across runs (a fleet groups its runs by these); absent: unknown */
        if (s->sys_uuid[0])
            json_kv_str(j, "uuid", s->sys_uuid);
        if (s->sys_serial[0])
            json_kv_str(j, "serial", s->sys_serial);
        if (s->asset_tag[0])
            json_kv_str(j, "asset_tag", s->asset_tag);
        json_key(j, "bios");
        json_obj_begin(j);
        json_kv_str(j, "vendor", s->bios_vendor);
        json_kv_str(j, "version", s->bios_version);
        json_kv_str(j, "date", s->bios_date);
        json_obj_end(j);
        json_kv_int(j, "sockets", s->sockets);
        json_key(j, "processors");
        json_arr_begin(j);
        for (int i = 0; i < s->ncpus; i++) {
            const struct smbios_cpu *c = &s->cpus[i];
            json_obj_begin(j);
            json_kv_str(j, "socket", c->socket);
            json_kv_str(j, "manufacturer", c->manufacturer);
            json_kv_str(j, "version", c->version);
            json_kv_bool(j, "populated", c->populated);
            json_kv_uint(j, "max_mhz", c->max_mhz);
            json_kv_uint(j, "current_mhz", c->current_mhz);
            json_kv_uint(j, "cores", c->cores);
            json_kv_uint(j, "threads", c->threads);
            json_obj_end(j);
        }
        json_arr_end(j);
        json_kv_uint(j, "dimm_total_mb", s->dimm_total_mb);
        json_key(j, "dimms");
        json_arr_begin(j);
        for (int i = 0; i < s->ndimms; i++) {
            const struct smbios_dimm *d = &s->dimms[i];
            json_obj_begin(j);
            json_kv_str(j, "locator", d->locator);
            json_kv_uint(j, "size_mb", d->size_mb);
            json_kv_str(j, "type", d->type);
            json_kv_uint(j, "speed_mts", d->speed_mts);
            json_kv_uint(j, "configured_mts", d->configured_mts);
            json_kv_str(j, "manufacturer", d->manufacturer);
            json_kv_str(j, "part", d->part);
            json_obj_end(j);
        }
        json_arr_end(j);
    }
    json_obj_end(j);
}
