/* upload_ca.h - the CA an https:// upload trusts (upload_ca_file=, PEM or DER): read once before
 * measuring and turned into what EDK2's HttpDxe reads from the TlsCaCertificate variable, an
 * EFI_SIGNATURE_LIST of EFI_CERT_X509_GUID entries (one list per certificate, DER inside). */
#ifndef BB_UPLOAD_CA_H
#define BB_UPLOAD_CA_H

#include "kernel/run/options.h"

#include <stddef.h>
#include <stdint.h>

#define UPLOAD_CA_FILE_MAX 65536   /* a CA file is at most this long */
#define UPLOAD_CA_LIST_MAX 32768   /* the signature lists of its certificates, at most */
#define UPLOAD_CA_CERTS_MAX 8      /* certificates in one file, at most */

/* EFI_SIGNATURE_LIST (UEFI 2.x section 32.4.1): its header, then SignatureSize-byte entries of
 * an owner GUID and the data */
#define UPLOAD_SIGLIST_HEAD 28     /* SignatureType GUID, ListSize, HeaderSize, SignatureSize */
#define UPLOAD_SIGDATA_OWNER 16    /* EFI_SIGNATURE_DATA.SignatureOwner */

/** EFI_CERT_X509_GUID as it lies in memory (little-endian fields). */
extern const uint8_t upload_cert_x509_guid[16];

/** Turn a CA file's text (one or more PEM "CERTIFICATE" blocks, or one DER certificate) into
 *  signature lists in out[0..*outlen); *ncerts gets how many certificates.  0, or -1 with
 *  why naming the problem (no certificate, bad base64, not a DER certificate, too many/large). */
int upload_ca_siglist(const char *text, size_t len, uint8_t *out, size_t cap, size_t *outlen,
                      int *ncerts, char *why, size_t whylen);

/** What o asks for: with upload_ca_file= the file read (plat_read_boot_file) and converted
 *  into out; *outlen 0 without it.  0, or -1 with err naming the option and the problem. */
int upload_ca_load(const struct options *o, uint8_t *out, size_t cap, size_t *outlen, int *ncerts,
                   char *err, size_t errlen);

#endif
