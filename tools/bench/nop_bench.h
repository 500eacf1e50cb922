/* NOP round trips: the cost of the ring protocol itself, with no I/O. */
#ifndef RAWRING_BENCH_NOP_H
#define RAWRING_BENCH_NOP_H

#include <stdbool.h>
#include <stdint.h>

/* Each returns operations per second for `ops` NOPs at `batch` per
 * submission, or a negative errno. */
double nop_rawring(uint64_t ops, unsigned batch);
double nop_loop(uint64_t ops, unsigned batch);
/* liburing, when the build found it; false from nop_liburing_available()
 * otherwise. */
bool nop_liburing_available(void);
double nop_liburing(uint64_t ops, unsigned batch);

#endif
