/* CLOCK_MONOTONIC in nanoseconds, for deadlines across the library. */
#ifndef RAWRING_COMMON_CLOCK_H
#define RAWRING_COMMON_CLOCK_H

#include <stdint.h>

#ifdef _WIN32
#include <windows.h>

/* QueryPerformanceCounter: monotonic, and the frequency is fixed at boot. */
static inline uint64_t rr__monotonic_ns(void)
{
	LARGE_INTEGER count, frequency;

	QueryPerformanceCounter(&count);
	QueryPerformanceFrequency(&frequency);
	uint64_t ticks = (uint64_t)count.QuadPart, hz = (uint64_t)frequency.QuadPart;
	/* Split so that ticks * 1e9 cannot overflow. */
	return ticks / hz * 1000000000u + ticks % hz * 1000000000u / hz;
}
#else
#include <time.h>

static inline uint64_t rr__monotonic_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}
#endif

#endif
