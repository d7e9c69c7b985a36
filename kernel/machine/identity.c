/* identity.c - gathers and writes the machine identity that opens every results document. */
#include "kernel/machine/cpus_left.h"
#include "kernel/machine/identity.h"
#include "kernel/machine/caches.h"
#include "kernel/lib/json.h"
#include "kernel/machine/numa.h"
#include "kernel/platform.h"
#include "arch/cpu.h"

#include <string.h>

void identity_collect(struct identity *id)
{
    memset(id, 0, sizeof *id);
    arch_cpu_identify(&id->cpu);
    arch_cpu_probe_hypervisor(&id->cpu);
    id->ncpus = plat_cpu_count();
    id->ncpus_enabled = id->ncpus;
    plat_identity(id);
    arch_cpu_hypervisor_hint(&id->cpu, &id->smbios); /* SMBIOS read: the last hint */
    identity_collect_apic(id);
    plat_numa(); /* built here, on the first processor, before any other asks */
}

static void apic_of(void *arg, int idx)
{
    struct identity *id = arg;
    if (idx < (int)(sizeof id->apic / sizeof id->apic[0]))
        id->apic[idx] = arch_cpu_hw_id();
}

void identity_collect_apic(struct identity *id)
{
    int n = id->ncpus < (int)(sizeof id->apic / sizeof id->apic[0]) ? id->ncpus
                                                                      : (int)(sizeof id->apic / sizeof id->apic[0]);
    id->napic = cpus_run(&n, apic_of, id) == 0 ? n : 0; /* n: fewer if some were left out */
}

void identity_write_json(const struct identity *id, struct json *j)
{
    cpu_write_json(&id->cpu, j);
    json_key(j, "processors");
    json_obj_begin(j);
    json_kv_int(j, "logical", id->ncpus);
    json_kv_int(j, "enabled", id->ncpus_enabled);
    json_obj_end(j);
    smbios_write_json(&id->smbios, j);
    json_key(j, "memory");
    json_obj_begin(j);
    json_kv_uint(j, "total_bytes", id->mem_total);
    json_kv_uint(j, "free_bytes", id->mem_free);
    json_kv_uint(j, "largest_free_bytes", id->mem_largest_free);
    json_obj_end(j);
    json_key(j, "firmware");
    json_obj_begin(j);
    if (id->fw_vendor[0]) {
        json_kv_str(j, "vendor", id->fw_vendor);
        json_kv_uint(j, "revision", id->fw_revision);
        json_kv_str(j, "uefi_version", id->uefi_version);
    }
    if (id->acpi_oem[0])
        json_kv_str(j, "acpi_oem", id->acpi_oem);
    json_obj_end(j);
    if (id->os[0])
        json_kv_str(j, "os", id->os);
    if (id->hostname[0])
        json_kv_str(j, "hostname", id->hostname);
    if (id->mac[0]) {
        json_key(j, "network");
        json_obj_begin(j);
        json_kv_str(j, "mac", id->mac);
        json_obj_end(j);
    }
    struct cache_use u[CPU_MAX_CACHES];
    caches_write_json(u, caches_collect(&id->cpu, id->apic, id->napic, u), j);
    numa_write_json(plat_numa(), j);
}
