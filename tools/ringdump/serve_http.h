/*
 * The little HTTP/1.x that `ringdump serve` speaks: one GET (or HEAD) per
 * connection, answered and closed.  Parsing is separate from the server so
 * that hostile request heads can be tested (and fuzzed) on their own.
 */
#ifndef RINGDUMP_SERVE_HTTP_H
#define RINGDUMP_SERVE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define RD_HTTP_HEAD_MAX 8192 /* a request head longer than this gets 431 */

enum rd_route {
	RD_ROUTE_PAGE,  /* "/" and "/index.html": the live page */
	RD_ROUTE_JSON,  /* "/rings.json": the snapshot the page polls */
};

struct rd_http_request {
	bool head;            /* HEAD: the response without its body */
	enum rd_route route;
};

/*
 * Parse the request head in buf[0, len).  Returns 0 while it is incomplete
 * (read more), else the status to answer: 200 with *request filled (and
 * request->head for a HEAD, whatever the status, once the method is read), or
 * 400 (malformed: a header name that is not a token among others, or
 * HTTP/1.1 without one Host), 403 (a Host that is not
 * this machine's loopback name and `port`: a page elsewhere reaching the
 * server through DNS rebinding), 404, 405 (not GET or HEAD), 431 (no end
 * of the head within RD_HTTP_HEAD_MAX bytes), 505 (not HTTP/1.0 or 1.1).
 */
int rd_http_parse(const char *buf, size_t len, unsigned port,
		  struct rd_http_request *request);

/* The reason phrase of a status rd_http_parse returns ("Not Found"). */
const char *rd_http_reason(int status);

/* The response head for `status` and a body of `length` bytes of `type`
 * (no-store, nosniff, a policy that allows no resource from elsewhere,
 * Connection: close) into out[size].  Its length, or -1 if it did not
 * fit. */
int rd_http_response_head(char *out, size_t size, int status, const char *type,
			  size_t length);

#endif
