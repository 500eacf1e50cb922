#!/usr/bin/env python3
"""`ringdump serve` treated as a hostile client would treat it.

    check_serve_http.py RINGDUMP RING_HOLDER

Starts ring_holder (a ring in a known state) and `ringdump serve PID
--port 0` on the loop backend RAWRING_BACKEND names (io_uring, epoll), and
checks: the snapshot shows the holder's pending SQEs and unreaped CQEs; a
client that sends nothing, or half a head, is closed at the deadline
while others are served; connections beyond the limit are closed
unanswered and the server serves on; wrong methods, paths, versions, Host
names and oversized heads get their statuses; a client that vanishes
mid-exchange harms nothing; SIGTERM ends the server cleanly (exit 0)
with connections open, also when a connection's next step is due in the
same turn; out of fds, the server waits instead of spinning on accept.
Whatever fails, no process is left running.  Exit 77 (a skip) without
io_uring.
"""
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time

ringdump, holder_path = sys.argv[1], sys.argv[2]
TIMEOUT_S = 5.0  # RD_SERVE_TIMEOUT_MS
MAX_CONNS = 64   # RD_SERVE_MAX_CONNS
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


started_processes = []


def start(argv, **kwargs):
    proc = subprocess.Popen(argv, text=True, **kwargs)
    started_processes.append(proc)
    return proc


def start_server(limit_fds=None):
    """A `ringdump serve PID --port 0`; its port."""
    def limit():
        if limit_fds:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit_fds, limit_fds))
    proc = start([ringdump, "serve", pid, "--port", "0"], stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, preexec_fn=limit)
    announce = proc.stdout.readline()
    print(announce.strip())
    return proc, int(announce.split("127.0.0.1:")[1].split("/")[0])


def wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def ends_cleanly(proc, seconds, what):
    try:
        code = proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = "still running after %g s" % seconds
    check(code == 0, "%s: exit 0 (got %s)" % (what, code))


def connect(to=None):
    return socket.create_connection(("127.0.0.1", to or port), timeout=TIMEOUT_S + 5)


def main():
    global server
    def exchange(raw, read=True, to=None):
        """Send raw bytes, return (status, headers, body) of the whole reply."""
        s = connect(to)
        s.sendall(raw)
        data = b""
        while read:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/1.1 ") else None
        headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        return status, headers, body


    def get(path, host="127.0.0.1:%d"):
        return exchange(("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, host % port if "%d" in host else host)).encode())


    def snapshot():
        status, headers, body = get("/rings.json")
        assert status == 200, status
        return json.loads(body)


    # The known state, as the endpoint gives it.
    doc = snapshot()
    proc = [p for p in doc["processes"] if p["pid"] == int(pid)]
    check(len(proc) == 1 and len(proc[0]["rings"]) == 1, "the snapshot has the holder's one ring")
    live = proc[0]["rings"][0]["live"]
    check([s["user_data_hex"] for s in live["pending_sqes"]] == ["0x5e0001", "0x5e0002"],
          "its two pending SQEs, user_data in hex")
    check([c["user_data_hex"] for c in live["unreaped_cqes"]] == ["0xc0de0001", "0xc0de0002", "0xc0de0003"],
          "its three unreaped CQEs")
    check(live["pending_sqes"][0]["user_data"] == 0x5e0001, "user_data in decimal kept")
    status, headers, body = get("/")
    check(status == 200 and headers.get("content-type", "").startswith("text/html")
          and int(headers["content-length"]) == len(body), "the page, its length exact")
    check(b"http://" not in body.replace(b"http://www.w3.org/2000/svg", b"") and b"https://" not in body,
          "the page names no resource elsewhere")
    check("default-src 'none'" in headers.get("content-security-policy", ""),
          "a policy that lets the page load nothing from elsewhere")
    status, headers, body = exchange(b"HEAD /rings.json HTTP/1.1\r\nHost: localhost\r\n\r\n")
    check(status == 200 and body == b"" and int(headers["content-length"]) > 0, "HEAD: the head alone")
    status, headers, body = exchange(b"HEAD /nope HTTP/1.0\r\n\r\n")
    check(status == 404 and body == b"", "a HEAD refused: its head alone too")

    # Statuses.
    for raw, want, what in [
            (b"POST / HTTP/1.1\r\nHost: localhost\r\n\r\n", 405, "POST"),
            (b"GET /etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n", 404, "an unknown path"),
            (b"GET / HTTP/2.0\r\n\r\n", 505, "HTTP/2.0"),
            (b"GET / HTTP/1.1\r\nHost: rebind.example\r\n\r\n", 403, "a foreign Host (DNS rebinding)"),
            (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, "TLS bytes"),
            (b"GET / HTTP/1.1\r\nHost: localhost\r\nX: " + b"a" * 9000 + b"\r\n\r\n", 431, "a 9 KB head")]:
        status, _, _ = exchange(raw)
        check(status == want, "%s gets %d (got %s)" % (what, want, status))

    # Slow clients: one silent, one with half a head.  Others are served
    # meanwhile; both are closed at the deadline.
    silent, half = connect(), connect()
    half.sendall(b"GET /rings.json HTTP/1.1\r\nHost: loc")
    started = time.monotonic()
    check(get("/rings.json")[0] == 200, "served while two slow clients hold connections")
    closed_at = []
    for s in (silent, half):
        s.settimeout(TIMEOUT_S + 5)
        try:
            data = s.recv(100)
        except (ConnectionResetError, socket.timeout) as e:
            data = repr(e).encode()
        closed_at.append(time.monotonic() - started)
        check(data == b"", "a slow client is closed unanswered (got %r)" % data[:40])
        s.close()
    check(all(TIMEOUT_S - 0.5 <= t <= TIMEOUT_S + 2 for t in closed_at),
          "... at the %.0f s deadline (%s)" % (TIMEOUT_S, ", ".join("%.2f" % t for t in closed_at)))

    # More connections than the limit: the excess is closed, the server lives.
    crowd = [connect() for _ in range(MAX_CONNS + 16)]
    for s in crowd:
        s.setblocking(False)
    closed = set()


    def count_closed():
        for i, s in enumerate(crowd):
            if i in closed:
                continue
            try:
                if s.recv(1) == b"":
                    closed.add(i)
            except BlockingIOError:
                pass
            except ConnectionResetError:
                closed.add(i)
        return len(closed) >= 16


    check(wait_until(count_closed, 5), "%d of %d connections over the limit closed"
          % (len(closed), len(crowd)))
    for s in crowd:
        s.close()


    def served(to=None):
        try:
            return exchange(b"GET /rings.json HTTP/1.0\r\n\r\n", to=to)[0] == 200
        except OSError:
            return False


    check(wait_until(served, 5), "served after the crowd left")

    # Clients that vanish: a request then an immediate reset, many times.
    for _ in range(50):
        s = connect()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.sendall(b"GET /rings.json HTTP/1.1\r\nHost: localhost\r\n\r\n")
        s.close()
    check(get("/rings.json")[0] == 200, "served after 50 clients reset mid-exchange")

    # A change in the ring shows in the next snapshot.
    holder.stdin.write("change\n")
    holder.stdin.flush()
    check(holder.stdout.readline().strip() == "changed", "the holder changed its ring")
    live = [p for p in snapshot()["processes"] if p["pid"] == int(pid)][0]["rings"][0]["live"]
    check(live["pending_sqes"][-1]["user_data_hex"] == "0x5e0100", "the new pending SQE is there")

    # SIGTERM with a connection open: a clean end.
    idle = connect()
    server.send_signal(signal.SIGTERM)
    ends_cleanly(server, 3, "SIGTERM with an idle connection open")
    idle.close()
    err = server.stderr.read()
    check(err == "", "nothing on stderr (%r)" % err[:200])

    # SIGTERM while a connection's next step is already due (the server
    # stopped, so the signal and the bytes are read in one turn): it must not
    # go on with that exchange, with no deadline left.
    for what, before, after in [("half a head", b"", b"GET / HTTP/1.1\r\n"),
                                ("the drain after the response",
                                 b"GET /rings.json HTTP/1.1\r\nHost: localhost\r\n\r\n", b"x")]:
        server, server_port = start_server()
        c = connect(server_port)
        if before:
            c.sendall(before)
            reply = b""
            while b"\r\n\r\n" not in reply:
                reply += c.recv(65536)
            time.sleep(0.2)  # the response sent, the server reads on for our end
        server.send_signal(signal.SIGSTOP)
        server.send_signal(signal.SIGTERM)
        c.sendall(after)
        time.sleep(0.1)
        server.send_signal(signal.SIGCONT)
        ends_cleanly(server, 3, "SIGTERM racing " + what)
        c.close()

    # Out of fds: a failed accept waits before trying again, no busy loop.
    server, server_port = start_server(limit_fds=16)
    holders = []
    try:
        for _ in range(14):
            holders.append(connect(server_port))
    except OSError:
        pass
    time.sleep(0.3)


    def cpu_seconds(proc):
        fields = open("/proc/%d/stat" % proc.pid).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


    used = cpu_seconds(server)
    time.sleep(1.0)
    used = cpu_seconds(server) - used
    check(used < 0.3, "out of fds: %.2f s of CPU in 1 s (no busy accept loop)" % used)
    for h in holders:
        h.close()
    check(wait_until(lambda: served(server_port), 8), "served again once fds are free")
    server.send_signal(signal.SIGTERM)
    ends_cleanly(server, 3, "SIGTERM after running out of fds")
    holder.stdin.close()
    holder.wait(timeout=5)


holder = start([holder_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
first = holder.stdout.readline().split()
if holder.poll() == 77 or first[:1] != ["ready"]:
    print("ring_holder: no io_uring here")
    sys.exit(77)
pid = first[1]
server, port = start_server()
try:
    main()
finally:
    for proc in started_processes:  # whatever failed, nothing is left running
        if proc.poll() is None:
            proc.kill()
            proc.wait()
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
