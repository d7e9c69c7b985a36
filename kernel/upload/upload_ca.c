/* upload_ca.c - reads the CA file of an https:// upload (PEM or DER) and builds the
 * EFI_SIGNATURE_LIST that the firmware's TLS takes its trusted certificates from.  Freestanding:
 * its own base64 and DER length reading, nothing more of ASN.1 (the firmware parses the rest). */
#include "kernel/upload/upload_ca.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

/* {a5c059a1-94e4-4aa7-87b5-ab155c2bf072} */
const uint8_t upload_cert_x509_guid[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
                                           0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};
/* the owner of our entries: barebench {6b1d3f4e-2c8a-4e55-9b3a-5f0e7d2a1c64} */
static const uint8_t owner_guid[16] = {0x4e, 0x3f, 0x1d, 0x6b, 0x8a, 0x2c, 0x55, 0x4e,
                                       0x9b, 0x3a, 0x5f, 0x0e, 0x7d, 0x2a, 0x1c, 0x64};

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_end[] = "-----END CERTIFICATE-----";

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int b64_value(char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A'
         : c >= 'a' && c <= 'z' ? c - 'a' + 26
         : c >= '0' && c <= '9' ? c - '0' + 52
         : c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decode base64 text (blanks and line ends skipped, '=' padding at the end) into out. */
static int b64_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || pad)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    if (pad > 2 || bits >= 6)
        return -1;
    *outlen = o;
    return 0;
}

/* The length of the DER SEQUENCE at p (tag, length, contents), or 0 when p[0..n) is not one. */
static size_t der_sequence_len(const uint8_t *p, size_t n)
{
    if (n < 2 || p[0] != 0x30)
        return 0;
    size_t len = p[1], head = 2;
    if (len & 0x80) {
        size_t k = len & 0x7f;
        if (k == 0 || k > 3 || n < 2 + k)
            return 0;
        len = 0;
        for (size_t i = 0; i < k; i++)
            len = len << 8 | p[2 + i];
        head += k;
    }
    return head + len <= n ? head + len : 0;
}

static const char *find(const char *s, size_t n, const char *what)
{
    size_t w = strlen(what);
    for (size_t i = 0; i + w <= n; i++)
        if (!memcmp(s + i, what, w))
            return s + i;
    return NULL;
}

/* Append one DER certificate as its own signature list. */
static int add_cert(const uint8_t *der, size_t dn, uint8_t *out, size_t cap, size_t *at,
                    char *why, size_t whylen)
{
    size_t seq = der_sequence_len(der, dn);
    if (!seq || seq != dn) {
        bb_snprintf(why, whylen, "not a DER certificate (no ASN.1 SEQUENCE of the right length)");
        return -1;
    }
    size_t entry = UPLOAD_SIGDATA_OWNER + dn, list = UPLOAD_SIGLIST_HEAD + entry;
    if (list > cap - *at) {
        bb_snprintf(why, whylen, "the certificates are too large (over %u bytes together)",
                    (unsigned)cap);
        return -1;
    }
    uint8_t *p = out + *at;
    memcpy(p, upload_cert_x509_guid, 16);
    put32(p + 16, (uint32_t)list);
    put32(p + 20, 0);
    put32(p + 24, (uint32_t)entry);
    memcpy(p + UPLOAD_SIGLIST_HEAD, owner_guid, UPLOAD_SIGDATA_OWNER);
    memcpy(p + UPLOAD_SIGLIST_HEAD + UPLOAD_SIGDATA_OWNER, der, dn);
    *at += list;
    return 0;
}

int upload_ca_siglist(const char *text, size_t len, uint8_t *out, size_t cap, size_t *outlen,
                      int *ncerts, char *why, size_t whylen)
{
    static uint8_t der[UPLOAD_CA_LIST_MAX];
    size_t at = 0, dn;
    *outlen = 0;
    *ncerts = 0;
    const char *b = find(text, len, pem_begin);
    if (!b) { /* DER: the whole file is one certificate */
        if (len > sizeof der || (len && (uint8_t)text[0] != 0x30)) {
            bb_snprintf(why, whylen, "no PEM certificate (-----BEGIN CERTIFICATE-----) and not "
                                     "a DER certificate");
            return -1;
        }
        if (add_cert((const uint8_t *)text, len, out, cap, &at, why, whylen))
            return -1;
        *outlen = at;
        *ncerts = 1;
        return 0;
    }
    while (b) {
        const char *body = b + sizeof pem_begin - 1, *end = text + len;
        const char *e = find(body, (size_t)(end - body), pem_end);
        if (!e) {
            bb_snprintf(why, whylen, "certificate %d has no -----END CERTIFICATE-----", *ncerts + 1);
            return -1;
        }
        if (*ncerts >= UPLOAD_CA_CERTS_MAX) {
            bb_snprintf(why, whylen, "more than %d certificates", UPLOAD_CA_CERTS_MAX);
            return -1;
        }
        if (b64_decode(body, (size_t)(e - body), der, sizeof der, &dn)) {
            bb_snprintf(why, whylen, "certificate %d: bad base64 (or over %u bytes)", *ncerts + 1,
                        (unsigned)sizeof der);
            return -1;
        }
        char w[120];
        if (add_cert(der, dn, out, cap, &at, w, sizeof w)) {
            bb_snprintf(why, whylen, "certificate %d: %s", *ncerts + 1, w);
            return -1;
        }
        ++*ncerts;
        e += sizeof pem_end - 1;
        b = find(e, (size_t)(end - e), pem_begin);
    }
    *outlen = at;
    return 0;
}

int upload_ca_load(const struct options *o, uint8_t *out, size_t cap, size_t *outlen, int *ncerts,
                   char *err, size_t errlen)
{
    *outlen = 0;
    *ncerts = 0;
    if (!o->upload_ca_file[0])
        return 0;
    char *text = NULL, ferr[200], why[160];
    size_t len = 0;
    int rc = plat_read_boot_file(o->upload_ca_file, UPLOAD_CA_FILE_MAX, &text, &len, ferr,
                                 sizeof ferr);
    if (rc <= 0) {
        bb_snprintf(err, errlen, "upload_ca_file=: %s", ferr);
        return -1;
    }
    rc = upload_ca_siglist(text, len, out, cap, outlen, ncerts, why, sizeof why);
    plat_free(text);
    if (rc)
        bb_snprintf(err, errlen, "upload_ca_file=%s: %s", o->upload_ca_file, why);
    return rc;
}
