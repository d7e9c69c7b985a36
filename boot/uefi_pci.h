/* uefi_pci.h - the UEFI side of the PCI/DMA seam (drivers/pci.h): a PCI function reached
 * through EFI_PCI_IO_PROTOCOL, as the firmware code in boot/ opens and hands it to a driver. */
#ifndef BB_UEFI_PCI_H
#define BB_UEFI_PCI_H

#include "boot/uefi.h"
#include "drivers/pci.h"

#define PCI_MAPS 32

struct pci_map {
    void *host;
    size_t bytes;
    uint64_t dev;
    void *mapping;
};

struct pci_host {
    EFI_HANDLE h;
    EFI_PCI_IO_PROTOCOL *io;
    EFI_DEVICE_PATH *dp;
    uint64_t saved_attr;     /* attributes before we enabled ours */
    int attr_saved;
    struct pci_map maps[PCI_MAPS]; /* caller buffers mapped for DMA (kept until pci_unmap_all) */
    int nmaps;
};

/** Open the PciIo function on handle h into f, its state in host: 0 or -1. */
int uefi_pci_open(struct pci_fn *f, struct pci_host *host, EFI_HANDLE h);

#endif
