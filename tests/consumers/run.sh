#!/usr/bin/env bash
# Build and run tests/consumers/consumer.c the way another project would,
# in a scratch directory (removed at the end):
#   run.sh meson SOURCE_ROOT   a meson project with rawring as a subproject
#                              (a wrap file with [provide], the checkout as
#                              its directory; --wrap-mode=forcefallback, so
#                              an installed rawring cannot stand in for it)
#   run.sh cmake SOURCE_ROOT   the library alone installed to a prefix, then
#                              a CMake project finding it with pkg-config
set -euo pipefail
mode=$1
src=$(cd "$2" && pwd)
here=$src/tests/consumers
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

case $mode in
meson)
	cp "$here/meson/meson.build" "$here/consumer.c" "$scratch/"
	mkdir "$scratch/subprojects"
	ln -s "$src" "$scratch/subprojects/rawring"
	cat >"$scratch/subprojects/rawring.wrap" <<WRAP
[wrap-git]
directory = rawring
url = $src
revision = HEAD

[provide]
dependency_names = rawring
WRAP
	meson setup "$scratch/build" "$scratch" --wrap-mode=forcefallback
	meson compile -C "$scratch/build"
	"$scratch/build/consumer"
	;;
cmake)
	meson setup "$scratch/lib" "$src" --prefix="$scratch/prefix" -Dtests=disabled \
		-Dtools=false -Dexamples=false -Dbench=disabled
	meson install -C "$scratch/lib" >/dev/null
	pc=$(dirname "$(find "$scratch/prefix" -name rawring.pc)")
	[ -n "$pc" ] || { echo "no rawring.pc installed" >&2; exit 1; }
	ls "$scratch/prefix/share/man/man3/rr_submit.3" >/dev/null
	cp "$here/cmake/CMakeLists.txt" "$here/consumer.c" "$scratch/"
	PKG_CONFIG_PATH=$pc cmake -S "$scratch" -B "$scratch/cbuild"
	cmake --build "$scratch/cbuild"
	"$scratch/cbuild/consumer"
	;;
*)
	echo "usage: run.sh meson|cmake SOURCE_ROOT" >&2
	exit 2
	;;
esac
