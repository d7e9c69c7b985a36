/* test_console_bounds.c - output that nobody drains: a fake UART whose transmitter never empties
 * (one bounded wait, then retired and recorded), a slow one that still works, and a firmware
 * console whose every write blocks (retired after a few slow calls). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/run/bounds.h"
#include "kernel/run/degraded.h"
#include "kernel/console/slow_console.h"
#include "kernel/console/uart_tx.h"

static uint64_t tsc;          /* fake TSC, 1 GHz; each read advances it 100 ns */
static int ready_every;       /* transmitter ready on every N-th poll; 0 = never */
static uint64_t polls, sent_bytes;
static char out[64];

static uint64_t fake_ticks(void) { return tsc += 100; }
static double fake_hz(void) { return 1e9; }
static int fake_ready(void) { polls++; return ready_every && polls % (uint64_t)ready_every == 0; }
static void fake_tx(uint8_t c)
{
    if (sent_bytes < sizeof out)
        out[sent_bytes] = (char)c;
    sent_bytes++;
}

static const struct uart_port_ops ops = {"COM-fake", fake_ready, fake_tx, fake_ticks, fake_hz};

static void reset(int every)
{
    tsc = polls = sent_bytes = 0;
    ready_every = every;
    memset(out, 0, sizeof out);
    degraded_reset();
}

static void stuck_uart_retired_after_one_timeout(void **s)
{
    (void)s;
    reset(0);
    struct uart_tx u = {&ops, 0, 0};
    static char doc[50000];
    memset(doc, 'x', sizeof doc);
    assert_int_equal(uart_tx_write(&u, doc, sizeof doc), -1);
    assert_true(u.dead);
    assert_int_equal(sent_bytes, 0);
    /* the whole 50 KB cost one timeout, not one per character */
    assert_true(tsc <= (uint64_t)(1e9 * BB_UART_CHAR_TIMEOUT_US / 1e6) + 1000);
    uint64_t before = polls;
    assert_int_equal(uart_tx_write(&u, "more\n", 5), -1);
    assert_int_equal(polls, before); /* a retired port is not touched again */
    assert_int_equal(degraded_count(), 1);
    assert_string_equal(degraded_what(0), "uart");
    assert_non_null(strstr(degraded_text(0), "COM-fake"));
}

static void slow_but_working_uart_keeps_going(void **s)
{
    (void)s;
    reset(3); /* ready on every third poll */
    struct uart_tx u = {&ops, 0, 0};
    assert_int_equal(uart_tx_write(&u, "a\nb", 3), 0);
    assert_false(u.dead);
    assert_string_equal(out, "a\r\nb");
    assert_int_equal(degraded_count(), 0);
}

static double no_hz(void) { return 0; }

/* Before calibration the bound assumes the fastest TSC: longer, but finite. */
static void bound_before_calibration(void **s)
{
    (void)s;
    struct uart_port_ops o = ops;
    o.tsc_hz = no_hz;
    struct uart_tx u = {&o, 0, 0};
    assert_int_equal(uart_tx_timeout_ticks(&u), (uint64_t)(BB_TSC_HZ_MAX * BB_UART_CHAR_TIMEOUT_US / 1e6));
    struct uart_tx v = {&ops, 0, 0};
    assert_int_equal(uart_tx_timeout_ticks(&v), (uint64_t)(1e9 * BB_UART_CHAR_TIMEOUT_US / 1e6));
}

static void blocking_console_retired(void **s)
{
    (void)s;
    degraded_reset();
    struct slow_console c = {"ConOut-fake", 0, 0, 0};
    /* fast writes never count */
    for (int i = 0; i < 100; i++)
        assert_int_equal(slow_console_account(&c, 80, 1000), 0);
    /* one slow write (a scroll, an SMI) is forgiven when the next is fast */
    assert_int_equal(slow_console_account(&c, 10, 1000000), 0);
    assert_int_equal(slow_console_account(&c, 10, 100), 0);
    /* a firmware serial timeout of 1 s on every call: retired after BB_CONOUT_SLOW_CALLS */
    int calls = 0;
    while (!slow_console_account(&c, 40, 1000000))
        calls++;
    assert_int_equal(calls + 1, BB_CONOUT_SLOW_CALLS);
    assert_true(c.dead);
    assert_int_equal(degraded_count(), 1);
    assert_string_equal(degraded_what(0), "console");
}

/* Slow writes spread between fast ones still add up to a bound. */
static void intermittent_slowness_bounded(void **s)
{
    (void)s;
    degraded_reset();
    struct slow_console c = {"ConOut-fake", 0, 0, 0};
    uint64_t spent = 0;
    int dead = 0;
    for (int i = 0; i < 1000 && !dead; i++) {
        dead = slow_console_account(&c, 1, 900000);
        spent += 900000;
        if (!dead)
            slow_console_account(&c, 1, 10);
    }
    assert_true(dead);
    assert_true(spent <= BB_CONOUT_SLOW_TOTAL_US + 900000);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(stuck_uart_retired_after_one_timeout),
        cmocka_unit_test(slow_but_working_uart_keeps_going),
        cmocka_unit_test(bound_before_calibration),
        cmocka_unit_test(blocking_console_retired),
        cmocka_unit_test(intermittent_slowness_bounded),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
