/* suite_charts.h - the charts benchcmp draws of each suite's entries, in drawing order: plain
 * data with no benchmark code, so the host tool links it without the kernels.  A suite that
 * wants charts adds its rows here; benchcmp names no suite.  Also what benchcmp must know of
 * the params that identify a device and its I/O path.  A suite without rows gets no chart
 * (timer: it measures the clock benchcmp's ratios rest on, not the environment's cost). */
#ifndef BB_SUITE_CHARTS_H
#define BB_SUITE_CHARTS_H

enum chart_kind {
    CHART_SWEEP,        /* per test and unit: the value against block_size (log2 axis), a line
                           per environment; entries measured at two block sizes or more */
    CHART_LEVELS,       /* memory per cache level (params level, bytes): bar groups per level
                           and buffer size; tests at one level share a chart per level */
    CHART_BARS,         /* per unit: a bar group per test and its params */
    CHART_BARS_UNSWEPT, /* CHART_BARS of the entries the suite's CHART_SWEEP charts left out */
    CHART_OVERHEAD,     /* per direction (higher/lower is better): a bar group per test (not
                           the swept ones), a bar per environment as % of the baseline */
};

struct suite_chart {
    const char *suite;    /* the entries' "suite" */
    enum chart_kind kind;
    const char *title;    /* CHART_BARS*, CHART_OVERHEAD: the chart's title (in words) */
    const char *quantity; /* CHART_BARS*: the y axis (NULL: "latency" for times, else "rate") */
};

/** Every chart kind of every suite, in the order benchcmp draws them; {NULL}-terminated. */
extern const struct suite_chart suite_charts[];

/** The params of an entry that name the device it measured and the path it took (the disk
 *  suite's, and fio's): [0] is the env.disks index.  benchcmp matches environments by the
 *  device's role instead of these (docs/COMPARING.md).  NULL-terminated. */
extern const char *const suite_device_params[];

/** The params of an entry that name a memory working set: [0] its cache level ("L1".."L3",
 *  "DRAM", "boundary"), [1] its size in bytes (from the cache sizes the environment shows).
 *  benchcmp matches environments on the level of a test measured once per level and on the
 *  size of one measured at several sizes per level, showing the other per environment
 *  (docs/COMPARING.md).  NULL-terminated. */
extern const char *const suite_ws_params[];

/** The param naming the instruction set an entry ran ("isa"), and the levels it takes, each
 *  with its rank within its architecture: 0 the base ISA (ARCH_BASE_ISA: "x86-64", "aarch64"),
 *  then the SIMD levels lowest first (x86 sse2 < avx2 < avx512; aarch64 asimd < sve < sve2).
 *  benchcmp pairs a test measured at several levels by role: the lowest with the lowest
 *  ("base"), the highest with the highest ("best"); any other name ("fma") is matched as
 *  written (docs/COMPARING.md).  {NULL}-terminated. */
struct isa_level {
    const char *name;
    int rank;
};
extern const char suite_isa_param[];

/** The params naming what one test's instruction touches, which follow the architecture
 *  (vmcost: x86's cpuid leaf=0x0 is aarch64's register=id_aa64pfr0_el1, rdtsc's counter):
 *  when the documents' architectures differ benchcmp matches those tests without them and
 *  shows each environment's in its "at" column.  NULL-terminated. */
extern const char *const suite_operand_params[];
extern const struct isa_level suite_isa_levels[];

/* What kind of I/O path an "api" param names. */
enum api_kind { API_NATIVE = 0, API_FIRMWARE, API_OS };
struct api_path {
    const char *prefix; /* an api value starting with this */
    enum api_kind kind;
};
/** The firmware's and the OS's api names ({NULL}-terminated); any other is barebench's own
 *  driver (nvme, virtio-blk, ahci, pvscsi...). */
extern const struct api_path api_paths[];

#endif
