#!/usr/bin/env bash
# Run one example program for real and check what it did.
#   run_examples.sh echo|cp BUILD_DIR_OF_EXAMPLES
set -euo pipefail
what=$1
bin=$2
work=$(mktemp -d /var/tmp/rawring-examples-XXXXXX)
trap 'rm -rf "$work"' EXIT

case $what in
echo)
	# 100 connections x 50 messages x 4 KiB through the server; the client
	# checks every byte and the server exits with its status.
	out=$(timeout 60 "$bin/rr-echo" 0 --demo --connections 100 --messages 50 --size 4096)
	echo "$out"
	grep -q "all 20480000 bytes echoed intact" <<<"$out"
	grep -q "served 100 connections, echoed 20480000 bytes" <<<"$out"
	;;
cp)
	head -c 3000017 /dev/urandom >"$work/src"
	timeout 60 "$bin/rr-cp" "$work/src" "$work/dst"
	cmp "$work/src" "$work/dst"
	: >"$work/empty"
	timeout 60 "$bin/rr-cp" "$work/empty" "$work/empty.copy"
	cmp "$work/empty" "$work/empty.copy"
	out=$(timeout 60 "$bin/rr-cat" "$work/src" 2>&1 >/dev/null)
	echo "$out"
	grep -q "3000017 bytes read" <<<"$out"
	timeout 60 "$bin/rr-cat" --print "$work/src" | cmp - "$work/src"
	if timeout 60 "$bin/rr-cp" "$work/missing" "$work/x" 2>/dev/null; then
		echo "rr-cp of a missing file succeeded" >&2
		exit 1
	fi
	;;
*)
	echo "unknown example check: $what" >&2
	exit 2
	;;
esac
