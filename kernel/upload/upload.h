/* upload.h - the portable half of sending results to a collector: URL parsing, the HTTP request
 * head and reading the collector's answer.  The hosts move the bytes (plat_upload_results). */
#ifndef BB_UPLOAD_H
#define BB_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#define UPLOAD_CONNECT_S 5   /* longest wait for the collector to accept the connection */
#define UPLOAD_TOTAL_S 20    /* longest the whole exchange may take after connecting */

struct upload_url {
    char host[64];      /* as written in the URL */
    uint8_t ip[4];      /* when host is a dotted IPv4 address */
    int has_ip;
    uint16_t port;      /* default 80 (https: 443) */
    int tls;            /* https:// */
    char path[128];     /* default "/" */
};

/** How the network is configured before an upload (option net=: "dhcp", "ADDR/PREFIX[,GW]");
 *  set by the run, read by the host's upload (the Linux build uses the OS's network). */
void upload_set_net(const char *net);
const char *upload_net(void);

/** Whether this host's upload can resolve host names: 1 yes (Linux; UEFI with the firmware's
 *  DNS4), 0 no (UEFI without DNS4: use a dotted IPv4 address), -1 cannot tell before the
 *  upload (UEFI whose network stack is not started yet). */
int plat_upload_resolves_names(void);

/** Parse http://HOST[:PORT][/PATH] or https://...  0, or -1 with the reason in why. */
int upload_parse_url(const char *url, struct upload_url *u, char *why, size_t whylen);

/** Check an upload= value as the option parser does: http://, a host (a numeric IPv4 address
 *  when need_ip: UEFI firmware without DNS4), a port 1..65535, a path that fits.
 *  0, or -1 with the reason in why. */
int upload_check_url(const char *url, int need_ip, char *why, size_t whylen);

/** Parse a dotted IPv4 address of exactly n characters.  0 or -1. */
int upload_parse_ipv4(const char *s, size_t n, uint8_t ip[4]);

/* How an upload proves where it comes from: a signature under the fleet key (kernel/upload/upload_key.h),
 * or the legacy shared token, or nothing. */
struct upload_auth {
    const char *token;          /* legacy: X-Barebench-Token (NULL or "": none) */
    const uint8_t *key;         /* fleet key; keylen 0: no signature */
    size_t keylen;
    const char *run_id;         /* tool.run_id of the body, signed with it */
    /* https://: the CA the collector's certificate must chain to (kernel/upload/upload_ca.h) */
    const char *ca_file;        /* upload_ca_file= as given (the Linux build reads it itself) */
    const uint8_t *ca_list;     /* its certificates as EFI signature lists (the UEFI image) */
    size_t ca_list_len;
};

/** The signature of an upload: HMAC-SHA256 under key of UPLOAD_SIG_PREFIX + run_id + "\n" + body,
 *  as 64 lowercase hexadecimal digits (hex gets 65 bytes with the NUL). */
void upload_sign(const uint8_t *key, size_t keylen, const char *run_id, const char *body,
                 size_t n, char hex[65]);

/** The request head for `body` (POST, Content-Length; with a key, X-Barebench-Run-Id and
 *  X-Barebench-Signature; with a token, X-Barebench-Token).  Returns its length, or -1 if buf
 *  is too small. */
int upload_request_head(const struct upload_url *u, const struct upload_auth *a, const char *body,
                        size_t body_len, char *buf, size_t n);

/** Read the collector's answer (status line, head, start of the body): returns the HTTP status,
 *  or -1 if it is not HTTP; why gets "HTTP 201: <first line of the body>". */
int upload_parse_answer(const char *resp, size_t n, char *why, size_t whylen);

/** 1 when resp holds a complete answer head and at least one line of body (or n is final). */
int upload_answer_complete(const char *resp, size_t n);

#endif
