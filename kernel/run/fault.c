/* fault.c - the names and the state of test-only fault injection (see fault.h); the seams
 * themselves are one test each, in the files whose device they fake. */
#include "kernel/run/fault.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"

const char *const fault_names[] = {"refclock-frozen", "ap-stuck", "uart-stuck", "disk-hang",
                                   "tcp-cancel", "no-efi-tls", NULL};

unsigned g_faults;

void fault_list(unsigned mask, char *buf, size_t n)
{
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (int i = 0; fault_names[i] && len < n; i++)
        if (mask & (1u << i))
            len += (size_t)bb_snprintf(buf + len, n - len, "%s%s", len ? "," : "", fault_names[i]);
}

void fault_write_json(struct json *j)
{
    if (!g_faults)
        return;
    json_key(j, "faults");
    json_arr_begin(j);
    for (int i = 0; fault_names[i]; i++)
        if (g_faults & (1u << i))
            json_str(j, fault_names[i]);
    json_arr_end(j);
}
