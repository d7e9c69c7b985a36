/* fuzz_collect.c - libFuzzer target for barebench-collect's request handling: any bytes as what
 * a client sends (then it closes its side); the answer is read back and checked to be HTTP. */
#include "tools/collect.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[] = "/tmp/fuzz_collect_XXXXXX";
    static int ready;
    if (!ready) {
        if (!mkdtemp(dir))
            abort();
        ready = 1;
    }
    int sv[2];
    if (size > 60000 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
        return 0; /* keep inside one socket buffer: the writer must not block */
    if (write(sv[0], data, size) != (ssize_t)size)
        abort();
    shutdown(sv[0], SHUT_WR);
    struct collect_cfg cfg = {dir, "tok", 4096, 1};
    struct collect_result res;
    collect_serve(sv[1], &cfg, &res); /* closes sv[1] */
    char ans[64] = "";
    ssize_t n = read(sv[0], ans, sizeof ans - 1);
    close(sv[0]);
    if (res.status && (n < 12 || memcmp(ans, "HTTP/1.1 ", 9)))
        abort(); /* every answered request gets a well-formed status line */
    if (res.status == 201 && res.stored[0])
        unlink(res.stored); /* only with the right token; keep the directory small */
    return 0;
}
