#!/usr/bin/env bash
# The main job: build rawring and show it doing real I/O on this machine.
# The proactor echo server serves 1,000 concurrent loopback clients; a file
# is copied with linked read->write ops and read back with rr-ring-cat.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

[ -d build ] || meson setup build
meson compile -C build

bin=build/tools/examples
echo "== rr-echo: 1000 connections x 50 messages x 1 KiB on 127.0.0.1"
"$bin/rr-echo" 0 --demo --connections 1000 --messages 50 --size 1024

work=$(mktemp -d /var/tmp/rawring-demo-XXXXXX)
trap 'rm -rf "$work"' EXIT
head -c $((32 * 1024 * 1024)) /dev/urandom >"$work/src"
echo "== rr-cp: a 32 MiB file through linked read->write ops"
"$bin/rr-cp" "$work/src" "$work/dst"
cmp "$work/src" "$work/dst" && echo "rr-cp: the copy is byte-identical"
echo "== rr-ring-cat: read it back through the ring layer"
"$bin/rr-ring-cat" "$work/dst"
