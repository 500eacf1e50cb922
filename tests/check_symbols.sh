#!/usr/bin/env bash
# The shared library's face: a soname with the ABI version, and only the
# public rr_ API exported: nothing outside rr_, and of the library's own
# rr__ calls only those the public headers' inline code calls.
#   check_symbols.sh LIBRAWRING_SO
set -euo pipefail
lib=$1

soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
case $soname in
librawring.so.[0-9]*) echo "soname: $soname" ;;
*) echo "$lib: soname '$soname' is not librawring.so.N" >&2; exit 1 ;;
esac

exported=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sort -u)
headers=$(dirname "$0")/../include
# The rr__ names the public headers use: the ABI's, exported on purpose.
from_headers=$(grep -ohE '\brr__[a-z0-9_]+\b' "$headers"/rawring.h "$headers"/rawring/*.h | sort -u)
bad=$(grep -vE '^rr_[^_]' <<<"$exported" | comm -23 - <(echo "$from_headers") || true)
if [ -n "$bad" ]; then
	echo "$lib exports symbols outside the public rr_ API:" >&2
	echo "$bad" >&2
	exit 1
fi
for must in rr_ring_init rr_submit rr_loop_init rr_loop_run rr_nop; do
	grep -qx "$must" <<<"$exported" || { echo "$lib does not export $must" >&2; exit 1; }
done
echo "$(wc -l <<<"$exported") symbols exported, all public rr_ API"
