/* test_upload_ca.c - the CA of an https:// upload as the firmware takes it (kernel/upload/upload_ca.c):
 * PEM (one or several) or DER in, EFI_SIGNATURE_LISTs of EFI_CERT_X509_GUID entries out, each
 * holding exactly the certificate's DER (checked against OpenSSL's own decoding); every kind of
 * bad file is refused with a reason; https:// URLs parse with port 443 by default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/upload/upload.h"
#include "kernel/upload/upload_ca.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

/* two throw-away self-signed EC certificates (openssl req -x509 -newkey ec) */
static const char cert_a[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjTCCATOgAwIBAgIUYtHuLsoGPkXNqJZfEqdG/gbB6wYwCgYIKoZIzj0EAwIw\n"
    "GzEZMBcGA1UEAwwQYmFyZWJlbmNoLXVuaXQtYTAgFw0yNjEyMDYyMDUxMTlaGA8y\n"
    "MTI2MTExMjIwNTExOVowGzEZMBcGA1UEAwwQYmFyZWJlbmNoLXVuaXQtYTBZMBMG\n"
    "ByqGSM49AgEGCCqGSM49AwEHA0IABMb19Q5gJy5Icpzvr7upQiaX4MoYTnySjrxc\n"
    "Kb+829fOEx38sNYub0QIEfYC21EYo+dPO6yaRuer+TpWDlWLFYCjUzBRMB0GA1Ud\n"
    "DgQWBBSQfVOPDPVvmlpMjkIfSpPYCLZkXDAfBgNVHSMEGDAWgBSQfVOPDPVvmlpM\n"
    "jkIfSpPYCLZkXDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDB\n"
    "dkSr/p7VYhwSC4+dbQDneDqxT2ao+kStciC1bK5ibgIgR6pWxojZ3ZYPq9zrYBup\n"
    "X4uKv+Ef8U/gQWcxj8lj8fI=\n"
    "-----END CERTIFICATE-----\n";
static const char cert_b[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjDCCATOgAwIBAgIUAN7FxGgVAhnYwFyOg38Q8aV8inAwCgYIKoZIzj0EAwIw\n"
    "GzEZMBcGA1UEAwwQYmFyZWJlbmNoLXVuaXQtYjAgFw0yNjEyMDYyMDUxMTlaGA8y\n"
    "MTI2MTExMjIwNTExOVowGzEZMBcGA1UEAwwQYmFyZWJlbmNoLXVuaXQtYjBZMBMG\n"
    "ByqGSM49AgEGCCqGSM49AwEHA0IABLMw7LkWkqyKj93UO+NK1Ygmub8Rt4yhTbLJ\n"
    "74F4UX6mk12RduJ6hDnNrKew6O+gGsI6zaXYH7OWoSeJ1MHfAiqjUzBRMB0GA1Ud\n"
    "DgQWBBRD13ax/Ci/PArUWAhJZNza/5loPDAfBgNVHSMEGDAWgBRD13ax/Ci/PArU\n"
    "WAhJZNza/5loPDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIFrs\n"
    "z1uDhNuHaLrgfwj3ZeVh2PqfzTkpJiw6r809UgIeAiABtZcx3HAlDinEKXvAaP0l\n"
    "afNi26oF0b26SGsqEMk2sA==\n"
    "-----END CERTIFICATE-----\n";

/* The DER of the first certificate in pem, by OpenSSL: the oracle. */
static size_t openssl_der(const char *pem, unsigned char *out, size_t cap)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    assert_non_null(x);
    int n = i2d_X509(x, NULL);
    assert_true(n > 0 && (size_t)n <= cap);
    unsigned char *p = out;
    i2d_X509(x, &p);
    X509_free(x);
    BIO_free(bio);
    return (size_t)n;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One EFI_SIGNATURE_LIST at p holding exactly der[0..dn): returns its size. */
static size_t check_list(const uint8_t *p, const unsigned char *der, size_t dn)
{
    /* EFI_CERT_X509_GUID {a5c059a1-94e4-4aa7-87b5-ab155c2bf072}, little-endian fields */
    static const uint8_t x509[16] = {0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
                                     0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72};
    assert_memory_equal(p, x509, 16);
    uint32_t list = get32(p + 16), header = get32(p + 20), size = get32(p + 24);
    assert_int_equal(header, 0);
    assert_int_equal(size, 16 + dn);           /* owner GUID + the certificate */
    assert_int_equal(list, 28 + size);         /* header + one entry */
    assert_memory_equal(p + 28 + 16, der, dn); /* after the owner: the DER as is */
    return list;
}

static void one_pem(void **state)
{
    (void)state;
    unsigned char der[2048];
    size_t dn = openssl_der(cert_a, der, sizeof der);
    uint8_t out[4096];
    size_t len = 0;
    int n = 0;
    char why[160] = "";
    assert_int_equal(upload_ca_siglist(cert_a, strlen(cert_a), out, sizeof out, &len, &n, why,
                                       sizeof why), 0);
    assert_int_equal(n, 1);
    assert_int_equal(len, check_list(out, der, dn));
}

static void two_pems_and_der(void **state)
{
    (void)state;
    unsigned char da[2048], db[2048];
    size_t na = openssl_der(cert_a, da, sizeof da), nb = openssl_der(cert_b, db, sizeof db);
    char both[4096];
    snprintf(both, sizeof both, "a comment line\n%sbetween\r\n%s", cert_a, cert_b);
    uint8_t out[8192];
    size_t len = 0;
    int n = 0;
    char why[160] = "";
    assert_int_equal(upload_ca_siglist(both, strlen(both), out, sizeof out, &len, &n, why,
                                       sizeof why), 0);
    assert_int_equal(n, 2);
    size_t first = check_list(out, da, na);
    assert_int_equal(len, first + check_list(out + first, db, nb)); /* back to back */
    /* the DER file of b gives b's list */
    assert_int_equal(upload_ca_siglist((const char *)db, nb, out, sizeof out, &len, &n, why,
                                       sizeof why), 0);
    assert_int_equal(n, 1);
    assert_int_equal(len, check_list(out, db, nb));
}

/* upload_ca_siglist must refuse text, naming `want` in its reason. */
static void refused(const char *text, size_t len, size_t cap, const char *want)
{
    uint8_t out[8192];
    size_t olen = 99;
    int n = 99;
    char why[160] = "";
    assert_int_equal(upload_ca_siglist(text, len, out, cap, &olen, &n, why, sizeof why), -1);
    if (!strstr(why, want))
        fail_msg("reason '%s' does not say '%s'", why, want);
}

static void bad_files(void **state)
{
    (void)state;
    char buf[8192];
    refused("", 0, 8192, "not a DER certificate");
    refused("hello\n", 6, 8192, "no PEM certificate");
    /* no END line */
    snprintf(buf, sizeof buf, "%.*s", (int)(strstr(cert_a, "-----END") - cert_a), cert_a);
    refused(buf, strlen(buf), 8192, "no -----END CERTIFICATE-----");
    /* a character outside base64 */
    snprintf(buf, sizeof buf, "%s", cert_a);
    buf[40] = '*';
    refused(buf, strlen(buf), 8192, "bad base64");
    /* base64 of something that is not a certificate */
    snprintf(buf, sizeof buf, "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n");
    refused(buf, strlen(buf), 8192, "certificate 1: not a DER certificate");
    /* DER cut short: the SEQUENCE says more than there is */
    unsigned char der[2048];
    size_t dn = openssl_der(cert_a, der, sizeof der);
    refused((const char *)der, dn - 1, 8192, "not a DER certificate");
    /* the second of two certificates broken */
    snprintf(buf, sizeof buf, "%s%.*s", cert_a, (int)(strstr(cert_b, "-----END") - cert_b), cert_b);
    refused(buf, strlen(buf), 8192, "certificate 2");
    /* more certificates than allowed */
    buf[0] = '\0';
    for (int i = 0; i <= UPLOAD_CA_CERTS_MAX; i++)
        strcat(buf, cert_a);
    refused(buf, strlen(buf), 8192, "more than");
    /* lists larger than the room given */
    refused(cert_a, strlen(cert_a), 100, "too large");
}

static void https_urls(void **state)
{
    (void)state;
    struct upload_url u;
    char why[160];
    assert_int_equal(upload_parse_url("https://10.0.2.2/in", &u, why, sizeof why), 0);
    assert_true(u.tls && u.has_ip && u.port == 443);
    assert_string_equal(u.path, "/in");
    assert_int_equal(upload_parse_url("https://collector.lan:9443", &u, why, sizeof why), 0);
    assert_true(u.tls && !u.has_ip && u.port == 9443);
    assert_int_equal(upload_parse_url("http://10.0.2.2/", &u, why, sizeof why), 0);
    assert_true(!u.tls && u.port == 80);
    assert_int_equal(upload_parse_url("ftp://10.0.2.2/", &u, why, sizeof why), -1);
    assert_non_null(strstr(why, "https://"));
    assert_int_equal(upload_parse_url("https:/10.0.2.2/", &u, why, sizeof why), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_pem),
        cmocka_unit_test(two_pems_and_der),
        cmocka_unit_test(bad_files),
        cmocka_unit_test(https_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
