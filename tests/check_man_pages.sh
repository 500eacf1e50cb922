#!/usr/bin/env bash
# Every exported public function has a man page, and every page renders
# without a warning from man/groff.
#   check_man_pages.sh LIBRAWRING MAN3_DIR
set -euo pipefail
lib=$1
dir=$2

# The library's public functions: rr_ names, not the private rr__ ones, nor
# the liburing front's rr_liburing_* (liburing's API, liburing's pages).
case $lib in
*.so*) listing=$(nm -D --defined-only "$lib") ;;
*) listing=$(nm -g --defined-only "$lib") ;;
esac
functions=$(awk '$2 == "T" { print $3 }' <<<"$listing" | grep -E '^rr_[^_]' |
	grep -v '^rr_liburing_' | sort -u)
[ -n "$functions" ] || { echo "no rr_ functions found in $lib" >&2; exit 1; }
missing=0
for f in $functions; do
	[ -f "$dir/$f.3" ] || { echo "no man page for $f" >&2; missing=1; }
done
[ $missing -eq 0 ] || exit 1

command -v man >/dev/null || { echo "man is not installed (scripts/deps.sh installs man-db)" >&2; exit 1; }
pages=0
bad=0
for page in "$dir"/*.3; do
	# --warnings passes groff's -w; a page that renders clean says nothing.
	warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null || echo "man failed")
	if [ -n "$warnings" ]; then
		echo "$(basename "$page"): $warnings" >&2
		bad=1
	fi
	pages=$((pages + 1))
done
[ $bad -eq 0 ] || exit 1
echo "$(wc -w <<<"$functions") exported functions, each with a page; $pages pages render without warnings"
