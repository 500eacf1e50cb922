#!/usr/bin/env bash
# `ringdump trace --html` for each walk that runs anywhere, each page's
# script run by node against check_trace_page.js.  Exit 77 (a skip) without
# node or io_uring.
#   run_trace_page.sh RINGDUMP
set -euo pipefail
ringdump=$1
here=$(dirname "$0")
command -v node >/dev/null || { echo "node is not installed (scripts/deps.sh installs nodejs)"; exit 77; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for walk in "" --link --overflow; do
	if ! "$ringdump" trace $walk --html "$scratch/page.html" 2>"$scratch/err"; then
		grep -q "cannot set up a ring" "$scratch/err" && { echo "io_uring unavailable"; exit 77; }
		cat "$scratch/err" >&2
		exit 1
	fi
	node "$here/check_trace_page.js" "$scratch/page.html"
done
