/*
 * libFuzzer target for serve's request parser: any bytes must parse
 * without a crash, a hang or a read past them (run it with ASan); a head
 * it accepts must have its blank line within the bytes given, and past
 * RD_HTTP_HEAD_MAX bytes it must not ask for more.
 *
 *   meson setup build-fuzz -Dfuzz=true  (CC=clang)
 *   ninja -C build-fuzz tools/ringdump/fuzz-http
 *   build-fuzz/tools/ringdump/fuzz-http -max_total_time=60
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_http_request request;
	/* A copy of exactly `size` bytes, so that ASan sees any read past. */
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	int status = rd_http_parse(copy, size, 8419, &request);
	if (status == 200 && !memmem(copy, size, "\n\n", 2) && !memmem(copy, size, "\n\r\n", 3))
		abort(); /* accepted a head without its blank line */
	if (status == 0 && size >= RD_HTTP_HEAD_MAX)
		abort(); /* waited for more past the limit */
	free(copy);
	return 0;
}
