/* db_group.h - one test's figures split by group: the machines' values in order of their
 * group's name, each group a contiguous slice (what summary and outliers both walk). */
#ifndef BB_DB_GROUP_H
#define BB_DB_GROUP_H

#include "tools/fleet/db_set.h"

struct fleet_groups {
    int *idx;     /* positions into the test's run[]/val[], ordered by group then value */
    double *val;  /* the values in that order */
    int n;
    int *start;   /* group g is idx[start[g] .. start[g+1]-1] */
    int ngroups;
};

/** Split test t of s by its runs' groups.  0, or -1 (memory). */
int fleet_groups_of(const struct fleet_set *s, const struct fleet_test *t, struct fleet_groups *g);
void fleet_groups_free(struct fleet_groups *g);

#endif
