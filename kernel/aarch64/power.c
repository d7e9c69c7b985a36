/* power.c (aarch64) - the frequency policy: on Arm it is the firmware's (SCMI, CPPC through
 * ACPI), not registers this program may read or write; the document says so and pstate=max is
 * refused with that reason, nothing written. */
#include "kernel/machine/power.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"

static const char *why_none = "aarch64: the frequency policy belongs to the firmware (SCMI/CPPC), "
                              "no register of it is read or written";
static int asked;

void power_collect(const struct cpu_info *c) { (void)c; }
void power_apply(int ask) { asked = ask; }
int power_written(void) { return 0; }
void power_restore(void) {}

void power_write_json(struct json *j)
{
    json_key(j, "power");
    json_obj_begin(j);
    json_kv_str(j, "vendor", "other");
    json_kv_bool(j, "hwp_supported", 0);
    json_kv_bool(j, "cppc_supported", 0);
    json_key(j, "registers");
    json_obj_begin(j);
    json_obj_end(j);
    json_key(j, "policy");
    json_obj_begin(j);
    json_obj_end(j);
    json_kv_str(j, "why", why_none);
    json_key(j, "pstate");
    json_obj_begin(j);
    json_kv_str(j, "asked", asked ? "max" : "keep");
    if (asked) {
        json_kv_bool(j, "refused", 1);
        json_kv_str(j, "why", why_none);
        json_kv_bool(j, "written", 0);
        json_key(j, "writes");
        json_arr_begin(j);
        json_arr_end(j);
    }
    json_obj_end(j);
    json_obj_end(j);
}
