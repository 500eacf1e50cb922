/* Request heads for `ringdump serve` (serve_http.h).  Strict where being
 * lenient would let something through: one space between the parts of the
 * request line, exact method and version names, one Host. */
#define _GNU_SOURCE
#include "serve_http.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Where the head ends (just past its blank line), or NULL. */
static const char *head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return buf + i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return buf + i + 3;
	}
	return NULL;
}

/* The line at *at, without its line end; *at moves to the next one. */
static size_t next_line(const char **at, const char *end, const char **line)
{
	const char *nl = memchr(*at, '\n', (size_t)(end - *at));
	size_t len = (size_t)((nl ? nl : end) - *at);

	*line = *at;
	*at = nl ? nl + 1 : end;
	if (len && (*line)[len - 1] == '\r')
		len--;
	return len;
}

static bool equals(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(s, word, len) == 0;
}

/* An RFC 9110 token character: what a header name is made of. */
static bool is_token_char(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A Host value naming this machine's loopback: 127.0.0.1, localhost or
 * [::1], with no port or with ours. */
static bool host_is_local(const char *value, size_t len, unsigned port)
{
	static const char *const names[] = { "127.0.0.1", "localhost", "[::1]" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		if (len < n || strncasecmp(value, names[i], n) != 0)
			continue;
		if (len == n)
			return true;
		char ours[16];
		int digits = snprintf(ours, sizeof(ours), ":%u", port);
		return len == n + (size_t)digits && memcmp(value + n, ours, (size_t)digits) == 0;
	}
	return false;
}

static int parse_request_line(const char *line, size_t len, bool *http11,
			      struct rd_http_request *request)
{
	const char *sp1 = memchr(line, ' ', len);
	if (!sp1 || sp1 == line)
		return 400;
	const char *target = sp1 + 1;
	const char *sp2 = memchr(target, ' ', len - (size_t)(target - line));
	if (!sp2 || sp2 == target)
		return 400;
	const char *version = sp2 + 1;
	size_t version_len = len - (size_t)(version - line);
	size_t method_len = (size_t)(sp1 - line), target_len = (size_t)(sp2 - target);

	if (memchr(version, ' ', version_len))
		return 400;
	for (size_t i = 0; i < method_len; i++)
		if (!isalpha((unsigned char)line[i]))
			return 400;
	/* Known before any refusal: a HEAD's answer has no body, whatever
	 * its status. */
	request->head = equals(line, method_len, "HEAD");
	if (equals(version, version_len, "HTTP/1.1"))
		*http11 = true;
	else if (equals(version, version_len, "HTTP/1.0"))
		*http11 = false;
	else if (version_len == 8 && memcmp(version, "HTTP/", 5) == 0 &&
		 isdigit((unsigned char)version[5]) && version[6] == '.' &&
		 isdigit((unsigned char)version[7]))
		return 505;
	else
		return 400;
	if (target[0] != '/')
		return 400; /* only the origin form: no absolute URL, no "*" */
	const char *query = memchr(target, '?', target_len);
	size_t path_len = query ? (size_t)(query - target) : target_len;
	if (equals(target, path_len, "/") || equals(target, path_len, "/index.html"))
		request->route = RD_ROUTE_PAGE;
	else if (equals(target, path_len, "/rings.json"))
		request->route = RD_ROUTE_JSON;
	else
		return 404;
	if (!request->head && !equals(line, method_len, "GET"))
		return 405;
	return 200;
}

int rd_http_parse(const char *buf, size_t len, unsigned port,
		  struct rd_http_request *request)
{
	size_t room = len < RD_HTTP_HEAD_MAX ? len : RD_HTTP_HEAD_MAX;
	const char *end = head_end(buf, room);

	if (!end)
		return len >= RD_HTTP_HEAD_MAX ? 431 : 0;
	if (memchr(buf, '\0', (size_t)(end - buf)))
		return 400;
	request->head = false;
	request->route = RD_ROUTE_PAGE;

	const char *at = buf, *line;
	bool http11 = false;
	size_t line_len = next_line(&at, end, &line);
	int status = parse_request_line(line, line_len, &http11, request);
	unsigned hosts = 0;
	bool foreign_host = false;
	while (status == 200 && (line_len = next_line(&at, end, &line)) > 0) {
		const char *colon = memchr(line, ':', line_len);
		if (!colon || colon == line)
			return 400;
		size_t name_len = (size_t)(colon - line);
		for (size_t i = 0; i < name_len; i++)
			if (!is_token_char((unsigned char)line[i]))
				return 400; /* "Host :" too: not a name */
		if (name_len != 4 || strncasecmp(line, "host", 4) != 0)
			continue;
		const char *value = colon + 1, *value_end = line + line_len;
		while (value < value_end && (*value == ' ' || *value == '\t'))
			value++;
		while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
			value_end--;
		hosts++;
		if (!host_is_local(value, (size_t)(value_end - value), port))
			foreign_host = true;
	}
	if (status != 200)
		return status;
	if (hosts > 1 || (http11 && hosts == 0))
		return 400;
	return foreign_host ? 403 : 200;
}

const char *rd_http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

int rd_http_response_head(char *out, size_t size, int status, const char *type,
			  size_t length)
{
	/* The page is all inline: the policy lets it reach nothing but this
	 * server, so a page that worked offline keeps working offline. */
	int n = snprintf(out, size,
			 "HTTP/1.1 %d %s\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %zu\r\n"
			 "Cache-Control: no-store\r\n"
			 "X-Content-Type-Options: nosniff\r\n"
			 "Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; "
			 "style-src 'unsafe-inline'; connect-src 'self'; img-src data:\r\n"
			 "%s"
			 "Connection: close\r\n"
			 "\r\n",
			 status, rd_http_reason(status), type, length,
			 status == 405 ? "Allow: GET, HEAD\r\n" : "");
	return n < 0 || (size_t)n >= size ? -1 : n;
}
