#!/usr/bin/env bash
# The whole test suite:
#  1. build with gcc (warning_level=3, warnings are errors, fault injection
#     compiled in) and run every test: the Criterion suites, the fault walks,
#     the examples run for real, the linkage check;
#  2. build with AddressSanitizer + UndefinedBehaviorSanitizer and run the
#     Criterion suites, the examples, the fuzzer's replay, the short soak
#     and ringdump's server and pages again (LeakSanitizer cannot run under
#     Criterion's forking runner, so leaks are checked in the others only);
#  3. build with ThreadSanitizer and run the conformance suite through the
#     project's own driver (Criterion's runner cannot run under it);
#  4. build with musl-gcc, every program fully static, and run the ring and
#     conformance suites through the own driver, and the examples;
#  5. cross-build for aarch64 and run the suites under qemu-user (no
#     io_uring there: the ring tests skip, the loop runs on epoll);
#  6. build the shared library: its soname, its exported symbols, an
#     example running on it;
#  7. build with clang as a release (no asserts, no fault injection),
#     warnings as errors, and run the ring and conformance suites there;
#  8. cross-build for Windows with mingw-w64 (warnings as errors) and run the
#     conformance suite on IOCP and the echo example under Wine, headless.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh || exit 1

status=0
setup() { # setup DIR [meson options...]: a fresh build directory
	local dir=$1
	shift
	meson setup --wipe "$dir" "$@" >/dev/null 2>&1 || meson setup "$dir" "$@"
}

echo "== gcc build: every test"
setup build-test -Dwerror=true -Dtests=enabled -Dfault_injection=true || exit 1
meson compile -C build-test || exit 1
meson test -C build-test --print-errorlogs -v || status=1

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
setup build-sanitize -Dtests=enabled -Dfault_injection=true -Db_sanitize=address,undefined -Db_lundef=false || exit 1
meson compile -C build-sanitize || exit 1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ASAN_OPTIONS=detect_leaks=0 meson test -C build-sanitize --suite criterion --print-errorlogs -v || status=1
# (its own log name: a second run would overwrite the first one's log)
ASAN_OPTIONS=detect_leaks=1 meson test -C build-sanitize --suite examples --suite fuzz --suite soak --suite ringdump \
	--logbase testlog-leaks --print-errorlogs -v || status=1

echo "== ThreadSanitizer build: the conformance suite through the own driver"
setup build-tsan -Dtests=enabled -Db_sanitize=thread -Db_lundef=false || exit 1
meson compile -C build-tsan || exit 1
meson test -C build-tsan --suite tsan --print-errorlogs -v || status=1

echo "== musl build (musl-gcc), fully static: the suites through the own driver, the examples"
# Debian's musl 1.2.3: no Criterion (built for glibc), so the ring and
# conformance suites run through the project's own driver; every program
# linked -static, and the check that rr-echo needs no shared library.
CC=musl-gcc setup build-musl -Dwerror=true -Dtests=enabled -Dbench=disabled \
	-Dc_link_args=-static || status=1
meson compile -C build-musl || status=1
meson test -C build-musl --print-errorlogs -v || status=1

echo "== aarch64 cross build (gcc-aarch64-linux-gnu), tests under qemu-user"
# qemu-user has no io_uring: the ring tests skip, the loop runs on epoll,
# and the echo example's AUTO backend falls back to it.
setup build-arm64 --cross-file cross/aarch64-linux-gnu.txt -Dwerror=true -Dtests=enabled \
	-Dbench=disabled || status=1
meson compile -C build-arm64 || status=1
meson test -C build-arm64 --print-errorlogs -v || status=1

echo "== shared library build: soname, the exported symbols, an example on it"
setup build-shared -Ddefault_library=shared -Dwerror=true -Dtests=disabled -Dbench=disabled || status=1
meson compile -C build-shared || status=1
meson test -C build-shared --print-errorlogs -v || status=1
# (The whole output first: grep -q would end the pipe early, and pipefail
# would count rr-echo's SIGPIPE as the failure.)
shared_echo=$(build-shared/tools/examples/rr-echo 0 --demo --connections 20 --messages 20 --size 512 2>&1)
echo "$shared_echo"
grep -q "all 204800 bytes echoed intact" <<<"$shared_echo" ||
	{ echo "rr-echo on librawring.so failed"; status=1; }

echo "== clang release build (warnings are errors, no asserts)"
# A release build (NDEBUG): caller errors take their documented non-abort
# paths (-EBUSY, clamps, -EBADF), which the suites check there.
CC=clang CXX=clang++ setup build-clang -Dwerror=true -Dtests=enabled -Dbuildtype=release || status=1
meson compile -C build-clang || status=1
meson test -C build-clang --print-errorlogs -v rawring loop-uring loop-epoll cxx-consumer || status=1

echo "== Windows cross build (mingw-w64), tests under Wine"
setup build-win --cross-file cross/x86_64-w64-mingw32.txt -Dwerror=true -Dtests=enabled || exit 1
meson compile -C build-win || exit 1
# A Wine prefix of the build's own; no debug chatter, no display, and no
# offer to install Mono or Gecko, which nothing here needs.
export WINEPREFIX="$PWD/build-win/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY
meson test -C build-win --print-errorlogs -v || status=1
wineserver -k 2>/dev/null || true

# One closing line for the whole run: the Criterion (and own driver) cases
# plus the other meson tests (examples, linkage, ...), from the eight test runs.
python3 - "$status" build-test/meson-logs/testlog.json build-sanitize/meson-logs/testlog.json \
	build-sanitize/meson-logs/testlog-leaks.json build-tsan/meson-logs/testlog.json \
	build-musl/meson-logs/testlog.json build-arm64/meson-logs/testlog.json \
	build-shared/meson-logs/testlog.json \
	build-clang/meson-logs/testlog.json \
	build-win/meson-logs/testlog.json <<'PY'
import json, re, sys
passed = failed = 0
for path in sys.argv[2:]:
    try:
        lines = open(path).readlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout", "") + t.get("stderr", "")
        m = re.search(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| Crashing: (\d+)", out)
        if m:
            passed += int(m.group(2))
            failed += int(m.group(3)) + int(m.group(4))
            if t["result"] != "OK" and int(m.group(3)) + int(m.group(4)) == 0:
                failed += 1
        elif t["result"] in ("OK", "SKIP"):
            passed += 1
        else:
            failed += 1
if sys.argv[1] != "0" and failed == 0:
    failed = 1
print(f"{passed} passed, {failed} failed")
PY
exit $status
