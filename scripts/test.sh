#!/usr/bin/env bash
# The whole test suite: build with gcc and run every test (Criterion suites,
# the examples run for real, the linkage check), then build once more with
# clang; both builds use warning_level=3 with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

meson setup --wipe build-test -Dwerror=true -Dtests=enabled >/dev/null 2>&1 ||
	meson setup build-test -Dwerror=true -Dtests=enabled
meson compile -C build-test

status=0
meson test -C build-test --print-errorlogs -v || status=$?

echo "== clang build (warnings are errors)"
CC=clang meson setup --wipe build-clang -Dwerror=true -Dtests=enabled >/dev/null 2>&1 ||
	CC=clang meson setup build-clang -Dwerror=true -Dtests=enabled
meson compile -C build-clang || status=1

# One closing line for the whole run: the Criterion cases plus the other
# meson tests (examples, linkage).
python3 - build-test/meson-logs/testlog.json "$status" <<'PY'
import json, re, sys
passed = failed = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    m = re.search(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| Crashing: (\d+)",
                  t.get("stdout", "") + t.get("stderr", ""))
    if m:
        passed += int(m.group(2))
        failed += int(m.group(3)) + int(m.group(4))
        if t["result"] != "OK" and int(m.group(3)) + int(m.group(4)) == 0:
            failed += 1
    elif t["result"] in ("OK", "SKIP"):
        passed += 1
    else:
        failed += 1
if sys.argv[2] != "0" and failed == 0:
    failed = 1
print(f"{passed} passed, {failed} failed")
PY
exit $status
