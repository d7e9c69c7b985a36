/* collect_ip.c - client addresses for barebench-collect: from a socket address, from text
 * (--trust-proxy, X-Forwarded-For), back to text for the log. */
#include "tools/collect/collect_ip.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

int collect_ip_from_sockaddr(const struct sockaddr *sa, struct collect_ip *ip)
{
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memset(ip, 0, sizeof *ip);
    if (sa && sa->sa_family == AF_INET) {
        ip->family = AF_INET;
        memcpy(ip->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 0;
    }
    if (sa && sa->sa_family == AF_INET6) {
        const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        if (!memcmp(a, v4mapped, sizeof v4mapped)) {
            ip->family = AF_INET;
            memcpy(ip->b, a + 12, 4);
        } else {
            ip->family = AF_INET6;
            memcpy(ip->b, a, 16);
        }
        return 0;
    }
    return -1;
}

int collect_ip_parse(const char *s, size_t n, struct collect_ip *ip)
{
    char text[COLLECT_IP_TEXT];
    memset(ip, 0, sizeof *ip);
    if (!n || n >= sizeof text)
        return -1;
    memcpy(text, s, n);
    text[n] = '\0';
    if (inet_pton(AF_INET, text, ip->b) == 1) {
        ip->family = AF_INET;
        return 0;
    }
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET6, text, &a6.sin6_addr) == 1)
        return collect_ip_from_sockaddr((const struct sockaddr *)&a6, ip);
    return -1;
}

void collect_ip_text(const struct collect_ip *ip, char *buf, size_t n)
{
    if (!ip->family || !inet_ntop(ip->family, ip->b, buf, (socklen_t)n))
        snprintf(buf, n, "?");
}

int collect_ip_equal(const struct collect_ip *a, const struct collect_ip *b)
{
    return a->family == b->family && !memcmp(a->b, b->b, sizeof a->b);
}

int collect_ip_in(const struct collect_ip *ip, const struct collect_ip *list, int n)
{
    for (int i = 0; i < n; i++)
        if (collect_ip_equal(ip, &list[i]))
            return 1;
    return 0;
}

int collect_ip_forwarded(const char *xff, struct collect_ip *ip)
{
    const char *last = strrchr(xff, ',');
    const char *s = last ? last + 1 : xff;
    const char *e = s + strlen(s);
    while (*s == ' ' || *s == '\t')
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    return collect_ip_parse(s, (size_t)(e - s), ip);
}
