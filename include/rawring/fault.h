/*
 * rawring/fault.h - fault injection at the system-call boundary, for tests.
 *
 * A library built with `meson setup -Dfault_injection=true` asks a hook
 * before each system call (and each allocation) it makes, in the ring layer
 * and in every backend.  The hook answers 0 to let the call happen, or a
 * negative errno to make the call fail with it instead, exactly as if the
 * kernel (or malloc) had failed: the call is not made.  Tests use it to walk
 * every failure point of a scenario (see tests/fault/).
 *
 * Built without the option (the default, and what a release should use),
 * the hook points compile to nothing and rr_fault_set_hook returns
 * -EOPNOTSUPP.
 *
 * Not covered, on purpose: close(2) and munmap(2) (teardown; their errors
 * are ignored, and skipping them would only leak) and the libc calls made
 * by rr_loop_init's fallback message.
 */
#ifndef RAWRING_FAULT_H
#define RAWRING_FAULT_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where a fault can be injected: one site per system call (or family). */
enum rr_fault_site {
	RR_FAULT_ALLOC,             /* malloc, calloc, realloc */
	RR_FAULT_IO_URING_SETUP,
	RR_FAULT_IO_URING_ENTER,
	RR_FAULT_IO_URING_REGISTER,
	RR_FAULT_MMAP,
	RR_FAULT_EVENTFD,           /* creating the wake-up eventfd */
	RR_FAULT_EPOLL_CREATE,
	RR_FAULT_EPOLL_CTL,
	RR_FAULT_EPOLL_WAIT,
	RR_FAULT_KQUEUE,
	RR_FAULT_KEVENT,
	RR_FAULT_READ,              /* read, readv, preadv */
	RR_FAULT_WRITE,             /* write, writev, pwritev (incl. wake-ups) */
	RR_FAULT_RECV,              /* recv, recvmsg */
	RR_FAULT_SEND,              /* send, sendmsg */
	RR_FAULT_ACCEPT,
	RR_FAULT_CONNECT,
	RR_FAULT_FSTAT,
	RR_FAULT_FCNTL,
	RR_FAULT_FSYNC,             /* fsync, fdatasync */
	RR_FAULT_OPENAT,
	RR_FAULT_STATX,
	RR_FAULT_SHUTDOWN,
	RR_FAULT_POLL,
	RR_FAULT_GETSOCKOPT,        /* getsockopt, getpeername */
	RR_FAULT_SITE_COUNT
};

/*
 * Called before each call at a site, on the thread making it.  Return 0 to
 * let it happen or -errno to fail it with that errno (an allocation fails
 * with ENOMEM whatever the errno, as malloc would).  Must not call into
 * rawring.
 */
typedef int rr_fault_hook(enum rr_fault_site site, void *context);

/*
 * Install `hook` (NULL removes it) for every loop and ring in the process.
 * Set it while no other thread is inside rawring.  Returns 0, or
 * -EOPNOTSUPP when the library was built without -Dfault_injection=true.
 */
int rr_fault_set_hook(rr_fault_hook *hook, void *context);

/* Whether this library was built with -Dfault_injection=true. */
bool rr_fault_injection_built(void);

/* The site's name ("io_uring_enter", "epoll_ctl", ...), or "?". */
const char *rr_fault_site_name(enum rr_fault_site site);

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_FAULT_H */
