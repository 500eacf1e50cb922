#!/usr/bin/env bash
# Install what building and testing rawring needs on Debian 12, if missing:
# a C compiler (gcc, and clang for the warning check), g++ and clang++ (the
# C++ consumer check), meson, ninja,
# pkg-config, Criterion, python3 and wrk (the examples' checks), for the
# Windows build mingw-w64 and Wine (which runs its tests), musl-tools (the
# musl build), gcc-aarch64-linux-gnu and qemu-user-static (the aarch64
# build and its tests), cmake (a CMake consumer), man-db and groff (the
# man pages' check), nodejs (ringdump's trace page check), chromium (the
# browser that loads ringdump serve's page in its test), and the
# benchmarks' references (liburing, libuv, fio), so that the suite's
# benchmark smoke run covers them too.  Idempotent; does
# nothing when all is there.
set -euo pipefail

needed=()
command -v gcc >/dev/null || needed+=(gcc)
command -v clang >/dev/null || needed+=(clang)
command -v g++ >/dev/null || needed+=(g++)
command -v clang++ >/dev/null || needed+=(clang)
command -v meson >/dev/null || needed+=(meson)
command -v ninja >/dev/null || needed+=(ninja-build)
command -v pkg-config >/dev/null || needed+=(pkg-config)
command -v python3 >/dev/null || needed+=(python3)
command -v wrk >/dev/null || needed+=(wrk)
pkg-config --exists criterion 2>/dev/null || needed+=(libcriterion-dev)
pkg-config --exists liburing 2>/dev/null || needed+=(liburing-dev)
pkg-config --exists libuv 2>/dev/null || needed+=(libuv1-dev)
command -v fio >/dev/null || needed+=(fio)
command -v strace >/dev/null || needed+=(strace)
command -v valgrind >/dev/null || needed+=(valgrind) # tools/bench/nop_instructions.sh
[ -f /usr/include/linux/io_uring.h ] || needed+=(linux-libc-dev)
command -v musl-gcc >/dev/null || needed+=(musl-tools) # the musl, fully static build
command -v aarch64-linux-gnu-gcc >/dev/null || needed+=(gcc-aarch64-linux-gnu) # the aarch64 build
command -v qemu-aarch64-static >/dev/null || needed+=(qemu-user-static)       # ... run under qemu-user
command -v x86_64-w64-mingw32-gcc >/dev/null || needed+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null && [ -x /usr/lib/wine/wine64 ] || needed+=(wine wine64)
command -v cmake >/dev/null || needed+=(cmake)      # the CMake consumer check
command -v man >/dev/null || needed+=(man-db)       # the man pages' check
command -v groff >/dev/null || needed+=(groff-base) # ... which renders them
command -v node >/dev/null || needed+=(nodejs)      # runs ringdump's trace page script
command -v chromium >/dev/null || needed+=(chromium) # loads ringdump serve's page, headless

if [ ${#needed[@]} -gt 0 ]; then
	echo "deps: installing ${needed[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q
	$sudo apt-get install -y -q "${needed[@]}"
fi
