/* Caller errors the library detects but cannot return (rawring/misuse.h). */
#include <stdio.h>
#include <stdlib.h>

#include "rawring/misuse.h"

void rr__misuse(const char *what)
{
#ifdef NDEBUG
	(void)what;
#else
	fprintf(stderr, "rawring: caller error: %s\n", what);
	abort();
#endif
}
