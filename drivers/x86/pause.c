/* pause.c - the spin-wait hint of barebench's polling drivers on x86 (PAUSE): eases the
 * sibling hyperthread and the hypervisor's pause-loop exiting while a driver polls. */
#include "drivers/pci.h"

void drv_pause(void)
{
    __builtin_ia32_pause();
}
