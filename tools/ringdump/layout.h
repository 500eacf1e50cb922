/* `ringdump layout`: a ring's parameters, offsets, mappings and their cost. */
#ifndef RINGDUMP_LAYOUT_H
#define RINGDUMP_LAYOUT_H

#include <stdio.h>

#include "output.h"
#include "rawring.h"

/* Describe `ring` (set up by the caller) on `out`. */
void rd_layout_describe(const struct rr_ring *ring, struct rd_out *out);

/* The ring's mappings drawn to scale as SVG on `out` (layout_svg.c): one
 * cache line a row, each word where its offset puts it, coloured by who
 * writes it.  0, or -ENOMEM / -EIO. */
int rd_layout_svg(const struct rr_ring *ring, FILE *out);

/* Page-rounded bytes the ring's mappings take. */
unsigned long long rd_layout_bytes(const struct rr_ring *ring);

#endif
