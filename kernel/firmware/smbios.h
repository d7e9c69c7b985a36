/* smbios.h - parses SMBIOS entry points (2.x "_SM_" and 3.x "_SM3_") and the structure table:
 * type 0 (firmware), 1 (system, with its serial and UUID), 3 (chassis: the asset tag),
 * 4 (processor sockets) and 17 (memory devices). */
#ifndef BB_SMBIOS_H
#define BB_SMBIOS_H

#include <stddef.h>
#include <stdint.h>

struct json;

#define SMBIOS_STR 64
#define SMBIOS_MAX_CPUS 8
#define SMBIOS_MAX_DIMMS 48

struct smbios_cpu {
    char socket[SMBIOS_STR], manufacturer[SMBIOS_STR], version[SMBIOS_STR];
    uint32_t max_mhz, current_mhz, cores, threads;
    int populated;
};

struct smbios_dimm {
    char locator[SMBIOS_STR], manufacturer[SMBIOS_STR], part[SMBIOS_STR];
    const char *type; /* "DDR4", ... */
    uint64_t size_mb;
    uint32_t speed_mts, configured_mts;
};

struct smbios_info {
    int present;
    int major, minor;
    char bios_vendor[SMBIOS_STR], bios_version[SMBIOS_STR], bios_date[SMBIOS_STR];
    char sys_manufacturer[SMBIOS_STR], sys_product[SMBIOS_STR], sys_version[SMBIOS_STR];
    char sys_family[SMBIOS_STR];
    char sys_serial[SMBIOS_STR];  /* type 1 serial number */
    char sys_uuid[37];            /* type 1 UUID, "xxxxxxxx-xxxx-..." lowercase; "" when the
                                     table says none (all 00h) or not set (all FFh) */
    char asset_tag[SMBIOS_STR];   /* type 3 (chassis) asset tag */
    struct smbios_cpu cpus[SMBIOS_MAX_CPUS];
    int ncpus, sockets;
    struct smbios_dimm dimms[SMBIOS_MAX_DIMMS];
    int ndimms;
    uint64_t dimm_total_mb;
};

/** Parse an entry point structure.  Fills the table's physical address, length and version;
 *  returns 0, or -1 when the anchor or checksum is wrong. */
int smbios_entry_parse(const uint8_t *ep, size_t ep_len, uint64_t *table_addr,
                       uint32_t *table_len, int *major, int *minor);
/** Parse `len` bytes of structure table into `out` (never reads past len). */
void smbios_parse(const uint8_t *table, size_t len, int major, int minor,
                  struct smbios_info *out);
/** The type 1 UUID's 16 bytes as text: the first three fields little-endian from SMBIOS 2.6 on
 *  (big-endian before, as DMTF's earlier versions wrote them); "" for all 00h or all FFh. */
void smbios_uuid_text(const uint8_t u[16], int major, int minor, char out[37]);
void smbios_write_json(const struct smbios_info *s, struct json *j);

#endif
