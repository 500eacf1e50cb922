/* `ringdump serve`'s request parsing, fed what a hostile or broken client
 * sends: heads in pieces, wrong methods and versions, foreign Host names
 * (DNS rebinding), heads past the limit, bytes that have no place there. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "serve_http.h"

#define PORT 8419u

static int parse(const char *text, struct rd_http_request *request)
{
	return rd_http_parse(text, strlen(text), PORT, request);
}

static int status_of(const char *text)
{
	struct rd_http_request request;
	return parse(text, &request);
}

Test(serve_http, routes_the_page_and_the_snapshot)
{
	struct rd_http_request r;

	cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: 127.0.0.1:8419\r\n\r\n", &r), 200);
	cr_assert_eq(r.route, RD_ROUTE_PAGE);
	cr_assert_not(r.head);
	cr_assert_eq(parse("GET /index.html HTTP/1.0\r\n\r\n", &r), 200);
	cr_assert_eq(r.route, RD_ROUTE_PAGE);
	cr_assert_eq(parse("GET /rings.json?t=12 HTTP/1.1\r\nHost: localhost:8419\r\n\r\n", &r), 200);
	cr_assert_eq(r.route, RD_ROUTE_JSON);
	cr_assert_eq(parse("HEAD /rings.json HTTP/1.1\r\nhOsT:   127.0.0.1  \r\n\r\n", &r), 200);
	cr_assert_eq(r.route, RD_ROUTE_JSON);
	cr_assert(r.head);
	/* bare LF line ends, as some clients send */
	cr_assert_eq(parse("GET / HTTP/1.0\n\n", &r), 200);
}

Test(serve_http, a_head_in_pieces_waits_for_its_end)
{
	static const char good[] = "GET /rings.json HTTP/1.1\r\nHost: 127.0.0.1:8419\r\n"
				   "User-Agent: x\r\n\r\n";
	struct rd_http_request r;

	for (size_t len = 0; len < sizeof(good) - 1; len++)
		cr_assert_eq(rd_http_parse(good, len, PORT, &r), 0, "complete at %zu bytes", len);
	cr_assert_eq(rd_http_parse(good, sizeof(good) - 1, PORT, &r), 200);
}

Test(serve_http, methods_other_than_get_and_head_are_refused)
{
	cr_assert_eq(status_of("POST / HTTP/1.1\r\nHost: localhost\r\n\r\n"), 405);
	cr_assert_eq(status_of("get / HTTP/1.1\r\nHost: localhost\r\n\r\n"), 405);
	cr_assert_eq(status_of("DELETE /rings.json HTTP/1.0\r\n\r\n"), 405);
	cr_assert_eq(status_of("G\x01T / HTTP/1.0\r\n\r\n"), 400);
}

Test(serve_http, only_two_paths_exist)
{
	struct rd_http_request r;

	/* a HEAD that fails is still a HEAD: its answer has no body */
	cr_assert_eq(parse("HEAD /nope HTTP/1.0\r\n\r\n", &r), 404);
	cr_assert(r.head);
	cr_assert_eq(parse("HEAD / HTTP/2.0\r\n\r\n", &r), 505);
	cr_assert(r.head);
	cr_assert_eq(status_of("GET /nope HTTP/1.0\r\n\r\n"), 404);
	cr_assert_eq(status_of("GET /../etc/passwd HTTP/1.0\r\n\r\n"), 404);
	cr_assert_eq(status_of("GET /rings.jsonx HTTP/1.0\r\n\r\n"), 404);
	cr_assert_eq(status_of("GET http://127.0.0.1/ HTTP/1.0\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET * HTTP/1.0\r\n\r\n"), 400);
}

Test(serve_http, a_malformed_request_line_is_400_and_a_new_version_505)
{
	cr_assert_eq(status_of("GET  / HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET /\r\n\r\n"), 400); /* HTTP/0.9 */
	cr_assert_eq(status_of("GET / HTTP/1.1 extra\r\nHost: localhost\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET / FTP/1.0\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET / HTTP/2.0\r\n\r\n"), 505);
	cr_assert_eq(status_of("GET / HTTP/1.10\r\n\r\n"), 400);
	cr_assert_eq(status_of("\r\n\r\n"), 400);
}

Test(serve_http, the_host_must_be_this_machine)
{
	cr_assert_eq(status_of("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"), 403);
	cr_assert_eq(status_of("GET / HTTP/1.1\r\nHost: evil.example:8419\r\n\r\n"), 403);
	cr_assert_eq(status_of("GET / HTTP/1.1\r\nHost: 127.0.0.1.evil.example\r\n\r\n"), 403);
	cr_assert_eq(status_of("GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n"), 403);
	cr_assert_eq(status_of("GET / HTTP/1.1\r\nHost: 127.0.0.1:84190\r\n\r\n"), 403);
	cr_assert_eq(status_of("GET / HTTP/1.1\r\nHost: localhost:8419\r\n\r\n"), 200);
	cr_assert_eq(status_of("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 200);
	/* HTTP/1.1 needs exactly one Host; 1.0 may have none */
	cr_assert_eq(status_of("GET / HTTP/1.1\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET / HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET / HTTP/1.0\r\nHost: evil.example\r\n\r\n"), 403);
}

Test(serve_http, header_lines_without_a_name_and_nul_bytes_are_400)
{
	struct rd_http_request r;
	static const char nul[] = "GET / HTTP/1.0\r\nX: a\0b\r\n\r\n";

	cr_assert_eq(status_of("GET / HTTP/1.0\r\nno colon here\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET / HTTP/1.0\r\n: no name\r\n\r\n"), 400);
	/* a name is a token: whitespace before the colon is not one (RFC
	 * 9112 5.1), and "Host :" must not slip past the Host check */
	cr_assert_eq(status_of("GET / HTTP/1.0\r\nHost : evil.example\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET / HTTP/1.0\r\nX Y: z\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET / HTTP/1.0\r\nX(: z\r\n\r\n"), 400);
	cr_assert_eq(status_of("GET / HTTP/1.0\r\nX-Y_z.1~!: z\r\n\r\n"), 200);
	cr_assert_eq(rd_http_parse(nul, sizeof(nul) - 1, PORT, &r), 400);
}

Test(serve_http, a_head_past_the_limit_is_431_and_one_at_it_is_served)
{
	static char big[RD_HTTP_HEAD_MAX + 64];
	struct rd_http_request r;
	const char *start = "GET / HTTP/1.0\r\nX: ";

	memset(big, 'a', sizeof(big));
	memcpy(big, start, strlen(start));
	cr_assert_eq(rd_http_parse(big, RD_HTTP_HEAD_MAX - 1, PORT, &r), 0);
	cr_assert_eq(rd_http_parse(big, RD_HTTP_HEAD_MAX, PORT, &r), 431);
	cr_assert_eq(rd_http_parse(big, sizeof(big), PORT, &r), 431);
	memcpy(big + RD_HTTP_HEAD_MAX - 4, "\r\n\r\n", 4); /* ends at the limit */
	cr_assert_eq(rd_http_parse(big, RD_HTTP_HEAD_MAX, PORT, &r), 200);
}

Test(serve_http, the_response_head_says_length_type_and_close)
{
	char head[512];
	int n = rd_http_response_head(head, sizeof(head), 404, "text/plain", 10);

	cr_assert_gt(n, 0);
	cr_assert_eq((size_t)n, strlen(head));
	cr_assert(strncmp(head, "HTTP/1.1 404 Not Found\r\n", 24) == 0, "%s", head);
	cr_assert_not_null(strstr(head, "\r\nContent-Length: 10\r\n"));
	cr_assert_not_null(strstr(head, "\r\nContent-Type: text/plain\r\n"));
	cr_assert_not_null(strstr(head, "\r\nConnection: close\r\n"));
	cr_assert_not_null(strstr(head, "default-src 'none'"));
	cr_assert(n >= 4 && strcmp(head + n - 4, "\r\n\r\n") == 0);
	cr_assert_eq(rd_http_response_head(head, 40, 200, "text/html", 1), -1);
	cr_assert_str_eq(rd_http_reason(431), "Request Header Fields Too Large");
}
