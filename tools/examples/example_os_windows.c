/*
 * The examples' calls outside the loop, on Windows: Winsock sockets and
 * files opened for overlapped I/O (what the IOCP backend needs), and the
 * demo client on a thread.
 */
#include "example_support.h"

#include <windows.h>
#include <process.h>
#include <stdio.h>
#include <string.h>

/* Winsock needs starting once per process; the loop starts it too, but a
 * listener is made before the loop. */
static int winsock(void)
{
	static int started;
	WSADATA wsa;

	if (!started && WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
		return -EIO;
	started = 1;
	return 0;
}

static rr_fd_t tcp_socket(void)
{
	if (winsock() < 0)
		return -EIO;
	SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
			      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	return s == INVALID_SOCKET ? -EMFILE : (rr_fd_t)s;
}

rr_fd_t example_listen(uint16_t port, uint16_t *bound_port)
{
	struct sockaddr_in addr = example_loopback(port);
	int len = sizeof(addr);
	rr_fd_t fd = tcp_socket();

	if (fd < 0)
		return fd;
	if (bind((SOCKET)fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    listen((SOCKET)fd, SOMAXCONN) != 0 ||
	    getsockname((SOCKET)fd, (struct sockaddr *)&addr, &len) != 0) {
		int err = WSAGetLastError() == WSAEADDRINUSE ? -EADDRINUSE : -EIO;
		closesocket((SOCKET)fd);
		return err;
	}
	*bound_port = ntohs(addr.sin_port);
	return fd;
}

rr_fd_t example_connect(uint16_t port)
{
	struct sockaddr_in addr = example_loopback(port);
	rr_fd_t fd = tcp_socket();

	if (fd < 0)
		return fd;
	if (connect((SOCKET)fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		int err = WSAGetLastError() == WSAECONNREFUSED ? -ECONNREFUSED : -EIO;
		closesocket((SOCKET)fd);
		return err;
	}
	return fd;
}

long example_send(rr_fd_t fd, const void *buf, size_t len)
{
	return send((SOCKET)fd, buf, (int)len, 0);
}

long example_recv(rr_fd_t fd, void *buf, size_t len)
{
	return recv((SOCKET)fd, buf, (int)len, 0);
}

static rr_fd_t open_file(const char *path, DWORD access, DWORD creation)
{
	HANDLE file = CreateFileA(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE,
				  NULL, creation, FILE_FLAG_OVERLAPPED, NULL);

	if (file == INVALID_HANDLE_VALUE) {
		DWORD err = GetLastError();
		return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND ? -ENOENT
		       : err == ERROR_ACCESS_DENIED ? -EACCES : -EIO;
	}
	return (rr_fd_t)file;
}

rr_fd_t example_open_read(const char *path, uint64_t *size)
{
	LARGE_INTEGER bytes;
	rr_fd_t fd = open_file(path, GENERIC_READ, OPEN_EXISTING);

	if (fd >= 0 && !GetFileSizeEx((HANDLE)fd, &bytes)) {
		CloseHandle((HANDLE)fd);
		return -EIO;
	}
	if (fd >= 0)
		*size = (uint64_t)bytes.QuadPart;
	return fd;
}

rr_fd_t example_open_write(const char *path)
{
	return open_file(path, GENERIC_WRITE, CREATE_ALWAYS);
}

int example_close(rr_fd_t fd)
{
	int type, len = sizeof(type);

	if (getsockopt((SOCKET)fd, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0)
		return closesocket((SOCKET)fd) == 0 ? 0 : -EIO;
	return CloseHandle((HANDLE)fd) ? 0 : -EIO;
}

static unsigned __stdcall client_thread(void *arg)
{
	return (unsigned)demo_client_run(arg);
}

int demo_client_start(struct demo_client *client, uint16_t port, int connections,
		      int messages, size_t size)
{
	*client = (struct demo_client){ .port = port, .connections = connections,
					.messages = messages, .size = size };
	fflush(stdout);
	if (winsock() < 0)
		return -EIO;
	client->handle = (intptr_t)_beginthreadex(NULL, 0, client_thread, client, 0, NULL);
	return client->handle ? 0 : -errno;
}

bool demo_client_done(struct demo_client *client)
{
	DWORD code;

	if (WaitForSingleObject((HANDLE)client->handle, 0) != WAIT_OBJECT_0)
		return false;
	client->status = GetExitCodeThread((HANDLE)client->handle, &code) ? (int)code : 1;
	CloseHandle((HANDLE)client->handle);
	return true;
}
