/*
 * The process-wide fault hook (rawring/fault.h) and the site names.  Built
 * always, so that a test can ask whether injection is there.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

#include "fault.h"

static const char *const site_names[RR_FAULT_SITE_COUNT] = {
	[RR_FAULT_ALLOC] = "alloc",
	[RR_FAULT_IO_URING_SETUP] = "io_uring_setup",
	[RR_FAULT_IO_URING_ENTER] = "io_uring_enter",
	[RR_FAULT_IO_URING_REGISTER] = "io_uring_register",
	[RR_FAULT_MMAP] = "mmap",
	[RR_FAULT_EVENTFD] = "eventfd",
	[RR_FAULT_EPOLL_CREATE] = "epoll_create1",
	[RR_FAULT_EPOLL_CTL] = "epoll_ctl",
	[RR_FAULT_EPOLL_WAIT] = "epoll_wait",
	[RR_FAULT_KQUEUE] = "kqueue",
	[RR_FAULT_KEVENT] = "kevent",
	[RR_FAULT_READ] = "read",
	[RR_FAULT_WRITE] = "write",
	[RR_FAULT_RECV] = "recv",
	[RR_FAULT_SEND] = "send",
	[RR_FAULT_ACCEPT] = "accept",
	[RR_FAULT_CONNECT] = "connect",
	[RR_FAULT_FSTAT] = "fstat",
	[RR_FAULT_FCNTL] = "fcntl",
	[RR_FAULT_FSYNC] = "fsync",
	[RR_FAULT_OPENAT] = "openat",
	[RR_FAULT_STATX] = "statx",
	[RR_FAULT_SHUTDOWN] = "shutdown",
	[RR_FAULT_POLL] = "poll",
	[RR_FAULT_GETSOCKOPT] = "getsockopt", /* and getpeername */
};

const char *rr_fault_site_name(enum rr_fault_site site)
{
	if ((unsigned)site >= RR_FAULT_SITE_COUNT || !site_names[site])
		return "?";
	return site_names[site];
}

#ifdef RR_FAULT_INJECTION

/* Relaxed: the hook is set while no other thread is inside rawring. */
static _Atomic(rr_fault_hook *) installed_hook;
static void *_Atomic installed_context;

int rr__fault(enum rr_fault_site site)
{
	rr_fault_hook *hook = atomic_load_explicit(&installed_hook, memory_order_relaxed);

	if (!hook)
		return 0;
	int err = hook(site, atomic_load_explicit(&installed_context, memory_order_relaxed));
	if (err >= 0 || err <= -4096)
		return 0; /* only a real errno makes a call fail */
	/* malloc fails one way only. */
	return site == RR_FAULT_ALLOC ? -ENOMEM : err;
}

int rr_fault_set_hook(rr_fault_hook *hook, void *context)
{
	atomic_store_explicit(&installed_context, context, memory_order_relaxed);
	atomic_store_explicit(&installed_hook, hook, memory_order_relaxed);
	return 0;
}

bool rr_fault_injection_built(void)
{
	return true;
}

#else

int rr_fault_set_hook(rr_fault_hook *hook, void *context)
{
	(void)hook;
	(void)context;
	return -EOPNOTSUPP;
}

bool rr_fault_injection_built(void)
{
	return false;
}

#endif
