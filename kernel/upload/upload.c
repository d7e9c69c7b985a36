/* upload.c - portable parts of the upload to barebench-collect: parses upload=http[s]://HOST:PORT/,
 * writes the HTTP/1.1 POST head (Content-Length, the signature or the legacy token) and reads the
 * status line. */
#include "kernel/upload/upload.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/hmac.h"
#include "kernel/upload/upload_key.h"

#include <string.h>

static char g_net[48] = "dhcp";

void upload_set_net(const char *net)
{
    bb_snprintf(g_net, sizeof g_net, "%s", net && net[0] ? net : "dhcp");
}

const char *upload_net(void)
{
    return g_net;
}

int upload_parse_ipv4(const char *s, size_t n, uint8_t ip[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(s[i++] - '0');
            digits++;
        }
        if (!digits || digits > 3 || v > 255)
            return -1;
        ip[part] = (uint8_t)v;
        if (part < 3) {
            if (i >= n || s[i] != '.')
                return -1;
            i++;
        }
    }
    return i == n ? 0 : -1;
}

int upload_parse_url(const char *url, struct upload_url *u, char *why, size_t whylen)
{
    memset(u, 0, sizeof *u);
    if (!strncmp(url, "https://", 8))
        u->tls = 1;
    else if (strncmp(url, "http://", 7)) {
        bb_snprintf(why, whylen, "upload URL must start with http:// or https:// (got '%.40s')", url);
        return -1;
    }
    const char *h = url + (u->tls ? 8 : 7), *e = h;
    while (*e && *e != ':' && *e != '/')
        e++;
    size_t hl = (size_t)(e - h);
    if (hl == 0 || hl >= sizeof u->host) {
        bb_snprintf(why, whylen, "upload URL has no host or a host too long");
        return -1;
    }
    memcpy(u->host, h, hl);
    u->host[hl] = '\0';
    u->has_ip = upload_parse_ipv4(h, hl, u->ip) == 0;
    u->port = u->tls ? 443 : 80;
    if (*e == ':') {
        unsigned long p = 0;
        int digits = 0;
        for (e++; *e >= '0' && *e <= '9' && digits < 6; e++, digits++)
            p = p * 10 + (unsigned long)(*e - '0');
        if (!digits || p == 0 || p > 65535 || (*e && *e != '/')) {
            bb_snprintf(why, whylen, "upload URL has a bad port");
            return -1;
        }
        u->port = (uint16_t)p;
    }
    bb_snprintf(u->path, sizeof u->path, "%s", *e ? e : "/");
    if (strlen(e) >= sizeof u->path) {
        bb_snprintf(why, whylen, "upload URL path too long");
        return -1;
    }
    return 0;
}

int upload_check_url(const char *url, int need_ip, char *why, size_t whylen)
{
    struct upload_url u;
    if (upload_parse_url(url, &u, why, whylen))
        return -1;
    if (need_ip && !u.has_ip) {
        bb_snprintf(why, whylen,
                    "the host '%.40s' is not a numeric IPv4 address (this firmware cannot resolve names)",
                    u.host);
        return -1;
    }
    return 0;
}

void upload_sign(const uint8_t *key, size_t keylen, const char *run_id, const char *body,
                 size_t n, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    struct hmac_sha256 m;
    uint8_t mac[SHA256_BYTES];
    hmac_sha256_init(&m, key, keylen);
    hmac_sha256_update(&m, UPLOAD_SIG_PREFIX, sizeof UPLOAD_SIG_PREFIX - 1);
    hmac_sha256_update(&m, run_id, strlen(run_id));
    hmac_sha256_update(&m, "\n", 1);
    hmac_sha256_update(&m, body, n);
    hmac_sha256_final(&m, mac);
    for (int i = 0; i < SHA256_BYTES; i++) {
        hex[2 * i] = digits[mac[i] >> 4];
        hex[2 * i + 1] = digits[mac[i] & 15];
    }
    hex[64] = '\0';
}

int upload_request_head(const struct upload_url *u, const struct upload_auth *a, const char *body,
                        size_t body_len, char *buf, size_t n)
{
    char tok[128] = "", sig[200] = "";
    if (a && a->token && a->token[0])
        bb_snprintf(tok, sizeof tok, "X-Barebench-Token: %s\r\n", a->token);
    if (a && a->keylen) {
        char hex[65];
        const char *rid = a->run_id ? a->run_id : "";
        upload_sign(a->key, a->keylen, rid, body, body_len, hex);
        bb_snprintf(sig, sizeof sig, "%s: %s\r\n%s: %s%s\r\n", UPLOAD_RUNID_HEADER, rid,
                    UPLOAD_SIG_HEADER, UPLOAD_SIG_SCHEME, hex);
    }
    int len = bb_snprintf(buf, n,
                          "POST %s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: barebench\r\n"
                          "Content-Type: application/json\r\nContent-Length: %llu\r\n%s%s"
                          "Connection: close\r\n\r\n",
                          u->path, u->host, (unsigned)u->port, (unsigned long long)body_len, tok,
                          sig);
    return len < 0 || (size_t)len >= n ? -1 : len;
}

/* Offset just past the empty line ending the head, or 0. */
static size_t head_end(const char *r, size_t n)
{
    for (size_t i = 0; i + 3 < n; i++)
        if (r[i] == '\r' && r[i + 1] == '\n' && r[i + 2] == '\r' && r[i + 3] == '\n')
            return i + 4;
    return 0;
}

int upload_answer_complete(const char *resp, size_t n)
{
    size_t h = head_end(resp, n);
    return h && memchr(resp + h, '\n', n - h) != NULL;
}

int upload_parse_answer(const char *resp, size_t n, char *why, size_t whylen)
{
    if (n < 12 || strncmp(resp, "HTTP/1.", 7) || resp[8] != ' ' || resp[9] < '1' || resp[9] > '5' ||
        resp[10] < '0' || resp[10] > '9' || resp[11] < '0' || resp[11] > '9') {
        bb_snprintf(why, whylen, "the collector's answer is not HTTP");
        return -1;
    }
    int status = (resp[9] - '0') * 100 + (resp[10] - '0') * 10 + (resp[11] - '0');
    size_t h = head_end(resp, n), e = h;
    while (h && e < n && resp[e] != '\n' && resp[e] != '\r' && e - h < 160)
        e++;
    if (h && e > h)
        bb_snprintf(why, whylen, "HTTP %d: %.*s", status, (int)(e - h), resp + h);
    else
        bb_snprintf(why, whylen, "HTTP %d", status);
    return status;
}
