/* hypervisor.c (aarch64) - names the hypervisor: the SMCCC vendor-specific hypervisor service
 * UID (KVM's is 28b46fb6-2ec5-11e9-a9ca-4b564d003a74), asked only over the conduit the FADT names
 * and only after PSCI_FEATURES says SMCCC_VERSION exists and that says SMCCC 1.1+; else the FADT's
 * hypervisor vendor identity ("QEMU" with no KVM UID: QEMU's TCG emulation); else, once SMBIOS
 * is read, the system manufacturer/product as a last hint; else none. */
#include "kernel/aarch64/cpu.h"
#include "kernel/aarch64/fadt_arm.h"
#include "kernel/aarch64/smccc.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

static const struct {
    struct smccc_uid uid;
    const char *name;
} known[] = {
    {{{0xb66fb428u, 0xe911c52eu, 0x564bcaa9u, 0x743a004du}}, "kvm"},
};

const char *cpu_hv_uid_name(const struct smccc_uid *u, char *buf, int n)
{
    /* the UID's 16 bytes are w0..w3, each little-endian, in the order of the text form (Linux's
     * UUID_INIT(0x28b46fb6, ...) for KVM is w0 = 0xb66fb428) */
    uint8_t b[16];
    for (int i = 0; i < 16; i++)
        b[i] = (uint8_t)(u->w[i / 4] >> (8 * (i % 4)));
    bb_snprintf(buf, (size_t)n,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!memcmp(u->w, known[i].uid.w, sizeof u->w))
            return known[i].name;
    return NULL;
}

int smccc_hyp_uid(struct smccc_uid *u)
{
    uint64_t r[4];
    if (plat_smccc(PSCI_FEATURES, SMCCC_VERSION, 0, 0, r) != 0 || (int32_t)r[0] < 0)
        return -1;
    if (plat_smccc(SMCCC_VERSION, 0, 0, 0, r) != 0 || (int32_t)r[0] < 0x10001)
        return -1;
    if (plat_smccc(SMCCC_VENDOR_HYP_UID, 0, 0, 0, r) != 0 || r[0] == 0xffffffffull ||
        (int64_t)r[0] == -1)
        return -1;
    for (int i = 0; i < 4; i++)
        u->w[i] = (uint32_t)r[i];
    return 0;
}

void cpu_hypervisor_probe(struct cpu_info *out)
{
    struct smccc_uid u;
    const char *why;
    out->hv_name = "none";
    out->hv_source = "none";
    out->hv_signature[0] = '\0';
    if (plat_smccc_conduit(&why) != SMCCC_NONE && smccc_hyp_uid(&u) == 0) {
        const char *name = cpu_hv_uid_name(&u, out->hv_signature, sizeof out->hv_signature);
        out->hv_name = name ? name : "unknown";
        out->hv_source = "smccc-uid";
        return;
    }
    uint32_t len = 0;
    const uint8_t *fadt = plat_acpi_table("FACP", &len, NULL);
    fadt_hypervisor_vendor(fadt, len, out->hv_signature, sizeof out->hv_signature);
    if (out->hv_signature[0]) {
        /* QEMU's virt machine says "QEMU" under KVM and TCG alike; KVM answers the UID call
         * (since Linux 5.10), so QEMU without it is QEMU's own emulation */
        out->hv_name = !strcmp(out->hv_signature, "QEMU")       ? "tcg"
                     : !strcmp(out->hv_signature, "FIRECKVM") ? "kvm" /* Firecracker */
                                                               : "unknown";
        out->hv_source = "fadt";
    }
}

/* 1 when the EC2 instance type names a bare-metal instance ("c7g.metal", "m7g.metal-48xl") */
static int ec2_metal(const char *product)
{
    const char *dot = product ? strchr(product, '.') : NULL;
    return dot && !strncmp(dot + 1, "metal", 5);
}

void cpu_hypervisor_smbios_hint(struct cpu_info *out, const char *manufacturer,
                                const char *product)
{
    if (strcmp(out->hv_source, "none") || !manufacturer)
        return;
    const char *name = NULL;
    if (!strncmp(manufacturer, "VMware", 6))
        name = "vmware";
    else if (!strcmp(manufacturer, "Microsoft Corporation") && product &&
             !strcmp(product, "Virtual Machine"))
        name = "hyperv";
    else if (!strcmp(manufacturer, "QEMU"))
        name = "unknown"; /* QEMU's machine under some accelerator: SMBIOS cannot say which */
    else if (!strcmp(manufacturer, "Amazon EC2") && product && *product && !ec2_metal(product))
        name = "kvm"; /* Nitro; *.metal instances are bare metal */
    if (!name)
        return;
    out->hv_name = name;
    out->hv_source = "smbios";
    bb_snprintf(out->hv_signature, sizeof out->hv_signature, "%s%s%s", manufacturer,
                product && *product ? " " : "", product ? product : "");
}
