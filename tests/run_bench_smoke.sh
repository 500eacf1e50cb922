#!/usr/bin/env bash
# The benchmark must keep running and printing sane numbers (not fast ones:
# speed is judged in benchmark runs, never in tests).
#   run_bench_smoke.sh RINGBENCH
set -euo pipefail
csv=$(mktemp /var/tmp/rawring-bench-XXXXXX.csv)
trap 'rm -f "$csv"' EXIT
timeout 120 "$1" nop --quick --csv "$csv" 2>/dev/null
python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r["batch"] for r in rows] == ["1", "8", "32", "128"], rows
for r in rows:
    assert float(r["rawring_ring"]) > 1000, r
    assert float(r["rawring_loop"]) > 1000, r
    assert float(r["liburing"]) >= 0, r
print("bench smoke: every variant ran and reported a positive rate")
PY
