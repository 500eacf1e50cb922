/*
 * rawring.h - everything rawring offers, in one include.
 *
 * Layer 1, the ring (Linux): rawring/ring.h (setup, submission, completion),
 * rawring/prep.h (one helper per operation), rawring/register.h
 * (registration, provided buffers, probe), rawring/syscall.h (the raw
 * system calls), rawring/barrier.h (the ordering points), rawring/abi.h
 * (kernel ABI constants newer than the build host's headers).
 *
 * Layer 2, the proactor: rawring/loop.h (one callback per operation) and
 * rawring/file.h (whole files in one operation), on Linux, the BSDs and
 * Windows alike; rawring/platform.h gives them the same types everywhere
 * (rr_fd_t, struct iovec, struct msghdr).
 *
 * For tests: rawring/fault.h (fault injection at the system-call boundary).
 */
#ifndef RAWRING_H
#define RAWRING_H

#ifdef __linux__
#include "rawring/abi.h"
#include "rawring/barrier.h"
#include "rawring/syscall.h"
#include "rawring/ring.h"
#include "rawring/prep.h"
#include "rawring/register.h"
#include "rawring/zcrx.h"
#endif
#include "rawring/loop.h"
#include "rawring/file.h"
#include "rawring/fault.h"

#endif /* RAWRING_H */
