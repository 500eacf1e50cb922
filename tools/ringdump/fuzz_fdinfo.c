/*
 * libFuzzer target for the fdinfo parser: any bytes must parse without a
 * crash, a hang or an out-of-bounds access (run it with ASan).
 *
 *   meson setup build-fuzz -Dfuzz=true  (CC=clang)
 *   ninja -C build-fuzz tools/ringdump/fuzz-fdinfo
 *   build-fuzz/tools/ringdump/fuzz-fdinfo tests/ringdump/fixtures -max_total_time=60
 */
#include <stddef.h>
#include <stdint.h>

#include "fdinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rd_fdinfo info;

	rd_fdinfo_parse((const char *)data, size, &info);
	return 0;
}
