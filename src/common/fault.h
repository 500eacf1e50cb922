/*
 * The fault-injection points (rawring/fault.h).  Every system call and
 * allocation the library makes is written through one of these two macros;
 * without -Dfault_injection=true they are the bare call and cost nothing.
 *
 *   RR_FAULTABLE(site, failed, call)  a libc call: the value of `call`, or
 *                                     `failed` with errno set when the hook
 *                                     injects a fault (`call` is not made)
 *   RR_FAULT_RAW(site)                a raw system call: 0, or the -errno
 *                                     to return instead of making it
 */
#ifndef RAWRING_COMMON_FAULT_H
#define RAWRING_COMMON_FAULT_H

#include "rawring/fault.h"

#ifdef RR_FAULT_INJECTION

#include <errno.h>

/* 0, or the -errno the installed hook wants `site`'s call to fail with. */
int rr__fault(enum rr_fault_site site);

static inline int rr__fault_errno(enum rr_fault_site site)
{
	int err = rr__fault(site);

	if (err)
		errno = -err;
	return err;
}

#define RR_FAULTABLE(site, failed, call) (rr__fault_errno(site) ? (failed) : (call))
#define RR_FAULT_RAW(site) rr__fault(site)

#else

#define RR_FAULTABLE(site, failed, call) (call)
#define RR_FAULT_RAW(site) 0

#endif

#endif /* RAWRING_COMMON_FAULT_H */
