/* collect_auth.c - who may store a document in barebench-collect: uploads signed with the fleet
 * key (HMAC-SHA256 through OpenSSL's libcrypto, compared in constant time), or the legacy shared
 * token, or nobody checked at all (loopback only, or --insecure-open).  Also where the secrets
 * come from (a file or the environment, never argv) and which addresses may be listened on. */
#include "tools/collect/collect.h"
#include "kernel/upload/upload_key.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET_FILE_MAX 4096

/* A secret file read whole (at most SECRET_FILE_MAX bytes, a regular file); 0 or -1 with err. */
static int read_secret(const char *path, char *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n == cap) {
            snprintf(err, errlen, "%s: larger than %zu bytes", path, cap - 1);
            close(fd);
            return -1;
        }
    }
    close(fd);
    *len = n;
    return 0;
}

/* A secret's text: the file when one is named, else the environment variable's value. */
static int secret_text(const char *file, const char *env_name, const char *env_value, char *text,
                       size_t cap, size_t *n, char *err, size_t errlen)
{
    if (file)
        return read_secret(file, text, cap, n, err, errlen);
    *n = strlen(env_value);
    if (*n >= cap) {
        snprintf(err, errlen, "%s: longer than %zu bytes", env_name, cap - 1);
        return -1;
    }
    memcpy(text, env_value, *n);
    return 0;
}

/* The legacy token: its text without the line end; a token is one line of printable characters. */
static int set_token(struct collect_cfg *cfg, const char *text, size_t n, const char *from,
                     char *err, size_t errlen)
{
    static char token[SECRET_FILE_MAX];
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    if (n == 0) {
        snprintf(err, errlen, "%s: the token is empty (an empty token never turns authentication "
                              "off; give a fleet key with --key-file instead)", from);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)text[i] <= ' ' || (unsigned char)text[i] > '~') {
            snprintf(err, errlen, "%s: the token must be one word of printable characters", from);
            return -1;
        }
    memcpy(token, text, n);
    token[n] = '\0';
    cfg->token = token;
    return 0;
}

int collect_auth_setup(struct collect_cfg *cfg, const char *key_file, const char *token_file,
                       char *err, size_t errlen)
{
    static unsigned char key[UPLOAD_KEY_MAX];
    char text[SECRET_FILE_MAX];
    size_t n = 0;
    const char *env_key = getenv("BAREBENCH_KEY"), *env_token = getenv("BAREBENCH_TOKEN");
    const char *key_from = key_file ? key_file : env_key ? "BAREBENCH_KEY" : NULL;
    const char *token_from = token_file ? token_file : env_token ? "BAREBENCH_TOKEN" : NULL;
    cfg->key = NULL, cfg->keylen = 0, cfg->token = NULL;
    if (key_file && env_key) {
        snprintf(err, errlen, "both --key-file and BAREBENCH_KEY are given: use one");
        return -1;
    }
    if (token_file && env_token) {
        snprintf(err, errlen, "both --legacy-token-file and BAREBENCH_TOKEN are given: use one");
        return -1;
    }
    if (key_from && token_from) {
        snprintf(err, errlen, "a fleet key (%s) and a legacy token (%s) are both given: the key "
                              "replaces the token, use one", key_from, token_from);
        return -1;
    }
    if (key_from) {
        if (secret_text(key_file, "BAREBENCH_KEY", env_key, text, sizeof text, &n, err, errlen))
            return -1;
        const char *why = upload_key_parse(text, n, key, &cfg->keylen);
        OPENSSL_cleanse(text, sizeof text);
        if (why) {
            snprintf(err, errlen, "%s: %s", key_from, why);
            return -1;
        }
        cfg->key = key;
        return 0;
    }
    if (token_from) {
        if (secret_text(token_file, "BAREBENCH_TOKEN", env_token, text, sizeof text, &n, err,
                        errlen))
            return -1;
        int rc = set_token(cfg, text, n, token_from, err, errlen);
        OPENSSL_cleanse(text, sizeof text);
        return rc;
    }
    return 0;
}

/* 1 when addr (as --bind takes it) is a loopback address: 127.0.0.0/8, ::1, ::ffff:127.x.x.x. */
static int loopback(const char *addr)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, addr, &a6) != 1)
        return 0;
    if (IN6_IS_ADDR_LOOPBACK(&a6))
        return 1;
    return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

int collect_bind_allowed(const struct collect_cfg *cfg, const char *bind_addr, int insecure_open,
                         char *err, size_t errlen)
{
    if (loopback(bind_addr) || cfg->keylen || insecure_open)
        return 0;
    snprintf(err, errlen, "refusing to listen on %s without a fleet key: anyone who reaches it could "
             "store documents%s.  Give the key (--key-file FILE or BAREBENCH_KEY; make one with "
             "'openssl rand -hex 32'), listen on loopback (--bind 127.0.0.1), or say "
             "--insecure-open", bind_addr,
             cfg->token ? " (the legacy token crosses the network in clear text)" : "");
    return -1;
}

/* Constant-time equality of two strings (lengths may differ; the time depends only on them). */
static int same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return 0;
    return CRYPTO_memcmp(a, b, la) == 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int collect_auth_head(const struct collect_cfg *cfg, collect_header_fn header, void *ctx,
                      struct collect_auth *a, char *msg, size_t msglen)
{
    memset(a, 0, sizeof *a);
    if (cfg->keylen) {
        const char *sig = header(ctx, UPLOAD_SIG_HEADER), *rid = header(ctx, UPLOAD_RUNID_HEADER);
        size_t pl = sizeof UPLOAD_SIG_SCHEME - 1;
        if (!sig) {
            snprintf(msg, msglen, "missing signature (" UPLOAD_SIG_HEADER "): this collector "
                                  "takes only uploads signed with the fleet key (upload_key=)");
            return 401;
        }
        int ok = !strncmp(sig, UPLOAD_SIG_SCHEME, pl) && strlen(sig) == pl + 2 * sizeof a->mac;
        for (size_t i = 0; ok && i < sizeof a->mac; i++) {
            int hi = hexval(sig[pl + 2 * i]), lo = hexval(sig[pl + 2 * i + 1]);
            ok = hi >= 0 && lo >= 0;
            a->mac[i] = ok ? (unsigned char)(hi << 4 | lo) : 0;
        }
        if (!ok) {
            snprintf(msg, msglen, "malformed " UPLOAD_SIG_HEADER ": expected " UPLOAD_SIG_SCHEME
                                  " followed by 64 lowercase hexadecimal digits");
            return 400;
        }
        if (!rid || !collect_run_id_ok(rid)) {
            snprintf(msg, msglen, "%s " UPLOAD_RUNID_HEADER ": a signed upload names its run "
                                  "(32 lowercase hexadecimal digits)", rid ? "malformed" : "missing");
            return rid ? 400 : 401;
        }
        snprintf(a->run_id, sizeof a->run_id, "%s", rid);
        a->signed_upload = 1;
        return 0;
    }
    if (cfg->token) {
        const char *v = header(ctx, "X-Barebench-Token");
        if (v && same_secret(v, cfg->token))
            return 0;
        v = header(ctx, "Authorization");
        if (v && !strncasecmp(v, "Bearer ", 7) && same_secret(v + 7, cfg->token))
            return 0;
        snprintf(msg, msglen, "missing or wrong token (X-Barebench-Token)");
        return 401;
    }
    return 0;
}

/* HMAC-SHA256 under key of UPLOAD_SIG_PREFIX + run_id + "\n" + body (kernel/upload/upload_key.h). */
int collect_auth_mac(const unsigned char *key, size_t keylen, const char *run_id, const char *body,
                     size_t n, unsigned char out[32])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    size_t outl = 0;
    int ok = c && EVP_MAC_init(c, key, keylen, params) &&
             EVP_MAC_update(c, (const unsigned char *)UPLOAD_SIG_PREFIX,
                            sizeof UPLOAD_SIG_PREFIX - 1) &&
             EVP_MAC_update(c, (const unsigned char *)run_id, strlen(run_id)) &&
             EVP_MAC_update(c, (const unsigned char *)"\n", 1) &&
             EVP_MAC_update(c, (const unsigned char *)body, n) &&
             EVP_MAC_final(c, out, &outl, 32) && outl == 32;
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(mac);
    return ok ? 0 : -1;
}

int collect_auth_body(const struct collect_cfg *cfg, const struct collect_auth *a, const char *body,
                      size_t n, char *msg, size_t msglen)
{
    if (!a->signed_upload)
        return 0;
    unsigned char want[32];
    if (collect_auth_mac(cfg->key, cfg->keylen, a->run_id, body, n, want)) {
        snprintf(msg, msglen, "cannot compute the signature (libcrypto)");
        return 500;
    }
    if (CRYPTO_memcmp(want, a->mac, sizeof want)) {
        snprintf(msg, msglen, "wrong signature: not signed with this collector's fleet key for run "
                              "%s and this body", a->run_id);
        return 401;
    }
    /* signed by a key holder: only now is the body parsed (the same parser as collect_store), to
     * bind the run id it names; a body that is not JSON is left to collect_store's 400 */
    json_t *root = json_loadb(body, n, JSON_REJECT_DUPLICATES, NULL);
    if (!root)
        return 0;
    json_t *rid = json_object_get(json_object_get(root, "tool"), "run_id");
    int same = json_is_string(rid) && !strcmp(json_string_value(rid), a->run_id), has = rid != NULL;
    json_decref(root);
    if (!same) {
        snprintf(msg, msglen, "signed for run %s but the document's tool.run_id is %s", a->run_id,
                 has ? "another run" : "missing");
        return 401;
    }
    return 0;
}
