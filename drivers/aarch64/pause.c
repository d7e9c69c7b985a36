/* pause.c (aarch64) - the spin-wait hint of barebench's polling drivers on Arm (YIELD). */
#include "drivers/pci.h"

void drv_pause(void)
{
    __asm__ volatile("yield" ::: "memory");
}
