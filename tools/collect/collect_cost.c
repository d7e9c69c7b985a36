/* collect_cost.c - counts a body's JSON values by kind in one pass (strings and their escapes
 * skipped, every other run of non-structural bytes one scalar): barebench-collect's estimate
 * of a parse's memory, made before the parse. */
#include "tools/collect/collect_cost.h"

#include <string.h>

void collect_cost_scan(const char *s, size_t n, struct collect_cost *c)
{
    memset(c, 0, sizeof *c);
    c->bytes = n;
    size_t start = 0;
    int in_string = 0, in_scalar = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = 0;
            if (!in_string && i - start > c->longest)
                c->longest = i - start;
            continue;
        }
        if (in_scalar && (ch == ',' || ch == ':' || ch == ']' || ch == '}' || ch == ' ' ||
                          ch == '\t' || ch == '\r' || ch == '\n' || ch == '"' || ch == '[' ||
                          ch == '{')) {
            in_scalar = 0;
            if (i - start > c->longest)
                c->longest = i - start;
        }
        switch (ch) {
        case '"':
            c->strings++, in_string = 1, start = i;
            break;
        case '[':
            c->arrays++;
            break;
        case '{':
            c->objects++;
            break;
        case ',': case ':': case ']': case '}': case ' ': case '\t': case '\r': case '\n':
            break;
        default:
            if (!in_scalar)
                c->numbers++, in_scalar = 1, start = i;
        }
    }
    if ((in_string || in_scalar) && n - start > c->longest) /* cut short inside a token */
        c->longest = n - start;
}

size_t collect_cost_values(const struct collect_cost *c)
{
    return c->numbers + c->strings + c->arrays + c->objects;
}

size_t collect_cost_parse_bytes(const struct collect_cost *c)
{
    return c->numbers * COLLECT_COST_NUMBER + c->strings * COLLECT_COST_STRING +
           c->arrays * COLLECT_COST_ARRAY + c->objects * COLLECT_COST_OBJECT + 2 * c->bytes +
           3 * c->longest;
}
