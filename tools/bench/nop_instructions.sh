#!/bin/sh
# User-space instructions per NOP, exact and immune to the machine's noise:
# callgrind counts each variant of `ringbench nop --once` at OPS and 2*OPS
# NOPs, and the difference divided by OPS is the cost of one NOP (setup and
# teardown cancel out).  Needs valgrind.
#   tools/bench/nop_instructions.sh BUILD_DIR [OPS]   (OPS a multiple of 128)
set -eu
build=${1:?usage: nop_instructions.sh BUILD_DIR [OPS]}
ops=${2:-102400}  # a multiple of every batch
bench="$build/tools/bench/ringbench"
command -v valgrind >/dev/null || { echo "nop_instructions: valgrind is needed" >&2; exit 2; }
[ -x "$bench" ] || { echo "nop_instructions: no $bench (build with -Dbench=enabled)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Total user instructions of one run (0 if the variant is not built).
count() { # variant ops batch
	out="$scratch/callgrind.out"
	if ! valgrind --tool=callgrind --callgrind-out-file="$out" \
		"$bench" nop --once "$1" "$2" "$3" >/dev/null 2>&1; then
		echo 0
		return
	fi
	callgrind_annotate "$out" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }'
}

printf 'user instructions per NOP (callgrind, (%s*2 - %s NOPs) / %s)\n' "$ops" "$ops" "$ops"
printf '%-6s %10s %10s %10s\n' batch ring liburing loop
for batch in 1 8 32 128; do
	printf '%-6s' "$batch"
	for variant in ring liburing loop; do
		small=$(count "$variant" "$ops" "$batch")
		large=$(count "$variant" $((ops * 2)) "$batch")
		if [ "$small" -eq 0 ] || [ "$large" -eq 0 ]; then
			printf ' %10s' -
		else
			printf ' %10s' $(((large - small) / ops))
		fi
	done
	printf '\n'
done
