#!/usr/bin/env bash
# The benchmarks must keep running and printing sane numbers (not fast ones:
# speed is judged in benchmark runs, never in tests).
#   run_bench_smoke.sh RINGBENCH
set -euo pipefail
dir=$(mktemp -d /var/tmp/rawring-bench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
timeout 170 "$1" all --quick --csv "$dir/out.csv" --svg "$dir/out.svg"
python3 - "$dir/out.csv" "$dir/out.svg" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def values(workload, metric):
    return {(r["variant"], r["point"]): float(r["value"])
            for r in rows if r["workload"] == workload and r["metric"] == metric}
nop = values("nop", "ops/s")
assert {p for _, p in nop} == {"batch 1", "batch 8", "batch 32", "batch 128"}, nop
assert all(v > 1000 for v in nop.values()), nop
echo = values("echo", "msgs/s")
servers = {v for v, _ in echo}
assert {"rawring-uring", "rawring-sqpoll", "rawring-epoll", "epoll"} <= servers, servers
assert all(v > 100 for v in echo.values()), echo
assert all(v == 0 for v in values("echo", "bytes differing").values()), "echo bytes differ"
timers = values("timers", "CPU ms")
assert ("rawring", "100000 timers over 0.2 s") in timers and all(v > 0 for v in timers.values()), timers
cached = values("file-cached", "IOPS")
assert cached.get(("rawring", "4k randread qd32"), 0) > 0, cached
direct = values("file-direct", "IOPS")
assert direct and all(v > 0 for v in direct.values()), direct
syscalls = values("syscalls", "syscalls/op")
assert len([k for k in syscalls if k[0] == "loop count"]) == 4, syscalls
assert all(v >= 0 for v in syscalls.values()), syscalls
svg = open(sys.argv[2]).read()
assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>") and "echo" in svg
# Each chart says which way is better; figures are printed as people read them.
assert "timers (CPU ms, median; shorter is better)" in svg, "timers chart direction"
assert "syscalls (syscalls/op, median; shorter is better)" in svg, "syscalls chart direction"
assert "nop (ops/s, median; longer is better)" in svg, "nop chart direction"
assert "e+" not in svg, "a figure in exponent notation"
print(f"bench smoke: {len(nop)} nop, {len(echo)} echo, {len(cached) + len(direct)} file, "
      f"{len(timers)} timer and {len(syscalls)} syscall figures, all sane, every byte echoed intact")
PY
