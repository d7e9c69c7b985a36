/* uefi_net_https.c - upload=https:// on the UEFI image: the firmware's EFI HTTP protocol
 * (EDK2 HttpDxe, TLS by TlsDxe) on the NIC, the same headers as the plain upload, the CA handed
 * over through the volatile TlsCaCertificate variable for the attempt only.  Tokens, messages and
 * buffers are static, one set per attempt: one the firmware still holds after a refused Cancel
 * never points at freed memory.  HttpDxe connects and shakes hands inside Request (EDK2 bounds
 * those itself: TCP connect and TLS handshake 60 s each, reading the answer 5 s); our deadline
 * bounds the rest. */
#include "boot/efi_protocols.h"
#include "boot/uefi_net.h"
#include "kernel/run/fault.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "kernel/upload/upload.h"
#include "kernel/upload/upload_retry.h"

#include <string.h>

#define MAX_HEADERS 12

static EFI_GUID http_sb_guid = BB_EFI_HTTP_SERVICE_BINDING_PROTOCOL_GUID;
static EFI_GUID http_guid = BB_EFI_HTTP_PROTOCOL_GUID;
static EFI_GUID tls_sb_guid = BB_EFI_TLS_SERVICE_BINDING_PROTOCOL_GUID;
static EFI_GUID tcp4_sb_guid = EFI_TCP4_SERVICE_BINDING_PROTOCOL;

/* EFI_HTTP_STATUS_CODE, in the order of the UEFI specification, as numbers */
static const unsigned short http_codes[] = {
    0,   100, 101, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307,
    400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416,
    417, 500, 501, 502, 503, 504, 505, 308};

struct hconn {
    EFI_SERVICE_BINDING *sb;
    EFI_HANDLE child;
    BB_EFI_HTTP_PROTOCOL *http;
    EFI_EVENT ev[2];                       /* request, response */
    BB_EFI_HTTPv4_ACCESS_POINT ap;
    BB_EFI_HTTP_CONFIG_DATA cfg;
    BB_EFI_HTTP_REQUEST_DATA req;
    BB_EFI_HTTP_RESPONSE_DATA rsp;
    BB_EFI_HTTP_MESSAGE req_msg, rsp_msg;
    BB_EFI_HTTP_TOKEN req_tok, rsp_tok;
    BB_EFI_HTTP_HEADER hdr[MAX_HEADERS];
    char head[768];                        /* upload_request_head, cut into the headers */
    CHAR16 url[200];
    char body[256];                        /* the start of the collector's answer */
    int abandoned;                         /* a token timed out and Cancel did not take it back */
};
static struct hconn g_h[UPLOAD_RETRIES_MAX + 1];
static int g_nh;

int plat_upload_tls(char *why, size_t whylen)
{
    if (fault_on(FAULT_NO_EFI_TLS) || !uefi_handles_with(&tls_sb_guid)) {
        bb_snprintf(why, whylen, "this firmware has no EFI HTTP/TLS (no TLS service binding)");
        return 0;
    }
    if (uefi_handles_with(&http_sb_guid))
        return 1;
    if (uefi_handles_with(&tcp4_sb_guid)) {
        bb_snprintf(why, whylen, "this firmware has no EFI HTTP/TLS (TLS, but no HTTP service "
                    "binding on its network cards)");
        return 0;
    }
    bb_snprintf(why, whylen, "the firmware has EFI TLS; whether it has EFI HTTP shows when its "
                "network stack starts, after the run");
    return -1;
}

/* Cut the request head ("POST ... HTTP/1.1\r\nName: value\r\n...\r\n") into c->hdr, in place:
 * the CR ending each value and the ':' ending each name become NULs. */
static int split_head(struct hconn *c, UINTN *count)
{
    char *p = c->head;
    *count = 0;
    while (*p && *p != '\r') /* the request line: HttpDxe writes its own */
        p++;
    while ((p[0] == '\r' || p[0] == '\0') && p[1] == '\n') { /* p: the end of a line */
        char *line = p + 2, *e = line, *colon = NULL;
        if (line[0] == '\r')
            return line[1] == '\n' ? 0 : -1; /* the empty line ends the head */
        for (; *e && *e != '\r'; e++)
            if (*e == ':' && !colon)
                colon = e;
        if (!colon || colon[1] != ' ' || e[0] != '\r' || e[1] != '\n' || *count >= MAX_HEADERS)
            return -1;
        *colon = '\0';
        *e = '\0';
        c->hdr[*count].FieldName = (CHAR8 *)line;
        c->hdr[*count].FieldValue = (CHAR8 *)(colon + 2);
        ++*count;
        p = e;
    }
    return -1;
}

static const char *status_text(EFI_STATUS st)
{
    return st == EFI_TIMEOUT ? "timed out"
         : st == EFI_ABORTED ? "TLS handshake failed (the collector was reached just before: its "
                               "certificate is not signed by the CA of upload_ca_file=, or does "
                               "not name the host of upload=)"
         : st == EFI_ACCESS_DENIED ? "access denied (TLS)"
         : st == EFI_CONNECTION_REFUSED ? "connection refused"
         : st == EFI_CONNECTION_RESET ? "connection reset"
         : st == EFI_CONNECTION_FIN ? "the collector closed the connection (in the TLS handshake "
                                      "this is what an ECDSA certificate gets: the firmware's "
                                      "TLS needs an RSA one)"
         : st == EFI_NO_MAPPING ? "no IPv4 address yet"
         : st == EFI_UNSUPPORTED ? "not supported by the firmware"
         : st == EFI_NOT_FOUND ? "the firmware found no CA (TlsCaCertificate)"
         : "firmware error";
}

/* Wait for tok while polling HTTP; on d's expiry Cancel it (EFI_TIMEOUT). */
static EFI_STATUS wait_http(struct hconn *c, BB_EFI_HTTP_TOKEN *tok, struct uefi_deadline *d)
{
    for (;;) {
        if (uefi_call_wrapper(BS->CheckEvent, 1, tok->Event) == EFI_SUCCESS)
            return tok->Status;
        if (uefi_deadline_expired(d)) {
            EFI_STATUS cs = uefi_call_wrapper(c->http->Cancel, 2, c->http, tok);
            if (cs != EFI_SUCCESS || uefi_call_wrapper(BS->CheckEvent, 1, tok->Event) != EFI_SUCCESS)
                c->abandoned = 1;
            if (cs != EFI_SUCCESS)
                bb_printf("upload: HTTP Cancel refused (status 0x%llx): the token stays with the "
                          "firmware\n", (unsigned long long)cs);
            return EFI_TIMEOUT;
        }
        uefi_call_wrapper(c->http->Poll, 1, c->http);
        uefi_call_wrapper(BS->Stall, 1, 200);
    }
}

/* Reset the child (Configure(NULL) drops the connection and flushes its tokens) and free it,
 * unless the firmware may still hold a token of it. */
static void close_http(struct hconn *c)
{
    int reset = 1;
    if (c->http) {
        EFI_STATUS st = uefi_call_wrapper(c->http->Configure, 2, c->http, NULL);
        reset = st == EFI_SUCCESS || st == EFI_NOT_STARTED;
    }
    if (c->abandoned && !reset)
        return;
    for (int i = 0; i < 2; i++)
        if (c->ev[i])
            uefi_call_wrapper(BS->CloseEvent, 1, c->ev[i]);
    if (c->child)
        uefi_call_wrapper(c->sb->DestroyChild, 2, c->sb, c->child);
}

static int exchange(struct hconn *c, const struct uefi_net *net, const struct upload_url *u,
                    const char *json, size_t n, UINTN nhdr, char *why, size_t whylen)
{
    EFI_STATUS st = uefi_call_wrapper(BS->HandleProtocol, 3, net->nic, &http_sb_guid, (VOID **)&c->sb);
    if (st != EFI_SUCCESS) { /* the stack may be started without HttpDxe bound yet */
        uefi_call_wrapper(BS->ConnectController, 4, net->nic, NULL, NULL, TRUE);
        st = uefi_call_wrapper(BS->HandleProtocol, 3, net->nic, &http_sb_guid, (VOID **)&c->sb);
    }
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "this firmware has no EFI HTTP/TLS on the network card: use "
                    "http:// with upload_key=, or put a TLS proxy in front");
        return UPLOAD_PERMANENT;
    }
    st = uefi_call_wrapper(c->sb->CreateChild, 2, c->sb, &c->child);
    if (st == EFI_SUCCESS)
        st = uefi_call_wrapper(BS->HandleProtocol, 3, c->child, &http_guid, (VOID **)&c->http);
    for (int i = 0; i < 2 && st == EFI_SUCCESS; i++)
        st = uefi_call_wrapper(BS->CreateEvent, 5, 0, 0, NULL, NULL, &c->ev[i]);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot create an EFI HTTP instance (0x%llx)", (unsigned long long)st);
        return UPLOAD_NO_ANSWER;
    }
    c->ap.UseDefaultAddress = net->use_default ? TRUE : FALSE;
    if (!net->use_default) { /* on this instance only, as the plain upload does */
        c->ap.LocalAddress = net->ip;
        c->ap.LocalSubnet = net->mask;
    }
    c->cfg.HttpVersion = BbHttpVersion11;
    c->cfg.TimeOutMillisec = UPLOAD_CONNECT_S * 1000;
    c->cfg.LocalAddressIsIPv6 = FALSE;
    c->cfg.AccessPoint.IPv4Node = &c->ap;
    st = uefi_call_wrapper(c->http->Configure, 2, c->http, &c->cfg);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot configure EFI HTTP: %s (0x%llx)", status_text(st),
                    (unsigned long long)st);
        return UPLOAD_NO_ANSWER;
    }
    struct uefi_deadline d;
    if (uefi_deadline_start(&d, UPLOAD_TOTAL_S * 1000)) {
        bb_snprintf(why, whylen, "no firmware timer");
        return UPLOAD_NO_ANSWER;
    }
    c->req.Method = BbHttpMethodPost;
    c->req.Url = c->url;
    c->req_msg.Data.Request = &c->req;
    c->req_msg.HeaderCount = nhdr;
    c->req_msg.Headers = c->hdr;
    c->req_msg.BodyLength = n;
    c->req_msg.Body = (VOID *)json; /* the document: static until power-off */
    c->req_tok.Event = c->ev[0];
    c->req_tok.Status = EFI_NOT_READY;
    c->req_tok.Message = &c->req_msg;
    int rc = UPLOAD_NO_ANSWER;
    /* HttpDxe connects, shakes hands (reading TlsCaCertificate) and sends within Request */
    st = uefi_call_wrapper(c->http->Request, 2, c->http, &c->req_tok);
    if (st == EFI_SUCCESS)
        st = wait_http(c, &c->req_tok, &d);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "https to %s:%u failed: %s (0x%llx)", u->host, (unsigned)u->port,
                    status_text(st), (unsigned long long)st);
        goto out;
    }
    c->rsp_msg.Data.Response = &c->rsp;
    c->rsp_msg.BodyLength = sizeof c->body - 1;
    c->rsp_msg.Body = c->body;
    c->rsp_tok.Event = c->ev[1];
    c->rsp_tok.Status = EFI_NOT_READY;
    c->rsp_tok.Message = &c->rsp_msg;
    st = uefi_call_wrapper(c->http->Response, 2, c->http, &c->rsp_tok);
    if (st == EFI_SUCCESS)
        st = wait_http(c, &c->rsp_tok, &d);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "no answer from the collector over https: %s (0x%llx)",
                    status_text(st), (unsigned long long)st);
        goto out;
    }
    if (c->rsp_msg.Headers)
        FreePool(c->rsp_msg.Headers); /* ours to free (UEFI spec); the strings stay: a few bytes */
    unsigned code = c->rsp.StatusCode < sizeof http_codes / sizeof http_codes[0]
                  ? http_codes[c->rsp.StatusCode] : 0;
    size_t blen = c->rsp_msg.BodyLength < sizeof c->body ? c->rsp_msg.BodyLength : 0, e = 0;
    while (e < blen && c->body[e] != '\n' && c->body[e] != '\r')
        e++;
    if (code == 0) { /* e.g. 507: EFI_HTTP_STATUS_CODE has no name for it */
        bb_snprintf(why, whylen, "the collector answered with a status the firmware cannot name: "
                    "%.*s", (int)e, c->body);
        rc = 500; /* a server-side condition: retried like a 5xx */
    } else {
        bb_snprintf(why, whylen, e ? "HTTP %u: %.*s" : "HTTP %u", code, (int)e, c->body);
        rc = (int)code;
    }
out:
    uefi_deadline_stop(&d);
    return rc;
}

int uefi_https_upload(const struct uefi_net *net, const struct upload_url *u,
                      const struct upload_auth *auth, const char *json, size_t n, char *why,
                      size_t whylen)
{
    if (g_nh >= (int)(sizeof g_h / sizeof g_h[0])) {
        bb_snprintf(why, whylen, "no more connections for this run");
        return UPLOAD_PERMANENT;
    }
    struct hconn *c = &g_h[g_nh++];
    UINTN nhdr = 0;
    if (upload_request_head(u, auth, json, n, c->head, sizeof c->head) < 0 || split_head(c, &nhdr)) {
        bb_snprintf(why, whylen, "request head too long");
        return UPLOAD_PERMANENT;
    }
    char url[200];
    int ul = bb_snprintf(url, sizeof url, "https://%s:%u%s", u->host, (unsigned)u->port, u->path);
    for (int i = 0; i <= ul && i < (int)(sizeof c->url / sizeof c->url[0]); i++)
        c->url[i] = (CHAR16)(unsigned char)url[i];
    if (!auth || !auth->ca_list_len) {
        bb_snprintf(why, whylen, "https:// needs upload_ca_file=");
        return UPLOAD_PERMANENT;
    }
    if (uefi_tls_ca_set(auth->ca_list, auth->ca_list_len, why, whylen))
        return UPLOAD_PERMANENT;
    int rc = exchange(c, net, u, json, n, nhdr, why, whylen);
    close_http(c);
    uefi_tls_ca_restore();
    return rc;
}
