/* uart_tx.h - the transmit policy of a polled UART: every character waits a bounded time for the
 * transmitter; the first timeout retires the port for the run (recorded in env.degraded). */
#ifndef BB_UART_TX_H
#define BB_UART_TX_H

#include <stddef.h>
#include <stdint.h>

/** The port, behind function pointers (drivers/x86/uart16550.c; fakes in tests). */
struct uart_port_ops {
    const char *name;          /* "COM1 (0x3f8)" */
    int (*tx_ready)(void);     /* transmitter can take a character */
    void (*tx)(uint8_t c);
    uint64_t (*ticks)(void);   /* TSC */
    double (*tsc_hz)(void);    /* calibrated TSC rate, 0 before calibration */
};

struct uart_tx {
    const struct uart_port_ops *ops;
    int dead;                  /* 1 once a character timed out: nothing more is sent */
    uint64_t sent;             /* characters handed to the port */
};

/** Send n bytes ("\n" becomes "\r\n").  Returns 0, or -1 when the port is (now) retired. */
int uart_tx_write(struct uart_tx *u, const char *s, size_t n);

/** TSC ticks one character may wait: BB_UART_CHAR_TIMEOUT_US at the calibrated rate, or at
 *  BB_TSC_HZ_MAX before calibration (a longer real bound, never an endless one). */
uint64_t uart_tx_timeout_ticks(const struct uart_tx *u);

#endif
