/* upload_key.c - reads a fleet key from its text form (hexadecimal digits); no library calls,
 * so the image, the Linux build and barebench-collect share it. */
#include "kernel/upload/upload_key.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *upload_key_parse(const char *text, size_t len, uint8_t key[UPLOAD_KEY_MAX],
                             size_t *keylen)
{
    size_t a = 0, b = len;
    *keylen = 0;
    while (a < b && blank(text[a]))
        a++;
    while (b > a && blank(text[b - 1]))
        b--;
    if (a == b)
        return "the key is empty (make one with: openssl rand -hex 32)";
    for (size_t i = a; i < b; i++)
        if (hexval(text[i]) < 0)
            return "the key must be hexadecimal digits only (make one with: openssl rand -hex 32)";
    size_t digits = b - a;
    if (digits < 2 * UPLOAD_KEY_MIN)
        return "the key is too short: at least 32 hexadecimal digits (128 bits; openssl rand -hex 32)";
    if (digits > UPLOAD_KEY_HEX_MAX)
        return "the key is too long: at most 128 hexadecimal digits (512 bits)";
    if (digits % 2)
        return "the key has an odd number of hexadecimal digits (two per byte)";
    for (size_t i = 0; i < digits / 2; i++)
        key[i] = (uint8_t)(hexval(text[a + 2 * i]) << 4 | hexval(text[a + 2 * i + 1]));
    *keylen = digits / 2;
    return NULL;
}
