/* test_uefi_https.c - the UEFI https upload (boot/uefi_net_https.c + boot/uefi_tls_ca.c, compiled
 * here against GNU-EFI's headers) on a fake firmware: an EFI HTTP protocol and a variable store.
 * The CA is in the volatile TlsCaCertificate variable exactly while HttpDxe sets up the session
 * and gone afterwards on every path (201, TLS failure, timeout); a volatile one already there is
 * put back, an NV one refused untouched; the request carries the plain upload's headers; a
 * Response that never completes ends at the exchange budget with Cancel, and when neither Cancel
 * nor the reset takes the token back, its events and the child stay alive.  Built by
 * mk/upload.mk with the EFI include paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define plat_upload_tls uefi_plat_upload_tls /* the Linux build has its own */
#include "boot/uefi_net_https.c"
#include "boot/uefi_tls_ca.c"

#include <stdlib.h>

#include "tests/unit/fake_efi.h"

/* ---- a fake variable store holding at most TlsCaCertificate ---- */
static int g_var_present;
static UINT32 g_var_attrs;
static uint8_t g_var[8192];
static UINTN g_var_len;
static int g_setvar_calls;

static int is_ca_var(CHAR16 *name, EFI_GUID *g)
{
    static const char want[] = "TlsCaCertificate";
    static EFI_GUID ca = BB_EFI_TLS_CA_CERTIFICATE_GUID;
    for (size_t i = 0; i < sizeof want; i++)
        if (name[i] != (CHAR16)want[i])
            return 0;
    return !memcmp(g, &ca, sizeof ca);
}
static EFI_STATUS EFIAPI f_get_variable(CHAR16 *name, EFI_GUID *g, UINT32 *attrs, UINTN *len, VOID *data)
{
    if (!is_ca_var(name, g) || !g_var_present)
        return EFI_NOT_FOUND;
    if (attrs)
        *attrs = g_var_attrs;
    if (*len < g_var_len) {
        *len = g_var_len;
        return EFI_BUFFER_TOO_SMALL;
    }
    *len = g_var_len;
    memcpy(data, g_var, g_var_len);
    return EFI_SUCCESS;
}
static EFI_STATUS EFIAPI f_set_variable(CHAR16 *name, EFI_GUID *g, UINT32 attrs, UINTN len, VOID *data)
{
    assert_true(is_ca_var(name, g));
    g_setvar_calls++;
    if (len == 0) { /* delete */
        if (!g_var_present)
            return EFI_NOT_FOUND;
        g_var_present = 0;
        return EFI_SUCCESS;
    }
    if (g_var_present && g_var_attrs != attrs)
        return EFI_INVALID_PARAMETER; /* UEFI: attributes change only by deleting first */
    assert_true(len <= sizeof g_var);
    memcpy(g_var, data, len);
    g_var_len = len;
    g_var_attrs = attrs;
    g_var_present = 1;
    return EFI_SUCCESS;
}

/* ---- the fake EFI HTTP protocol ---- */
enum { OK_201, TLS_FAILS, RESPONSE_HANGS };
static int g_scenario;
static EFI_STATUS g_cancel_status, g_reset_status;
static BB_EFI_HTTP_TOKEN *g_held;
static char g_seen_url[200], g_seen_headers[1024];
static size_t g_seen_body;
static int g_ca_at_request;           /* the variable held our list, volatile, at Request */
static const uint8_t *g_expect_ca;
static size_t g_expect_ca_len;

static void complete(BB_EFI_HTTP_TOKEN *t, EFI_STATUS st)
{
    t->Status = st;
    g_signaled[ev_id(t->Event)] = 1;
}
static EFI_STATUS EFIAPI h_configure(BB_EFI_HTTP_PROTOCOL *This, BB_EFI_HTTP_CONFIG_DATA *cd)
{
    (void)This;
    if (cd) {
        assert_int_equal(cd->HttpVersion, BbHttpVersion11);
        assert_false(cd->LocalAddressIsIPv6);
        assert_true(cd->AccessPoint.IPv4Node->UseDefaultAddress);
        return EFI_SUCCESS;
    }
    note("reset ");
    if (g_reset_status == EFI_SUCCESS && g_held) {
        complete(g_held, EFI_ABORTED);
        g_held = NULL;
    }
    return g_reset_status;
}
static EFI_STATUS EFIAPI h_request(BB_EFI_HTTP_PROTOCOL *This, BB_EFI_HTTP_TOKEN *t)
{
    (void)This;
    note("request ");
    BB_EFI_HTTP_MESSAGE *m = t->Message;
    size_t i = 0;
    for (; m->Data.Request->Url[i] && i + 1 < sizeof g_seen_url; i++)
        g_seen_url[i] = (char)m->Data.Request->Url[i];
    g_seen_url[i] = '\0';
    assert_int_equal(m->Data.Request->Method, BbHttpMethodPost);
    g_seen_headers[0] = '\0';
    for (UINTN h = 0; h < m->HeaderCount; h++) {
        char line[300];
        snprintf(line, sizeof line, "%s: %s\n", (char *)m->Headers[h].FieldName,
                 (char *)m->Headers[h].FieldValue);
        strncat(g_seen_headers, line, sizeof g_seen_headers - strlen(g_seen_headers) - 1);
    }
    g_seen_body = m->BodyLength;
    g_ca_at_request = g_var_present && g_var_attrs == EFI_VARIABLE_BOOTSERVICE_ACCESS &&
                      g_var_len == g_expect_ca_len && !memcmp(g_var, g_expect_ca, g_var_len);
    complete(t, g_scenario == TLS_FAILS ? EFI_ABORTED : EFI_SUCCESS);
    return EFI_SUCCESS;
}
static EFI_STATUS EFIAPI h_response(BB_EFI_HTTP_PROTOCOL *This, BB_EFI_HTTP_TOKEN *t)
{
    (void)This;
    note("response ");
    if (g_scenario == RESPONSE_HANGS) {
        g_held = t;
        return EFI_SUCCESS;
    }
    static const char body[] = "stored x.json (25 bytes)\n";
    t->Message->Data.Response->StatusCode = 4; /* HTTP_STATUS_201_CREATED */
    t->Message->Headers = malloc(sizeof(BB_EFI_HTTP_HEADER));
    t->Message->HeaderCount = 0;
    memcpy(t->Message->Body, body, sizeof body - 1);
    t->Message->BodyLength = sizeof body - 1;
    complete(t, EFI_SUCCESS);
    return EFI_SUCCESS;
}
static EFI_STATUS EFIAPI h_cancel(BB_EFI_HTTP_PROTOCOL *This, BB_EFI_HTTP_TOKEN *t)
{
    (void)This;
    note("cancel ");
    if (g_cancel_status == EFI_SUCCESS && g_held == t) {
        complete(t, EFI_ABORTED);
        g_held = NULL;
    }
    return g_cancel_status;
}
static EFI_STATUS EFIAPI h_poll(BB_EFI_HTTP_PROTOCOL *This) { (void)This; return EFI_SUCCESS; }

static BB_EFI_HTTP_PROTOCOL g_http = {NULL, h_configure, h_request, h_cancel, h_response, h_poll};

static EFI_RUNTIME_SERVICES g_rt;
EFI_RUNTIME_SERVICES *RT = &g_rt;

/* ---- what the two files need from the rest of the UEFI build ---- */
VOID FreePool(VOID *p) { free(p); }
int uefi_handles_with(EFI_GUID *guid) { (void)guid; return 1; }
static void setup_fw(int scenario)
{
    fake_efi_reset(&g_http);
    memset(&g_rt, 0, sizeof g_rt);
    g_rt.GetVariable = f_get_variable;
    g_rt.SetVariable = f_set_variable;
    g_scenario = scenario;
    g_held = NULL;
    g_cancel_status = EFI_SUCCESS;
    g_reset_status = EFI_SUCCESS;
    g_var_present = 0;
    g_setvar_calls = 0;
    g_ca_at_request = 0;
    g_us = 0;
}

static const char doc[] = "{\"schema\":\"barebench/1\"}";
static const uint8_t ca_list[] = {1, 2, 3, 4, 5, 6, 7, 8, 9}; /* opaque here: test_upload_ca */
static const uint8_t key[16] = {1};

static int upload(const char *url, char *why, size_t whylen)
{
    struct upload_url u;
    assert_int_equal(upload_parse_url(url, &u, why, whylen), 0);
    struct upload_auth a = {NULL, key, sizeof key, "0123456789abcdef0123456789abcdef", NULL,
                            ca_list, sizeof ca_list};
    struct uefi_net net;
    memset(&net, 0, sizeof net);
    net.nic = (EFI_HANDLE)&g_nic;
    net.use_default = 1;
    g_expect_ca = ca_list;
    g_expect_ca_len = sizeof ca_list;
    return uefi_https_upload(&net, &u, &a, doc, sizeof doc - 1, why, whylen);
}

static void stored_with_the_same_headers(void **state)
{
    (void)state;
    char why[300];
    setup_fw(OK_201);
    assert_int_equal(upload("https://10.0.2.2:8443/in", why, sizeof why), 201);
    assert_string_equal(why, "HTTP 201: stored x.json (25 bytes)");
    assert_string_equal(g_seen_url, "https://10.0.2.2:8443/in");
    assert_int_equal(g_seen_body, sizeof doc - 1);
    assert_non_null(strstr(g_seen_headers, "Host: 10.0.2.2:8443\n"));
    assert_non_null(strstr(g_seen_headers, "Content-Length: 24\n"));
    assert_non_null(strstr(g_seen_headers, "X-Barebench-Run-Id: 0123456789abcdef0123456789abcdef\n"));
    assert_non_null(strstr(g_seen_headers, "X-Barebench-Signature: v1="));
    assert_true(g_ca_at_request);  /* our CA, volatile, while HttpDxe set up TLS */
    assert_false(g_var_present);   /* ... and gone afterwards */
    assert_true(g_child_destroyed);
}

static void tls_failure_named_and_ca_removed(void **state)
{
    (void)state;
    char why[300];
    setup_fw(TLS_FAILS);
    assert_int_equal(upload("https://10.0.2.2/", why, sizeof why), UPLOAD_NO_ANSWER);
    assert_non_null(strstr(why, "TLS handshake failed"));
    assert_true(g_ca_at_request);
    assert_false(g_var_present);
    assert_true(g_child_destroyed);
}

static void hung_response_bounded_and_kept_when_cancel_refused(void **state)
{
    (void)state;
    char why[300];
    setup_fw(RESPONSE_HANGS);
    g_cancel_status = EFI_UNSUPPORTED;
    g_reset_status = EFI_DEVICE_ERROR;
    int first_ev = g_nev + 1;
    assert_int_equal(upload("https://10.0.2.2/", why, sizeof why), UPLOAD_NO_ANSWER);
    assert_non_null(strstr(why, "timed out"));
    assert_true(g_us >= UPLOAD_TOTAL_S * 1000000ull && g_us < (UPLOAD_TOTAL_S + 1) * 1000000ull);
    assert_non_null(strstr(g_log, "response cancel reset"));
    assert_non_null(g_held); /* the firmware still holds the token ... */
    assert_false(g_closed[first_ev] || g_closed[first_ev + 1]); /* ... so the events stay */
    assert_false(g_child_destroyed);
    assert_true((char *)g_held >= (char *)&g_h[0] && (char *)g_held < (char *)&g_h[UPLOAD_RETRIES_MAX + 1]);
    assert_false(g_var_present); /* the CA goes all the same */
}

static void hung_response_cancelled_then_freed(void **state)
{
    (void)state;
    char why[300];
    setup_fw(RESPONSE_HANGS);
    int first_ev = g_nev + 1;
    assert_int_equal(upload("https://10.0.2.2/", why, sizeof why), UPLOAD_NO_ANSWER);
    assert_null(g_held);
    assert_true(g_closed[first_ev] && g_closed[first_ev + 1]);
    assert_true(g_child_destroyed);
    assert_false(g_var_present);
}

static void volatile_ca_put_back(void **state)
{
    (void)state;
    char why[300];
    setup_fw(OK_201);
    static const uint8_t theirs[] = {9, 9, 9};
    memcpy(g_var, theirs, sizeof theirs);
    g_var_len = sizeof theirs;
    g_var_attrs = EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS;
    g_var_present = 1;
    assert_int_equal(upload("https://10.0.2.2/", why, sizeof why), 201);
    assert_true(g_ca_at_request);
    assert_true(g_var_present);
    assert_int_equal(g_var_attrs, EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS);
    assert_int_equal(g_var_len, sizeof theirs);
    assert_memory_equal(g_var, theirs, sizeof theirs);
}

static void nv_ca_refused_untouched(void **state)
{
    (void)state;
    char why[300];
    setup_fw(OK_201);
    g_var[0] = 7;
    g_var_len = 1;
    g_var_attrs = EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS;
    g_var_present = 1;
    assert_int_equal(upload("https://10.0.2.2/", why, sizeof why), UPLOAD_PERMANENT);
    assert_non_null(strstr(why, "NVRAM"));
    assert_int_equal(g_setvar_calls, 0);
    assert_int_equal(g_child_created, 0);
    assert_true(g_var_present && g_var_len == 1 && g_var[0] == 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stored_with_the_same_headers),
        cmocka_unit_test(tls_failure_named_and_ca_removed),
        cmocka_unit_test(hung_response_bounded_and_kept_when_cancel_refused),
        cmocka_unit_test(hung_response_cancelled_then_freed),
        cmocka_unit_test(volatile_ca_put_back),
        cmocka_unit_test(nv_ca_refused_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
