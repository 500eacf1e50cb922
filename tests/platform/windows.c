/*
 * The test platform on Windows.  Files are opened for overlapped I/O, as
 * the IOCP backend needs; the helpers that read them outside the loop set
 * the low bit of the OVERLAPPED's event, which keeps their completion off
 * a port the handle may be tied to.
 */
#include "platform.h"

#include <windows.h>
#include <process.h>
#include <stdio.h>
#include <string.h>

#include "../driver/rr_test.h"

static void winsock_once(void)
{
	static int started;
	WSADATA wsa;

	if (!started++)
		cr_assert_eq(WSAStartup(MAKEWORD(2, 2), &wsa), 0);
}


/* A synchronous ReadFile/WriteFile at `offset` on an overlapped handle. */
static long transfer_at(rr_fd_t fd, void *buf, size_t len, uint64_t offset, bool writing)
{
	OVERLAPPED ov;
	DWORD bytes = 0;
	HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);

	memset(&ov, 0, sizeof(ov));
	ov.Offset = (DWORD)offset;
	ov.OffsetHigh = (DWORD)(offset >> 32);
	ov.hEvent = (HANDLE)((uintptr_t)event | 1); /* no completion packet */
	BOOL ok = writing ? WriteFile((HANDLE)fd, buf, (DWORD)len, NULL, &ov)
			  : ReadFile((HANDLE)fd, buf, (DWORD)len, NULL, &ov);
	if (ok || GetLastError() == ERROR_IO_PENDING)
		ok = GetOverlappedResult((HANDLE)fd, &ov, &bytes, TRUE);
	DWORD err = GetLastError();
	CloseHandle(event);
	if (!ok)
		return err == ERROR_HANDLE_EOF ? 0 : -1;
	return (long)bytes;
}

rr_fd_t temp_file(size_t size, unsigned seed, char *path_out, size_t path_len)
{
	char dir[MAX_PATH], path[MAX_PATH];

	cr_assert_neq(GetTempPathA(sizeof(dir), dir), 0u);
	cr_assert_neq(GetTempFileNameA(dir, "rr", 0, path), 0u, "GetTempFileName: %lu",
		      GetLastError());
	HANDLE file = CreateFileA(path, GENERIC_READ | GENERIC_WRITE,
				  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
				  NULL, OPEN_EXISTING,
				  FILE_FLAG_OVERLAPPED | (path_out ? 0 : FILE_FLAG_DELETE_ON_CLOSE),
				  NULL);
	cr_assert_neq(file, INVALID_HANDLE_VALUE, "CreateFile(%s): %lu", path, GetLastError());

	unsigned char chunk[65536];
	for (size_t done = 0; done < size;) {
		size_t n = size - done < sizeof(chunk) ? size - done : sizeof(chunk);
		for (size_t i = 0; i < n; i++)
			chunk[i] = pattern_byte(seed, done + i);
		cr_assert_eq(transfer_at((rr_fd_t)file, chunk, n, done, true), (long)n);
		done += n;
	}
	if (path_out)
		snprintf(path_out, path_len, "%s", path);
	return (rr_fd_t)file;
}

void remove_file(const char *path)
{
	DeleteFileA(path);
}

void file_seek(rr_fd_t fd, uint64_t offset)
{
	LARGE_INTEGER to = { .QuadPart = (LONGLONG)offset };

	cr_assert(SetFilePointerEx((HANDLE)fd, to, NULL, FILE_BEGIN));
}

uint64_t file_position(rr_fd_t fd)
{
	LARGE_INTEGER zero = { .QuadPart = 0 }, position;

	cr_assert(SetFilePointerEx((HANDLE)fd, zero, &position, FILE_CURRENT));
	return (uint64_t)position.QuadPart;
}

long file_pread(rr_fd_t fd, void *buf, size_t len, uint64_t offset)
{
	return transfer_at(fd, buf, len, offset, false);
}


rr_fd_t tcp_socket(void)
{
	winsock_once();
	SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
			      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	cr_assert_neq(s, INVALID_SOCKET, "WSASocket: %d", WSAGetLastError());
	return (rr_fd_t)s;
}

rr_fd_t listen_loopback(uint16_t *port_out)
{
	struct sockaddr_in addr = loopback_addr(0);
	int len = sizeof(addr);
	rr_fd_t fd = tcp_socket();

	cr_assert_eq(bind((SOCKET)fd, (struct sockaddr *)&addr, sizeof(addr)), 0,
		     "bind: %d", WSAGetLastError());
	cr_assert_eq(listen((SOCKET)fd, SOMAXCONN), 0);
	cr_assert_eq(getsockname((SOCKET)fd, (struct sockaddr *)&addr, &len), 0);
	*port_out = ntohs(addr.sin_port);
	return fd;
}

rr_fd_t connect_loopback(uint16_t port)
{
	struct sockaddr_in addr = loopback_addr(port);
	rr_fd_t fd = tcp_socket();

	cr_assert_eq(connect((SOCKET)fd, (struct sockaddr *)&addr, sizeof(addr)), 0,
		     "connect: %d", WSAGetLastError());
	return fd;
}

rr_fd_t accept_blocking(rr_fd_t listener)
{
	SOCKET s = accept((SOCKET)listener, NULL, NULL);

	cr_assert_neq(s, INVALID_SOCKET, "accept: %d", WSAGetLastError());
	return (rr_fd_t)s;
}

void stream_pair(rr_fd_t fds[2])
{
	uint16_t port;
	rr_fd_t listener = listen_loopback(&port);

	fds[0] = connect_loopback(port);
	fds[1] = accept_blocking(listener);
	closesocket((SOCKET)listener);
}

void sock_small_send_buffer(rr_fd_t fd, int bytes)
{
	cr_assert_eq(setsockopt((SOCKET)fd, SOL_SOCKET, SO_SNDBUF, (const char *)&bytes,
				(int)sizeof(bytes)), 0);
}

void sock_shutdown_write(rr_fd_t fd)
{
	shutdown((SOCKET)fd, SD_SEND);
}

long sock_send(rr_fd_t fd, const void *buf, size_t len)
{
	return send((SOCKET)fd, buf, (int)len, 0);
}

long sock_recv(rr_fd_t fd, void *buf, size_t len)
{
	return recv((SOCKET)fd, buf, (int)len, 0);
}

int close_fd(rr_fd_t fd)
{
	int type, len = sizeof(type);

	if (getsockopt((SOCKET)fd, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0)
		return closesocket((SOCKET)fd) == 0 ? 0 : -1;
	return CloseHandle((HANDLE)fd) ? 0 : -1;
}

int fd_is_open(rr_fd_t fd)
{
	DWORD flags;

	return GetHandleInformation((HANDLE)fd, &flags) != 0;
}

int count_open_fds(void)
{
	DWORD count = 0;

	cr_assert(GetProcessHandleCount(GetCurrentProcess(), &count));
	return (int)count;
}

uint64_t now_ns(void)
{
	return rr_now_ns();
}

void sleep_ms(unsigned ms)
{
	Sleep(ms);
}

static unsigned __stdcall thread_main(void *arg)
{
	struct test_thread *thread = arg;

	thread->fn(thread->arg);
	return 0;
}

void thread_start(struct test_thread *thread, void *(*fn)(void *), void *arg)
{
	thread->fn = fn;
	thread->arg = arg;
	thread->native = _beginthreadex(NULL, 0, thread_main, thread, 0, NULL);
	cr_assert_neq(thread->native, 0u);
}

void thread_join(struct test_thread *thread)
{
	WaitForSingleObject((HANDLE)thread->native, INFINITE);
	CloseHandle((HANDLE)thread->native);
}

bool running_under_wine(void)
{
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");

	return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
}
