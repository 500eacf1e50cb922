/* `ringdump trace`: one submission and completion on a real ring, step by
 * step, with the shared-memory words before and after each step and the
 * barrier that makes it safe. */
#ifndef RINGDUMP_TRACE_H
#define RINGDUMP_TRACE_H

#include <stdio.h>

#include "output.h"

enum rd_trace_kind {
	RD_TRACE_SIMPLE,    /* one NOP */
	RD_TRACE_LINK,      /* a failing read linked to a NOP */
	RD_TRACE_OVERFLOW,  /* more completions than the CQ holds */
	RD_TRACE_SQPOLL,    /* waking an idle SQPOLL thread */
};

/* The ring words a step reads before and after it. */
struct rd_trace_words {
	unsigned sq_head, sq_tail, sq_flags, cq_head, cq_tail, cq_overflow;
};

/* A walk's steps as data, for pictures (trace_html.c). */
#define RD_TRACE_MAX_STEPS 32
struct rd_trace_record {
	unsigned sq_entries, cq_entries;
	unsigned count;
	struct {
		char title[128];
		char ordering[320];
		struct rd_trace_words before, after;
	} steps[RD_TRACE_MAX_STEPS];
};

/* Walk `kind` on a real ring, printing on `out`; `record`, when not NULL,
 * also gets each step.  0 or -errno (the ring could not be set up). */
int rd_trace_run(struct rd_out *out, enum rd_trace_kind kind,
		 struct rd_trace_record *record);

/* The walk in `record` as one self-contained HTML page on `file`: the two
 * rings drawn as circles of slots, head and tail as hands, each step's
 * ordering rule beside the hand it moves; buttons and the arrow keys step.
 * No network resource.  0, or -EIO. */
int rd_trace_html(const struct rd_trace_record *record, const char *walk_name,
		  FILE *file);

#endif
