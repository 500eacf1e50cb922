#!/usr/bin/env bash
# Run one example program for real and check what it did.
#   run_examples.sh CHECK BUILD_DIR_OF_EXAMPLES [SECCOMP_BLOCK_PROGRAM]
# CHECK: ring-echo, ring-cp-cat, echo, echo-epoll, echo-seccomp, cp, http
set -euo pipefail
what=$1
bin=$2
work=$(mktemp -d /var/tmp/rawring-examples-XXXXXX)
server=""
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# cp-like programs: a copy must be byte-identical, an empty file works, a
# missing source is an error.
check_copy() {
	local cp=$1
	head -c 3000017 /dev/urandom >"$work/src"
	timeout 60 "$cp" "$work/src" "$work/dst"
	cmp "$work/src" "$work/dst"
	: >"$work/empty"
	timeout 60 "$cp" "$work/empty" "$work/empty.copy"
	cmp "$work/empty" "$work/empty.copy"
	if timeout 60 "$cp" "$work/missing" "$work/x" 2>/dev/null; then
		echo "$cp: copying a missing file succeeded" >&2
		exit 1
	fi
}

case $what in
ring-echo)
	out=$(timeout 60 "$bin/rr-ring-echo" 0 --demo --connections 100 --messages 50 --size 4096)
	echo "$out"
	grep -q "all 20480000 bytes echoed intact" <<<"$out"
	grep -q "served 100 connections, echoed 20480000 bytes" <<<"$out"
	;;
ring-cp-cat)
	check_copy "$bin/rr-ring-cp"
	out=$(timeout 60 "$bin/rr-ring-cat" "$work/src" 2>&1 >/dev/null)
	echo "$out"
	grep -q "3000017 bytes read" <<<"$out"
	timeout 60 "$bin/rr-ring-cat" --print "$work/src" | cmp - "$work/src"
	;;
echo)
	# 1,000 concurrent connections, every byte checked by the client.
	out=$(timeout 120 "$bin/rr-echo" 0 --demo --connections 1000 --messages 20 --size 512)
	echo "$out"
	grep -q "all 10240000 bytes echoed intact" <<<"$out"
	grep -q "served 1000 connections, echoed 10240000 bytes" <<<"$out"
	out=$(timeout 60 "$bin/rr-echo" 0 --sqpoll --demo --connections 20 --messages 50 --size 16384)
	echo "$out"
	grep -q "all 16384000 bytes echoed intact" <<<"$out"
	;;
echo-epoll)
	out=$(timeout 120 "$bin/rr-echo" 0 --backend epoll --demo --connections 1000 --messages 20 --size 512)
	echo "$out"
	grep -q "backend epoll" <<<"$out"
	grep -q "all 10240000 bytes echoed intact" <<<"$out"
	;;
echo-seccomp)
	# The same program, unchanged, where io_uring is blocked: AUTO falls
	# back to epoll and says why.
	block=$3
	for errno_name in EPERM ENOSYS; do
		out=$(timeout 60 "$block" "$errno_name" "$bin/rr-echo" 0 --demo --connections 100 --messages 20 --size 512)
		echo "$out"
		grep -q "backend epoll: io_uring unavailable ($errno_name" <<<"$out"
		grep -q "all 1024000 bytes echoed intact" <<<"$out"
		if timeout 60 "$block" "$errno_name" "$bin/rr-echo" 0 --backend uring --demo 2>"$work/err"; then
			echo "an explicit io_uring request succeeded under the filter" >&2
			exit 1
		fi
		cat "$work/err"
	done
	;;
cp)
	check_copy "$bin/rr-cp"
	timeout 60 "$bin/rr-cp" --backend epoll "$work/src" "$work/dst.epoll"
	cmp "$work/src" "$work/dst.epoll"
	;;
http)
	"$bin/rr-http" 0 --max-seconds 60 >"$work/http.log" &
	server=$!
	for _ in $(seq 100); do
		grep -q listening "$work/http.log" 2>/dev/null && break
		sleep 0.05
	done
	port=$(sed -n 's|.*127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$work/http.log")
	python3 - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
body = b"Hello, world!\n"

def read_responses(sock, count):
    data = b""
    while data.count(body) < count:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("connection closed after %d responses" % data.count(body))
        data += chunk
    assert data.count(b"HTTP/1.1 200 OK") == count, data
    return data

s = socket.create_connection(("127.0.0.1", port), timeout=10)
req = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
s.sendall(req * 50)                      # pipelined
read_responses(s, 50)
s.sendall(req[:10]); s.sendall(req[10:]) # a request split across sends
read_responses(s, 1)
s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
read_responses(s, 1)
assert s.recv(1) == b"", "the server keeps a Connection: close connection open"
print("http: pipelining, keep-alive, split requests and Connection: close all answered")
PY
	if command -v wrk >/dev/null; then
		out=$(wrk -t2 -c50 -d2s "http://127.0.0.1:$port/")
		echo "$out"
		if grep -qE "Socket errors|Non-2xx" <<<"$out"; then
			echo "wrk saw errors" >&2
			exit 1
		fi
		grep -q "requests in" <<<"$out"
	else
		echo "http: wrk is not installed; skipped the wrk run"
	fi
	;;
*)
	echo "unknown example check: $what" >&2
	exit 2
	;;
esac
