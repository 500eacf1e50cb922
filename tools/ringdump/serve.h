/*
 * `ringdump serve [PID...] [--port N]`: a live page of rings in the
 * browser, served on 127.0.0.1 by an HTTP server that runs on rawring's
 * own proactor loop.  The page (serve_page.c) polls /rings.json, the same
 * fields `ringdump pid --json` prints plus top's rates.
 */
#ifndef RINGDUMP_SERVE_H
#define RINGDUMP_SERVE_H

#include <stdio.h>
#include <sys/types.h>

#include "top.h"

#define RD_SERVE_PORT 8419        /* the default port */
#define RD_SERVE_PORT_TEXT "8419"
#define RD_SERVE_MAX_PIDS 64
#define RD_SERVE_MAX_CONNS 64     /* a connection beyond them is closed unanswered */
#define RD_SERVE_TIMEOUT_MS 5000  /* a connection's whole exchange */
#define RD_SERVE_RATE_MS 1000     /* rates are over this interval */

/* Which processes a server shows: `pids[count]`, or (count 0) every
 * process with a ring this user can read. */
struct rd_serve_scope {
	pid_t pids[RD_SERVE_MAX_PIDS];
	int count;
};

/* The page's snapshot: each process's rings (rd_pid_describe, with the
 * memory view) and `rows[row_count]`, the rates over `interval_s`, as one
 * JSON document written to `file`.  0 or -errno. */
int rd_serve_json(FILE *file, const struct rd_serve_scope *scope,
		  const struct rd_activity *rows, int row_count, double interval_s);

/* The page, one self-contained HTML document (no resource from elsewhere),
 * in parts to be joined, NULL-terminated. */
extern const char *const rd_serve_page_parts[];

/* Serve on 127.0.0.1:`port` (0: a port the kernel picks) until SIGINT or
 * SIGTERM; the URL is printed on `announce` once the socket listens.
 * 0 or -errno (with a message on stderr). */
int rd_serve_run(const struct rd_serve_scope *scope, unsigned port, FILE *announce);

#endif
