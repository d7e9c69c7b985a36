/* upload_tls_linux.c - the Linux build's https:// upload: OpenSSL's libssl over the connected
 * socket, the collector's certificate verified against upload_ca_file= (or the system's CAs) and
 * its host name or IP address; every step bounded by the caller's deadline. */
#include "host/upload_linux.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct upload_tls {
    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
};

/* Trust the certificates of a PEM file, or of one DER certificate. */
static int load_ca(SSL_CTX *ctx, const char *path, char *why, size_t whylen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, whylen, "upload_ca_file=%s: cannot open it", path);
        return -1;
    }
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    int n = 0;
    X509 *x;
    while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        n += X509_STORE_add_cert(store, x) == 1;
        X509_free(x);
    }
    if (n == 0) {
        ERR_clear_error();
        rewind(f);
        x = d2i_X509_fp(f, NULL);
        if (x) {
            n += X509_STORE_add_cert(store, x) == 1;
            X509_free(x);
        }
    }
    fclose(f);
    ERR_clear_error();
    if (n == 0) {
        snprintf(why, whylen, "upload_ca_file=%s: no PEM or DER certificate in it", path);
        return -1;
    }
    return 0;
}

/* Wait as SSL_get_error says after a call that returned rc: 1 go on, 0 failed. */
static int want(struct upload_tls *t, int rc, long long deadline)
{
    int e = SSL_get_error(t->ssl, rc);
    if (e == SSL_ERROR_WANT_READ)
        return upload_wait_fd(t->fd, POLLIN, deadline) == 1;
    if (e == SSL_ERROR_WANT_WRITE)
        return upload_wait_fd(t->fd, POLLOUT, deadline) == 1;
    return 0;
}

struct upload_tls *upload_tls_open(int fd, const char *host, const char *ca_file,
                                   long long deadline, char *why, size_t whylen)
{
    struct upload_tls *t = calloc(1, sizeof *t);
    if (!t || !(t->ctx = SSL_CTX_new(TLS_client_method()))) {
        snprintf(why, whylen, "cannot set up TLS (out of memory)");
        free(t);
        return NULL;
    }
    t->fd = fd;
    SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
    if (ca_file && ca_file[0] ? load_ca(t->ctx, ca_file, why, whylen)
                              : SSL_CTX_set_default_verify_paths(t->ctx) != 1)
        goto fail;
    t->ssl = SSL_new(t->ctx);
    if (!t->ssl || SSL_set_fd(t->ssl, fd) != 1) {
        snprintf(why, whylen, "cannot set up TLS");
        goto fail;
    }
    /* the collector's certificate must name what upload= names: an IP address or a host name */
    X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);
    if (X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1) {
        ERR_clear_error();
        X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (X509_VERIFY_PARAM_set1_host(vp, host, 0) != 1 ||
            SSL_set_tlsext_host_name(t->ssl, host) != 1) {
            snprintf(why, whylen, "cannot check the host name %s", host);
            goto fail;
        }
    }
    for (;;) {
        int rc = SSL_connect(t->ssl);
        if (rc == 1)
            return t;
        if (!want(t, rc, deadline)) {
            long v = SSL_get_verify_result(t->ssl);
            unsigned long e = ERR_peek_last_error();
            if (v != X509_V_OK)
                snprintf(why, whylen, "TLS handshake failed: the collector's certificate is not "
                         "trusted: %s", X509_verify_cert_error_string(v));
            else if (e)
                snprintf(why, whylen, "TLS handshake failed: %s", ERR_reason_error_string(e));
            else
                snprintf(why, whylen, "TLS handshake failed (timed out or the connection closed)");
            ERR_clear_error();
            goto fail;
        }
    }
fail:
    upload_tls_close(t);
    return NULL;
}

int upload_tls_send(struct upload_tls *t, const char *s, size_t n, long long deadline)
{
    while (n) {
        size_t w = 0;
        int rc = SSL_write_ex(t->ssl, s, n, &w);
        if (rc == 1) {
            s += w;
            n -= w;
        } else if (!want(t, rc, deadline)) {
            ERR_clear_error();
            return -1;
        }
    }
    return 0;
}

ssize_t upload_tls_recv(struct upload_tls *t, char *buf, size_t n, long long deadline)
{
    for (;;) {
        size_t r = 0;
        int rc = SSL_read_ex(t->ssl, buf, n, &r);
        if (rc == 1)
            return (ssize_t)r;
        int e = SSL_get_error(t->ssl, rc);
        if (e == SSL_ERROR_ZERO_RETURN)
            return 0;
        if (!want(t, rc, deadline)) {
            ERR_clear_error();
            return -1;
        }
    }
}

void upload_tls_close(struct upload_tls *t)
{
    if (!t)
        return;
    if (t->ssl) {
        SSL_shutdown(t->ssl);
        SSL_free(t->ssl);
    }
    SSL_CTX_free(t->ctx);
    ERR_clear_error();
    free(t);
}
