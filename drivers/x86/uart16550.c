/* uart16550.c - polled output on the COM1 16550 UART (I/O port 0x3F8).  Works with or without
 * boot services, so serial/SOL consoles get every line on any firmware; a port nobody drains is
 * given up after one bounded wait (kernel/console/uart_tx.c). */
#include "kernel/machine/clock.h"
#include "kernel/run/fault.h"
#include "kernel/console/uart_tx.h"
#include "kernel/x86/port_io.h"

#define COM1 0x3f8
#define LSR 5 /* line status: bit 5 = transmit holding register empty */

int uart_present(void)
{
    /* the scratch register keeps what is written to it on a real 16550 */
    outb(COM1 + 7, 0x5a);
    if (inb(COM1 + 7) != 0x5a)
        return 0;
    outb(COM1 + 7, 0xa5);
    return inb(COM1 + 7) == 0xa5;
}

void uart_init_if_needed(void)
{
    if ((inb(COM1 + 3) & 0x7f) == 0x03) /* 8N1 already set by the firmware */
        return;
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static int tx_ready(void)
{
    return (inb(COM1 + LSR) & 0x20) != 0 && !fault_on(FAULT_UART_STUCK);
}

static void tx(uint8_t c)
{
    outb(COM1, c);
}

static uint64_t tsc(void)
{
    return clock_ticks();
}

static double tsc_hz(void)
{
    return g_clock.hz;
}

static const struct uart_port_ops com1_ops = {"COM1 (I/O 0x3f8)", tx_ready, tx, tsc, tsc_hz};
static struct uart_tx com1 = {&com1_ops, 0, 0};

/* Polled output, every character bounded (kernel/console/uart_tx.c); returns -1 once the port is
 * retired because nobody drains it. */
int uart_write(const char *s, size_t n)
{
    return uart_tx_write(&com1, s, n);
}
