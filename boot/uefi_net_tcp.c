/* uefi_net_tcp.c - the UEFI build's plat_upload_results: a TCP4 child of the firmware stack,
 * connect, send the HTTP POST (head + document), read the status line, close; all time-bounded.
 * https:// goes through the firmware's EFI HTTP instead (uefi_net_https.c). */
#include "boot/uefi_net.h"
#include "boot/uefi_net_dns.h"
#include "kernel/run/fault.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "kernel/upload/upload.h"
#include "kernel/upload/upload_retry.h"

#include <string.h>

#define CHUNK 16384

static EFI_GUID tcp4_sb_guid = EFI_TCP4_SERVICE_BINDING_PROTOCOL;
static EFI_GUID tcp4_guid = EFI_TCP4_PROTOCOL;

/* One connection.  The tokens and the buffers they point to live here, not on the stack, and
 * the connection itself is static: a token the firmware still holds (Cancel is UNSUPPORTED in
 * older Tcp4 drivers) never points at freed memory.  One event per token, so that a late
 * completion of an abandoned token cannot pass for another's. */
struct conn {
    EFI_SERVICE_BINDING *sb;
    EFI_HANDLE child;
    EFI_TCP4 *tcp;
    EFI_EVENT ev[4];                     /* EV_CONN, EV_TX, EV_RX, EV_CLOSE */
    EFI_TCP4_CONNECTION_TOKEN conn_tok;
    EFI_TCP4_IO_TOKEN tx_tok, rx_tok;
    EFI_TCP4_TRANSMIT_DATA tx;
    EFI_TCP4_RECEIVE_DATA rx;
    EFI_TCP4_CLOSE_TOKEN close_tok;
    char resp[1024];                     /* the answer: receive buffer of rx_tok */
    int abandoned;                       /* a token timed out and Cancel did not take it back */
};
enum { EV_CONN, EV_TX, EV_RX, EV_CLOSE };
static struct conn g_conns[UPLOAD_RETRIES_MAX + 1]; /* one per attempt, never reused */
static int g_nconns;

/* Wait for the token's event while polling the stack; EFI_TIMEOUT when d expires first.  On a
 * timeout the token is cancelled; when the driver cannot (UNSUPPORTED), it stays the
 * firmware's until close_conn aborts the whole child. */
static EFI_STATUS wait_done(struct conn *c, EFI_TCP4_COMPLETION_TOKEN *tok, struct uefi_deadline *d)
{
    for (;;) {
        if (uefi_call_wrapper(BS->CheckEvent, 1, tok->Event) == EFI_SUCCESS)
            return tok->Status;
        if (uefi_deadline_expired(d)) {
            EFI_STATUS cs = fault_on(FAULT_TCP_CANCEL) ? EFI_UNSUPPORTED /* older drivers */
                          : uefi_call_wrapper(c->tcp->Cancel, 2, c->tcp, tok);
            if (cs != EFI_SUCCESS || uefi_call_wrapper(BS->CheckEvent, 1, tok->Event) != EFI_SUCCESS)
                c->abandoned = 1;
            if (cs != EFI_SUCCESS)
                bb_printf("upload: Tcp4 Cancel refused (status 0x%llx): the token stays with the "
                          "firmware until the connection is aborted\n", (unsigned long long)cs);
            return EFI_TIMEOUT;
        }
        uefi_call_wrapper(c->tcp->Poll, 1, c->tcp);
        uefi_call_wrapper(BS->Stall, 1, 200);
    }
}

static const char *status_text(EFI_STATUS st)
{
    return st == EFI_CONNECTION_REFUSED ? "connection refused"
         : st == EFI_CONNECTION_RESET ? "connection reset"
         : st == EFI_CONNECTION_FIN ? "connection closed by the collector"
         : st == EFI_TIMEOUT ? "timed out"
         : st == EFI_NO_MAPPING ? "no IPv4 address yet"
         : st == EFI_ICMP_ERROR ? "host or network unreachable (ICMP)"
         : st == EFI_NETWORK_UNREACHABLE ? "network unreachable"
         : st == EFI_HOST_UNREACHABLE ? "host unreachable"
         : st == EFI_PORT_UNREACHABLE ? "port unreachable"
         : "firmware error";
}

/* Create and configure a TCP4 child on nic for an active open to ip:port. */
static int open_conn(struct conn *c, const struct uefi_net *net, const struct upload_url *u,
                     struct uefi_deadline *d, char *why, size_t whylen)
{
    EFI_STATUS st = uefi_call_wrapper(BS->HandleProtocol, 3, net->nic, &tcp4_sb_guid, (VOID **)&c->sb);
    if (st == EFI_SUCCESS)
        st = uefi_call_wrapper(c->sb->CreateChild, 2, c->sb, &c->child);
    if (st == EFI_SUCCESS)
        st = uefi_call_wrapper(BS->HandleProtocol, 3, c->child, &tcp4_guid, (VOID **)&c->tcp);
    for (int i = 0; i < 4 && st == EFI_SUCCESS; i++)
        st = uefi_call_wrapper(BS->CreateEvent, 5, 0, 0, NULL, NULL, &c->ev[i]);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot create a TCP4 connection (0x%llx)", (unsigned long long)st);
        return -1;
    }
    EFI_TCP4_CONFIG_DATA cd;
    ZeroMem(&cd, sizeof cd);
    cd.TimeToLive = 64;
    /* a static address stays on this child (IP4Config2 would store it in NVRAM) */
    cd.AccessPoint.UseDefaultAddress = net->use_default ? TRUE : FALSE;
    if (!net->use_default) {
        cd.AccessPoint.StationAddress = net->ip;
        cd.AccessPoint.SubnetMask = net->mask;
    }
    CopyMem(cd.AccessPoint.RemoteAddress.Addr, u->ip, 4);
    cd.AccessPoint.RemotePort = u->port;
    cd.AccessPoint.ActiveFlag = TRUE;
    /* right after the address is set, the default address may not be mapped yet: retry */
    while ((st = uefi_call_wrapper(c->tcp->Configure, 2, c->tcp, &cd)) == EFI_NO_MAPPING &&
           !uefi_deadline_expired(d))
        uefi_call_wrapper(BS->Stall, 1, 20000);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot configure TCP4: %s (0x%llx)", status_text(st),
                    (unsigned long long)st);
        return -1;
    }
    if (!net->use_default && net->has_gw) {
        EFI_IPv4_ADDRESS any = {{0, 0, 0, 0}};
        st = uefi_call_wrapper(c->tcp->Routes, 5, c->tcp, FALSE, &any, &any, (EFI_IPv4_ADDRESS *)&net->gw);
        if (st != EFI_SUCCESS) {
            bb_snprintf(why, whylen, "cannot add the gateway route (0x%llx)", (unsigned long long)st);
            return -1;
        }
    }
    c->conn_tok.CompletionToken.Event = c->ev[EV_CONN];
    st = uefi_call_wrapper(c->tcp->Connect, 2, c->tcp, &c->conn_tok);
    if (st == EFI_SUCCESS)
        st = wait_done(c, &c->conn_tok.CompletionToken, d);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot connect to %s:%u: %s", u->host, (unsigned)u->port,
                    status_text(st));
        return -1;
    }
    return 0;
}

static EFI_STATUS send_bytes(struct conn *c, const char *p, size_t n, struct uefi_deadline *d)
{
    while (n) {
        UINT32 len = n > CHUNK ? CHUNK : (UINT32)n;
        EFI_TCP4_TRANSMIT_DATA *tx = &c->tx;
        EFI_TCP4_IO_TOKEN *io = &c->tx_tok;
        ZeroMem(tx, sizeof *tx);
        ZeroMem(io, sizeof *io);
        tx->Push = TRUE;
        tx->DataLength = len;
        tx->FragmentCount = 1;
        tx->FragmentTable[0].FragmentLength = len;
        tx->FragmentTable[0].FragmentBuffer = (VOID *)p; /* the document: static until power-off */
        io->CompletionToken.Event = c->ev[EV_TX];
        io->Packet.TxData = tx;
        EFI_STATUS st = uefi_call_wrapper(c->tcp->Transmit, 2, c->tcp, io);
        if (st == EFI_SUCCESS)
            st = wait_done(c, &io->CompletionToken, d);
        if (st != EFI_SUCCESS)
            return st;
        p += len;
        n -= len;
    }
    return EFI_SUCCESS;
}

/* Receive until the answer's head and first body line are in, the peer closes, or d expires. */
static size_t receive_answer(struct conn *c, char *buf, size_t cap, struct uefi_deadline *d)
{
    size_t got = 0;
    while (got < cap && !upload_answer_complete(buf, got)) {
        EFI_TCP4_RECEIVE_DATA *rx = &c->rx;
        EFI_TCP4_IO_TOKEN *io = &c->rx_tok;
        ZeroMem(rx, sizeof *rx);
        ZeroMem(io, sizeof *io);
        rx->DataLength = (UINT32)(cap - got);
        rx->FragmentCount = 1;
        rx->FragmentTable[0].FragmentLength = (UINT32)(cap - got);
        rx->FragmentTable[0].FragmentBuffer = buf + got; /* a static buffer */
        io->CompletionToken.Event = c->ev[EV_RX];
        io->Packet.RxData = rx;
        EFI_STATUS st = uefi_call_wrapper(c->tcp->Receive, 2, c->tcp, io);
        if (st == EFI_SUCCESS)
            st = wait_done(c, &io->CompletionToken, d);
        if (st != EFI_SUCCESS)
            break;
        got += rx->FragmentTable[0].FragmentLength;
    }
    return got;
}

/* Graceful close (bounded; skipped unless graceful), then abort whatever the firmware still holds (Configure(NULL)
 * flushes every token of the child) before the events and the child go away.  When even that
 * fails with tokens outstanding, the child and its events are left alive (a small leak until
 * power-off) rather than freed under the firmware. */
static void close_conn(struct conn *c, int graceful)
{
    int aborted = 1;
    if (c->tcp && c->ev[EV_CLOSE]) {
        struct uefi_deadline d;
        if (graceful && !c->abandoned && uefi_deadline_start(&d, 1000) == 0) {
            c->close_tok.CompletionToken.Event = c->ev[EV_CLOSE];
            if (uefi_call_wrapper(c->tcp->Close, 2, c->tcp, &c->close_tok) == EFI_SUCCESS)
                wait_done(c, &c->close_tok.CompletionToken, &d);
            uefi_deadline_stop(&d);
        }
        EFI_STATUS st = uefi_call_wrapper(c->tcp->Configure, 2, c->tcp, NULL);
        aborted = st == EFI_SUCCESS || st == EFI_NOT_STARTED;
    }
    if (c->abandoned && !aborted)
        return;
    for (int i = 0; i < 4; i++)
        if (c->ev[i])
            uefi_call_wrapper(BS->CloseEvent, 1, c->ev[i]);
    if (c->child)
        uefi_call_wrapper(c->sb->DestroyChild, 2, c->sb, c->child);
}

int plat_upload_results(const char *url, const struct upload_auth *auth, const char *json,
                        size_t n, char *why, size_t whylen)
{
    struct upload_url u;
    static char head[768]; /* the same bytes every attempt */
    struct uefi_net net;
    if (upload_parse_url(url, &u, why, whylen))
        return UPLOAD_PERMANENT;
    int hl = upload_request_head(&u, auth, json, n, head, sizeof head);
    if (hl < 0) {
        bb_snprintf(why, whylen, "request head too long");
        return UPLOAD_PERMANENT;
    }
    if (g_nconns >= (int)(sizeof g_conns / sizeof g_conns[0])) {
        bb_snprintf(why, whylen, "no more connections for this run");
        return UPLOAD_PERMANENT;
    }
    int up = uefi_net_up(upload_net(), &net, why, whylen);
    if (up)
        return up == -2 ? UPLOAD_PERMANENT : UPLOAD_NO_ANSWER;
    if (!u.has_ip) {
        up = uefi_dns_resolve(&net, u.host, u.ip, why, whylen);
        if (up) {
            uefi_net_down(&net);
            return up == -2 ? UPLOAD_PERMANENT : UPLOAD_NO_ANSWER;
        }
    }
    bb_printf("network: %s%s, sending %llu bytes to %s:%u%s\n", net.addr,
              net.use_default ? "" : " (on the connection only)", (unsigned long long)n, u.host,
              (unsigned)u.port, u.tls ? " over https (the firmware's EFI HTTP and TLS)" : "");
    struct conn *c = &g_conns[g_nconns++];
    struct uefi_deadline d;
    if (uefi_deadline_start(&d, UPLOAD_CONNECT_S * 1000)) {
        bb_snprintf(why, whylen, "no firmware timer");
        uefi_net_down(&net);
        return UPLOAD_NO_ANSWER;
    }
    int rc = UPLOAD_NO_ANSWER;
    if (u.tls) {
        /* HttpDxe waits up to 60 s inside Request for a host that does not answer: find out
         * within our connect budget first, on a connection of our own closed at once */
        int reached = open_conn(c, &net, &u, &d, why, whylen) == 0;
        uefi_deadline_stop(&d);
        close_conn(c, 0); /* reset at once: the collector has nothing to finish */
        if (reached)
            rc = uefi_https_upload(&net, &u, auth, json, n, why, whylen);
        uefi_net_down(&net);
        return rc;
    }
    if (open_conn(c, &net, &u, &d, why, whylen) == 0) {
        uefi_deadline_stop(&d);
        uefi_deadline_start(&d, UPLOAD_TOTAL_S * 1000);
        EFI_STATUS st = send_bytes(c, head, (size_t)hl, &d);
        if (st == EFI_SUCCESS)
            st = send_bytes(c, json, n, &d);
        /* even when sending failed the collector may have answered (401, 413): read it */
        size_t got = receive_answer(c, c->resp, sizeof c->resp - 1, &d);
        if (got) {
            int status = upload_parse_answer(c->resp, got, why, whylen);
            rc = status < 0 ? UPLOAD_NO_ANSWER : status;
        } else {
            bb_snprintf(why, whylen, "%s", st != EFI_SUCCESS ? status_text(st)
                                                             : "no answer from the collector");
        }
    }
    uefi_deadline_stop(&d);
    close_conn(c, 1);
    uefi_net_down(&net);
    return rc;
}
