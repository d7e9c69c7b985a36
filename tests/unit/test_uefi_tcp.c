/* test_uefi_tcp.c - the UEFI upload's connection handling (boot/uefi_net_tcp.c, compiled here
 * against GNU-EFI's headers) on a fake firmware: a Tcp4 whose Transmit never completes and whose
 * Cancel answers UNSUPPORTED, as older drivers do.  The abandoned token must live in static
 * memory, be aborted by Configure(NULL) before its event and the child go, and when even that
 * fails, event and child must be left alone.  Built by mk/upload.mk with the EFI include paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define plat_upload_results uefi_plat_upload_results /* the Linux build has its own */
#include "boot/uefi_net_tcp.c"

#include "tests/unit/fake_efi.h"

/* ---- the fake Tcp4 ---- */
static EFI_TCP4_COMPLETION_TOKEN *g_held;   /* the transmit token the driver keeps */
static EFI_TCP4_IO_TOKEN *g_last_tx;
static EFI_STATUS g_abort_status;           /* what Configure(NULL) answers */

static void complete(EFI_TCP4_COMPLETION_TOKEN *t, EFI_STATUS st)
{
    t->Status = st;
    g_signaled[ev_id(t->Event)] = 1;
}
static EFI_STATUS EFIAPI f_configure(EFI_TCP4 *This, EFI_TCP4_CONFIG_DATA *cd)
{
    (void)This;
    if (cd)
        return EFI_SUCCESS;
    note("configure_null ");
    if (g_abort_status == EFI_SUCCESS && g_held) {
        complete(g_held, EFI_ABORTED);
        g_held = NULL;
    }
    return g_abort_status;
}
static EFI_STATUS EFIAPI f_connect(EFI_TCP4 *This, EFI_TCP4_CONNECTION_TOKEN *t)
{
    (void)This;
    complete(&t->CompletionToken, EFI_SUCCESS);
    return EFI_SUCCESS;
}
static EFI_STATUS EFIAPI f_transmit(EFI_TCP4 *This, EFI_TCP4_IO_TOKEN *t)
{
    (void)This;
    g_held = &t->CompletionToken; /* never completes */
    g_last_tx = t;
    return EFI_SUCCESS;
}
static EFI_STATUS EFIAPI f_receive(EFI_TCP4 *This, EFI_TCP4_IO_TOKEN *t)
{
    (void)This, (void)t;
    return EFI_CONNECTION_FIN;
}
static EFI_STATUS EFIAPI f_close(EFI_TCP4 *This, EFI_TCP4_CLOSE_TOKEN *t)
{
    (void)This;
    note("close ");
    complete(&t->CompletionToken, EFI_SUCCESS);
    return EFI_SUCCESS;
}
static EFI_STATUS EFIAPI f_cancel(EFI_TCP4 *This, EFI_TCP4_COMPLETION_TOKEN *t)
{
    (void)This, (void)t;
    note("cancel_unsupported ");
    return EFI_UNSUPPORTED;
}
static EFI_STATUS EFIAPI f_poll(EFI_TCP4 *This) { (void)This; return EFI_SUCCESS; }

static EFI_TCP4 g_tcp = {.Configure = f_configure, .Connect = f_connect, .Transmit = f_transmit,
                         .Receive = f_receive, .Close = f_close, .Cancel = f_cancel, .Poll = f_poll};

/* ---- what uefi_net_tcp.c needs from the rest of the UEFI build ---- */
VOID ZeroMem(VOID *p, UINTN n) { memset(p, 0, n); }
VOID CopyMem(VOID *d, CONST VOID *s, UINTN n) { memmove(d, s, n); }
int uefi_net_up(const char *net, struct uefi_net *n, char *why, size_t whylen)
{
    (void)net, (void)why, (void)whylen;
    memset(n, 0, sizeof *n);
    n->nic = (EFI_HANDLE)&g_nic;
    n->use_default = 1;
    snprintf(n->addr, sizeof n->addr, "10.0.2.15/24");
    return 0;
}
void uefi_net_down(struct uefi_net *n) { (void)n; }
int uefi_https_upload(const struct uefi_net *net, const struct upload_url *u,
                      const struct upload_auth *auth, const char *json, size_t n, char *why,
                      size_t whylen)
{
    (void)net, (void)u, (void)auth, (void)json, (void)n, (void)why, (void)whylen;
    return UPLOAD_PERMANENT; /* https is not exercised here */
}
int uefi_dns_resolve(const struct uefi_net *net, const char *host, uint8_t ip[4], char *why, size_t whylen)
{
    (void)net, (void)host, (void)ip, (void)why, (void)whylen;
    return -2;
}

static void setup_fw(EFI_STATUS abort_status)
{
    fake_efi_reset(&g_tcp);
    g_held = NULL;
    g_abort_status = abort_status;
}

static const char doc[] = "{\"schema\":\"barebench/1\"}";

static void cancel_unsupported_abort_before_unwind(void **state)
{
    char why[200];
    setup_fw(EFI_SUCCESS);
    int first_ev = g_nev + 1;
    struct upload_auth none = {NULL, NULL, 0, NULL, NULL, NULL, 0};
    int rc = uefi_plat_upload_results("http://10.0.2.2:8080/", &none, doc, sizeof doc - 1, why,
                                      sizeof why);
    assert_int_equal(rc, UPLOAD_NO_ANSWER);
    assert_non_null(strstr(why, "timed out"));
    assert_true(g_us >= UPLOAD_TOTAL_S * 1000000ull); /* bounded by the exchange deadline */
    assert_true(g_us < (UPLOAD_TOTAL_S + 5) * 1000000ull);
    /* Cancel said UNSUPPORTED: no graceful close, Configure(NULL) aborts the token first, only
     * then the events and the child go */
    const char *cancel = strstr(g_log, "cancel_unsupported"), *abort_ = strstr(g_log, "configure_null");
    const char *close_ev = strstr(g_log, "close_event"), *destroy = strstr(g_log, "destroy_child");
    assert_non_null(cancel);
    assert_non_null(abort_);
    assert_null(strstr(g_log, "close ")); /* no graceful Close with a token outstanding */
    assert_true(cancel < abort_ && abort_ < close_ev && close_ev < destroy);
    for (int e = first_ev; e < first_ev + 4; e++)
        assert_true(g_closed[e]);
    /* the tokens were never on the stack: they are in the static connection table */
    assert_true((char *)&g_conns[0] <= (char *)g_last_tx &&
                (char *)g_last_tx < (char *)&g_conns[UPLOAD_RETRIES_MAX + 1]);
    assert_true((char *)&g_conns[0] <= (char *)g_last_tx->Packet.TxData &&
                (char *)g_last_tx->Packet.TxData < (char *)&g_conns[UPLOAD_RETRIES_MAX + 1]);
}

static void abort_fails_leaves_everything_alive(void **state)
{
    char why[200];
    setup_fw(EFI_DEVICE_ERROR);
    int first_ev = g_nev + 1;
    struct upload_auth none = {NULL, NULL, 0, NULL, NULL, NULL, 0};
    int rc = uefi_plat_upload_results("http://10.0.2.2:8080/", &none, doc, sizeof doc - 1, why,
                                      sizeof why);
    assert_int_equal(rc, UPLOAD_NO_ANSWER);
    assert_non_null(g_held); /* the firmware still holds the token ... */
    for (int e = first_ev; e < first_ev + 4; e++)
        assert_false(g_closed[e]); /* ... so its event stays */
    assert_false(g_child_destroyed);
    assert_true(g_held->Event != NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cancel_unsupported_abort_before_unwind),
        cmocka_unit_test(abort_fails_leaves_everything_alive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
