/* net_mac_linux.c - the Linux build's plat_upload_mac: the interface the kernel routes the
 * collector's address through (a UDP socket connected to it sends nothing), and that
 * interface's hardware address from sysfs. */
#include "kernel/platform.h"
#include "kernel/upload/upload.h"

#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* 1 when two socket addresses name the same IP address. */
static int same_ip(const struct sockaddr *a, const struct sockaddr *b)
{
    if (!a || !b || a->sa_family != b->sa_family)
        return 0;
    if (a->sa_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    return a->sa_family == AF_INET6 &&
           !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                   &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
}

/* Our local address towards url's host, in local; 0 or -1. */
static int local_address(const char *url, struct sockaddr_storage *local)
{
    struct upload_url u;
    char why[160], port[8];
    struct addrinfo hints = {0}, *ai = NULL;
    if (upload_parse_url(url, &u, why, sizeof why))
        return -1;
    hints.ai_socktype = SOCK_DGRAM;
    snprintf(port, sizeof port, "%u", (unsigned)u.port);
    if (getaddrinfo(u.host, port, &hints, &ai))
        return -1;
    int rc = -1;
    for (struct addrinfo *a = ai; a && rc; a = a->ai_next) {
        int fd = socket(a->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        socklen_t len = sizeof *local;
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) == 0 &&
            getsockname(fd, (struct sockaddr *)local, &len) == 0)
            rc = 0;
        if (fd >= 0)
            close(fd);
    }
    freeaddrinfo(ai);
    return rc;
}

int plat_upload_mac(const char *url, char mac[18])
{
    struct sockaddr_storage local;
    struct ifaddrs *ifs = NULL;
    mac[0] = '\0';
    if (local_address(url, &local) || getifaddrs(&ifs))
        return -1;
    for (struct ifaddrs *i = ifs; i && !mac[0]; i = i->ifa_next) {
        char path[300];
        if (!same_ip(i->ifa_addr, (struct sockaddr *)&local) || strchr(i->ifa_name, '/'))
            continue;
        snprintf(path, sizeof path, "/sys/class/net/%s/address", i->ifa_name);
        FILE *f = fopen(path, "r");
        if (f && fgets(mac, 18, f) && strlen(mac) != 17)
            mac[0] = '\0';
        if (f)
            fclose(f);
    }
    freeifaddrs(ifs);
    if (!strcmp(mac, "00:00:00:00:00:00")) /* loopback: no card */
        mac[0] = '\0';
    return mac[0] ? 0 : -1;
}
