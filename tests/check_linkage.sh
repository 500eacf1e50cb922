#!/usr/bin/env bash
# The library depends on libc and the kernel ABI only:
# - no liburing symbol is defined or referenced by librawring.a, and every
#   global symbol it defines is in the rr_ namespace,
# - an example links against libc and the dynamic loader, nothing else.
#   check_linkage.sh LIBRAWRING_A EXAMPLE_BINARY
set -euo pipefail
lib=$1
example=$2

if nm "$lib" | grep -E ' (io_uring_(queue|get_sqe|submit|wait|peek|prep|cqe)|__io_uring)' ; then
	echo "librawring.a carries liburing symbols (above)" >&2
	exit 1
fi
defined=$(nm --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u)
outside=$(nm --defined-only "$lib" | awk 'NF == 3 && $2 ~ /[A-Z]/ {print $3}' | grep -v '^rr_' | sort -u || true)
if [ -n "$outside" ]; then
	echo "librawring.a defines global symbols outside rr_:" >&2
	echo "$outside" >&2
	exit 1
fi
undefined=$(nm --undefined-only "$lib" | awk 'NF >= 2 {print $2}' | sort -u)
external=$(comm -23 <(echo "$undefined") <(echo "$defined"))
echo "symbols librawring.a takes from outside itself (libc): $(echo $external)"

others=$(ldd "$example" | grep -vE 'linux-vdso|libc\.so|ld-linux' || true)
if [ -n "$others" ]; then
	echo "$example links more than libc:" >&2
	echo "$others" >&2
	exit 1
fi
echo "$example links only libc and the loader"
