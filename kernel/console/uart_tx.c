/* uart_tx.c - bounded polled transmission: a UART nobody drains (a BMC port without a reader,
 * CTS held low) costs one timeout, after which the port is left alone for the rest of the run. */
#include "kernel/console/uart_tx.h"
#include "kernel/run/bounds.h"
#include "kernel/run/degraded.h"

uint64_t uart_tx_timeout_ticks(const struct uart_tx *u)
{
    double hz = u->ops->tsc_hz ? u->ops->tsc_hz() : 0;
    if (!(hz > 0))
        hz = BB_TSC_HZ_MAX;
    return (uint64_t)(hz * BB_UART_CHAR_TIMEOUT_US / 1e6);
}

/* Wait for the transmitter, bounded; retire the port on timeout. */
static int put(struct uart_tx *u, uint8_t c)
{
    const struct uart_port_ops *o = u->ops;
    if (!o->tx_ready()) {
        uint64_t limit = uart_tx_timeout_ticks(u), t0 = o->ticks();
        while (!o->tx_ready()) {
            if (o->ticks() - t0 > limit) {
                u->dead = 1;
                degraded_note("uart", "%s: transmitter not ready within %d us after %llu "
                              "characters (nobody reads the port, or flow control holds it); "
                              "not used for the rest of the run", o->name,
                              BB_UART_CHAR_TIMEOUT_US, (unsigned long long)u->sent);
                return -1;
            }
        }
    }
    o->tx(c);
    u->sent++;
    return 0;
}

int uart_tx_write(struct uart_tx *u, const char *s, size_t n)
{
    if (u->dead)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' && put(u, '\r'))
            return -1;
        if (put(u, (uint8_t)s[i]))
            return -1;
    }
    return 0;
}
