/* uefi_net_tcp.c - the UEFI build's plat_upload_results: a TCP4 child of the firmware stack,
 * connect, send the HTTP POST (head + document), read the status line, close; all time-bounded. */
#include "boot/uefi_net.h"
#include "kernel/fmt.h"
#include "kernel/platform.h"
#include "kernel/upload.h"
#include "kernel/upload_retry.h"

#include <string.h>

#define CHUNK 16384

static EFI_GUID tcp4_sb_guid = EFI_TCP4_SERVICE_BINDING_PROTOCOL;
static EFI_GUID tcp4_guid = EFI_TCP4_PROTOCOL;

struct conn {
    EFI_SERVICE_BINDING *sb;
    EFI_HANDLE child;
    EFI_TCP4 *tcp;
    EFI_EVENT ev;          /* completion event shared by the tokens, used one at a time */
};

/* Wait for the completion event while polling the stack; EFI_TIMEOUT when d expires first. */
static EFI_STATUS wait_done(struct conn *c, EFI_TCP4_COMPLETION_TOKEN *tok, struct uefi_deadline *d)
{
    for (;;) {
        if (uefi_call_wrapper(BS->CheckEvent, 1, c->ev) == EFI_SUCCESS)
            return tok->Status;
        if (uefi_deadline_expired(d)) {
            uefi_call_wrapper(c->tcp->Cancel, 2, c->tcp, tok);
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
static int open_conn(struct conn *c, EFI_HANDLE nic, const struct upload_url *u,
                     struct uefi_deadline *d, char *why, size_t whylen)
{
    EFI_STATUS st = uefi_call_wrapper(BS->HandleProtocol, 3, nic, &tcp4_sb_guid, (VOID **)&c->sb);
    if (st == EFI_SUCCESS)
        st = uefi_call_wrapper(c->sb->CreateChild, 2, c->sb, &c->child);
    if (st == EFI_SUCCESS)
        st = uefi_call_wrapper(BS->HandleProtocol, 3, c->child, &tcp4_guid, (VOID **)&c->tcp);
    if (st == EFI_SUCCESS)
        st = uefi_call_wrapper(BS->CreateEvent, 5, 0, 0, NULL, NULL, &c->ev);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot create a TCP4 connection (0x%llx)", (unsigned long long)st);
        return -1;
    }
    EFI_TCP4_CONFIG_DATA cd;
    ZeroMem(&cd, sizeof cd);
    cd.TimeToLive = 64;
    cd.AccessPoint.UseDefaultAddress = TRUE;
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
    EFI_TCP4_CONNECTION_TOKEN ct;
    ZeroMem(&ct, sizeof ct);
    ct.CompletionToken.Event = c->ev;
    st = uefi_call_wrapper(c->tcp->Connect, 2, c->tcp, &ct);
    if (st == EFI_SUCCESS)
        st = wait_done(c, &ct.CompletionToken, d);
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
        EFI_TCP4_TRANSMIT_DATA tx;
        EFI_TCP4_IO_TOKEN io;
        ZeroMem(&tx, sizeof tx);
        ZeroMem(&io, sizeof io);
        tx.Push = TRUE;
        tx.DataLength = len;
        tx.FragmentCount = 1;
        tx.FragmentTable[0].FragmentLength = len;
        tx.FragmentTable[0].FragmentBuffer = (VOID *)p;
        io.CompletionToken.Event = c->ev;
        io.Packet.TxData = &tx;
        EFI_STATUS st = uefi_call_wrapper(c->tcp->Transmit, 2, c->tcp, &io);
        if (st == EFI_SUCCESS)
            st = wait_done(c, &io.CompletionToken, d);
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
        EFI_TCP4_RECEIVE_DATA rx;
        EFI_TCP4_IO_TOKEN io;
        ZeroMem(&rx, sizeof rx);
        ZeroMem(&io, sizeof io);
        rx.DataLength = (UINT32)(cap - got);
        rx.FragmentCount = 1;
        rx.FragmentTable[0].FragmentLength = (UINT32)(cap - got);
        rx.FragmentTable[0].FragmentBuffer = buf + got;
        io.CompletionToken.Event = c->ev;
        io.Packet.RxData = &rx;
        EFI_STATUS st = uefi_call_wrapper(c->tcp->Receive, 2, c->tcp, &io);
        if (st == EFI_SUCCESS)
            st = wait_done(c, &io.CompletionToken, d);
        if (st != EFI_SUCCESS)
            break;
        got += rx.FragmentTable[0].FragmentLength;
    }
    return got;
}

/* Graceful close (bounded), then tear the child down. */
static void close_conn(struct conn *c)
{
    if (c->tcp && c->ev) {
        EFI_TCP4_CLOSE_TOKEN cl;
        ZeroMem(&cl, sizeof cl);
        cl.CompletionToken.Event = c->ev;
        struct uefi_deadline d;
        if (uefi_deadline_start(&d, 1000) == 0) {
            if (uefi_call_wrapper(c->tcp->Close, 2, c->tcp, &cl) == EFI_SUCCESS)
                wait_done(c, &cl.CompletionToken, &d);
            uefi_deadline_stop(&d);
        }
        uefi_call_wrapper(c->tcp->Configure, 2, c->tcp, NULL); /* aborts what is left */
    }
    if (c->ev)
        uefi_call_wrapper(BS->CloseEvent, 1, c->ev);
    if (c->child)
        uefi_call_wrapper(c->sb->DestroyChild, 2, c->sb, c->child);
}

int plat_upload_resolves_names(void)
{
    return 0;
}

int plat_upload_results(const char *url, const char *token, const char *json, size_t n,
                        char *why, size_t whylen)
{
    struct upload_url u;
    static char head[512], resp[1024];
    char addr[24];
    EFI_HANDLE nic = NULL;
    if (upload_parse_url(url, &u, why, whylen))
        return UPLOAD_PERMANENT;
    if (!u.has_ip) {
        bb_snprintf(why, whylen, "this firmware cannot resolve names: use an IPv4 address in the "
                    "upload URL, not '%s'", u.host);
        return UPLOAD_PERMANENT;
    }
    int hl = upload_request_head(&u, token, n, head, sizeof head);
    if (hl < 0) {
        bb_snprintf(why, whylen, "request head too long");
        return UPLOAD_PERMANENT;
    }
    int up = uefi_net_up(upload_net(), &nic, addr, sizeof addr, why, whylen);
    if (up)
        return up == -2 ? UPLOAD_PERMANENT : UPLOAD_NO_ANSWER;
    bb_printf("network: %s, sending %llu bytes to %s:%u\n", addr, (unsigned long long)n, u.host,
              (unsigned)u.port);
    struct conn c;
    ZeroMem(&c, sizeof c);
    struct uefi_deadline d;
    if (uefi_deadline_start(&d, UPLOAD_CONNECT_S * 1000)) {
        bb_snprintf(why, whylen, "no firmware timer");
        return UPLOAD_NO_ANSWER;
    }
    int rc = UPLOAD_NO_ANSWER;
    if (open_conn(&c, nic, &u, &d, why, whylen) == 0) {
        uefi_deadline_stop(&d);
        uefi_deadline_start(&d, UPLOAD_TOTAL_S * 1000);
        EFI_STATUS st = send_bytes(&c, head, (size_t)hl, &d);
        if (st == EFI_SUCCESS)
            st = send_bytes(&c, json, n, &d);
        /* even when sending failed the collector may have answered (401, 413): read it */
        size_t got = receive_answer(&c, resp, sizeof resp - 1, &d);
        if (got) {
            int status = upload_parse_answer(resp, got, why, whylen);
            rc = status < 0 ? UPLOAD_NO_ANSWER : status;
        } else {
            bb_snprintf(why, whylen, "%s", st != EFI_SUCCESS ? status_text(st)
                                                             : "no answer from the collector");
        }
    }
    uefi_deadline_stop(&d);
    close_conn(&c);
    return rc;
}
