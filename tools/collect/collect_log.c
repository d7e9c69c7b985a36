/* collect_log.c - barebench-collect's log lines: escaped fields, one line per event, written
 * whole under a lock (several serving threads, the accept thread and the parsers log). */
#include "tools/collect/collect_log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t g_log = PTHREAD_MUTEX_INITIALIZER;

void collect_escape(const char *s, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    if (!n)
        return;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e[5];
        size_t l = 2;
        e[0] = '\\';
        if (c == '\\')
            e[1] = '\\';
        else if (c == '\n')
            e[1] = 'n';
        else if (c == '\r')
            e[1] = 'r';
        else if (c == '\t')
            e[1] = 't';
        else if (c < 0x20 || c >= 0x7f)
            e[1] = 'x', e[2] = hex[c >> 4], e[3] = hex[c & 15], l = 4;
        else
            e[0] = (char)c, l = 1;
        if (k + l + 1 > n) { /* no room: end with "..." where it fits */
            size_t dots = n - 1 < 3 ? n - 1 : 3;
            k = k + dots + 1 > n ? n - 1 - dots : k;
            memset(out + k, '.', dots);
            k += dots;
            break;
        }
        memcpy(out + k, e, l);
        k += l;
    }
    out[k] = '\0';
}

void collect_log(const char *who, int status, const char *msg)
{
    char w[200], m[2400];
    collect_escape(who, w, sizeof w);
    collect_escape(msg, m, sizeof m);
    pthread_mutex_lock(&g_log);
    if (status)
        printf("barebench-collect: %s: %d %s\n", w, status, m);
    else
        printf("barebench-collect: %s: %s\n", w, m);
    fflush(stdout);
    pthread_mutex_unlock(&g_log);
}
