/*
 * Whole pages from the system (mmap, VirtualAlloc): page-aligned memory for
 * what the kernel shares or copies into (buffer rings, buffer groups).  A
 * receive buffer at a small offset past a page boundary, as malloc returns
 * large blocks (16 bytes in), makes the kernel's copy from page-aligned
 * socket data run much slower on CPUs that confuse addresses 4 KiB apart
 * (measured in the echo benchmark at 16 KiB: the copy took 46% of such a
 * server's time, 9% of the epoll server's; moving a server's buffers from
 * page offset 16 to 80 took its CPU per round trip from 14.1 to 8.4 us).
 */
#ifndef RAWRING_COMMON_PAGES_H
#define RAWRING_COMMON_PAGES_H

#include <stddef.h>

/* `size` bytes of zeroed, page-aligned memory, or NULL with errno saying
 * why (mmap's: ENOMEM, EAGAIN past a locked-memory limit; ENOMEM on
 * Windows). */
void *rr__pages_alloc(size_t size);

/* Give back what rr__pages_alloc(size) returned (NULL is ignored). */
void rr__pages_free(void *pages, size_t size);

#endif
