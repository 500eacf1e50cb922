/* `ringdump trace`: one submission and completion on a real ring, step by
 * step, with the shared-memory words before and after each step and the
 * barrier that makes it safe. */
#ifndef RINGDUMP_TRACE_H
#define RINGDUMP_TRACE_H

#include "output.h"

enum rd_trace_kind {
	RD_TRACE_SIMPLE,    /* one NOP */
	RD_TRACE_LINK,      /* a failing read linked to a NOP */
	RD_TRACE_OVERFLOW,  /* more completions than the CQ holds */
	RD_TRACE_SQPOLL,    /* waking an idle SQPOLL thread */
};

/* 0 or -errno (the ring could not be set up). */
int rd_trace_run(struct rd_out *out, enum rd_trace_kind kind);

#endif
