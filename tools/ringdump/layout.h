/* `ringdump layout`: a ring's parameters, offsets, mappings and their cost. */
#ifndef RINGDUMP_LAYOUT_H
#define RINGDUMP_LAYOUT_H

#include "output.h"
#include "rawring.h"

/* Describe `ring` (set up by the caller) on `out`. */
void rd_layout_describe(const struct rr_ring *ring, struct rd_out *out);

/* Page-rounded bytes the ring's mappings take. */
unsigned long long rd_layout_bytes(const struct rr_ring *ring);

#endif
