/* collect_ip.h - client addresses for barebench-collect's logs and per-address limits: IPv4 and
 * IPv6 (an IPv4-mapped IPv6 address counts as its IPv4 address). */
#ifndef BB_COLLECT_IP_H
#define BB_COLLECT_IP_H

#include <stddef.h>
#include <sys/socket.h>

#define COLLECT_IP_TEXT 46 /* INET6_ADDRSTRLEN */

struct collect_ip {
    int family;              /* AF_INET (b[0..3]) or AF_INET6; 0: unknown */
    unsigned char b[16];
};

/** The address of sa (AF_INET or AF_INET6); 0, or -1 for another family. */
int collect_ip_from_sockaddr(const struct sockaddr *sa, struct collect_ip *ip);

/** Parse the n bytes at s (no surrounding blanks) as an IPv4 or IPv6 address; 0 or -1. */
int collect_ip_parse(const char *s, size_t n, struct collect_ip *ip);

/** The address as text ("?" when unknown), at most COLLECT_IP_TEXT bytes with the NUL. */
void collect_ip_text(const struct collect_ip *ip, char *buf, size_t n);

/** 1 when a and b are the same address. */
int collect_ip_equal(const struct collect_ip *a, const struct collect_ip *b);

/** 1 when ip is one of the n addresses in list. */
int collect_ip_in(const struct collect_ip *ip, const struct collect_ip *list, int n);

/** The address from the last entry of an X-Forwarded-For value (what the nearest proxy
 *  appended: "client, proxy1, ..., CLIENT-AS-SEEN-BY-NGINX"); 0, or -1 when it is not an
 *  address (a port, brackets or anything else are refused, never guessed). */
int collect_ip_forwarded(const char *xff, struct collect_ip *ip);

#endif
