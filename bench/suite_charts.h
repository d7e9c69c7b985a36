/* suite_charts.h - the charts benchcmp draws of each suite's entries, in drawing order: plain
 * data with no benchmark code, so the host tool links it without the kernels.  A suite that
 * wants charts adds its rows here; benchcmp names no suite.  A suite without rows gets no chart
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

#endif
