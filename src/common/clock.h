/* CLOCK_MONOTONIC in nanoseconds, for deadlines across the library. */
#ifndef RAWRING_COMMON_CLOCK_H
#define RAWRING_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t rr__monotonic_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

#endif
