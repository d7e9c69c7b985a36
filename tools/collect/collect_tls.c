/* collect_tls.c - barebench-collect --tls-cert F --tls-key F: reads the PEM certificate and key
 * for libmicrohttpd's HTTPS and checks them first (this libmicrohttpd has TLS, both parse, the
 * key is the certificate's), so that a mistake is named at start instead of failing handshakes. */
#include "tools/collect/collect.h"

#include <errno.h>
#include <microhttpd.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEM_MAX (1 << 20)

/* The whole file as a NUL-terminated string (malloc'd), or NULL with err. */
static char *slurp(const char *opt, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s %s: %s", opt, path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(PEM_MAX + 1);
    size_t n = buf ? fread(buf, 1, PEM_MAX + 1, f) : 0;
    int bad = !buf || ferror(f) || n == 0 || n > PEM_MAX;
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s %s: %s", opt, path,
                 !buf ? "out of memory" : n > PEM_MAX ? "larger than 1 MiB" : "empty or unreadable");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* 0 when cert is a PEM certificate and key a PEM private key that belongs to it. */
static int check_pair(const char *cert, const char *key, const char *cert_file,
                      const char *key_file, char *err, size_t errlen)
{
    BIO *cb = BIO_new_mem_buf(cert, -1), *kb = BIO_new_mem_buf(key, -1);
    X509 *x = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    EVP_PKEY *k = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
    int rc = -1;
    if (!x)
        snprintf(err, errlen, "--tls-cert %s: no PEM certificate in it", cert_file);
    else if (!k)
        snprintf(err, errlen, "--tls-key %s: no unencrypted PEM private key in it", key_file);
    else if (X509_check_private_key(x, k) != 1)
        snprintf(err, errlen, "--tls-key %s is not the key of the certificate in %s", key_file,
                 cert_file);
    else
        rc = 0;
    X509_free(x);
    EVP_PKEY_free(k);
    BIO_free(cb);
    BIO_free(kb);
    ERR_clear_error();
    return rc;
}

int collect_tls_setup(struct collect_cfg *cfg, const char *cert_file, const char *key_file,
                      char *err, size_t errlen)
{
    if (!cert_file && !key_file)
        return 0;
    if (!cert_file || !key_file) {
        snprintf(err, errlen, "HTTPS needs both --tls-cert FILE and --tls-key FILE");
        return -1;
    }
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, errlen, "this libmicrohttpd was built without TLS: --tls-cert cannot be "
                              "served (put a TLS proxy such as nginx in front instead)");
        return -1;
    }
    char *cert = slurp("--tls-cert", cert_file, err, errlen), *key = NULL;
    if (!cert || !(key = slurp("--tls-key", key_file, err, errlen)) ||
        check_pair(cert, key, cert_file, key_file, err, errlen)) {
        free(cert);
        if (key)
            memset(key, 0, strlen(key));
        free(key);
        return -1;
    }
    cfg->tls_cert = cert; /* kept for the life of the process */
    cfg->tls_key = key;
    return 0;
}
