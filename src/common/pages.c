/* Page-aligned memory straight from the system (see pages.h). */
#ifdef _WIN32
#include <windows.h>
#else
#define _GNU_SOURCE
#include <sys/mman.h>
#endif
#include <errno.h>

#include "fault.h"
#include "pages.h"

void *rr__pages_alloc(size_t size)
{
#ifdef _WIN32
	void *pages = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
				   VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT,
						PAGE_READWRITE));
	if (!pages)
		errno = ENOMEM;
	return pages;
#else
	void *pages = RR_FAULTABLE(RR_FAULT_MMAP, MAP_FAILED,
				   mmap(NULL, size, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	return pages == MAP_FAILED ? NULL : pages;
#endif
}

void rr__pages_free(void *pages, size_t size)
{
	if (!pages)
		return;
#ifdef _WIN32
	(void)size;
	VirtualFree(pages, 0, MEM_RELEASE);
#else
	munmap(pages, size);
#endif
}
