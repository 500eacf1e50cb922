/*
 * Whole pages from the system (mmap, VirtualAlloc): page-aligned memory for
 * buffers the kernel copies into.  A buffer at a small offset past a page
 * boundary, as malloc returns large blocks (16 bytes in), makes the
 * kernel's copy from page-aligned socket data run several times slower on
 * CPUs that confuse addresses 4 KiB apart (measured: the echo benchmark's
 * 16 KiB receive copy took 46% of the server's time at offset 16, 9% at
 * offset 80).
 */
#ifndef RAWRING_COMMON_PAGES_H
#define RAWRING_COMMON_PAGES_H

#include <stddef.h>

/* `size` bytes of zeroed, page-aligned memory, or NULL. */
void *rr__pages_alloc(size_t size);

/* Give back what rr__pages_alloc(size) returned (NULL is ignored). */
void rr__pages_free(void *pages, size_t size);

#endif
