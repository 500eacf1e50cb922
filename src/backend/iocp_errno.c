/*
 * Windows error codes to the errno values the other backends report, so
 * that a callback sees -ECONNREFUSED for a refused connect on every
 * platform.  Winsock codes (WSAE*) and Win32 codes (ERROR_*) both arrive
 * here: overlapped socket calls report either, depending on the path.
 */
#include <errno.h>

#include "iocp_shared.h"

int rr__iocp_errno(DWORD code)
{
	switch (code) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
		return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
	case WSAEACCES:
		return EACCES;
	case ERROR_FILE_EXISTS:
	case ERROR_ALREADY_EXISTS:
		return EEXIST;
	case ERROR_INVALID_HANDLE:
	case WSAEBADF:
		return EBADF;
	case WSAENOTSOCK:
		return ENOTSOCK;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
	case ERROR_NO_SYSTEM_RESOURCES:
		return ENOMEM;
	case ERROR_TOO_MANY_OPEN_FILES:
	case WSAEMFILE:
		return EMFILE;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL:
		return ENOSPC;
	case ERROR_INVALID_PARAMETER:
	case ERROR_INVALID_NAME:
	case ERROR_NEGATIVE_SEEK:
	case WSAEINVAL:
		return EINVAL;
	case ERROR_FILENAME_EXCED_RANGE:
	case WSAENAMETOOLONG:
		return ENAMETOOLONG;
	case ERROR_DIRECTORY:
		return ENOTDIR;
	case ERROR_DIR_NOT_EMPTY:
		return ENOTEMPTY;
	case ERROR_OPERATION_ABORTED:
		return ECANCELED;
	case ERROR_BROKEN_PIPE:
	case ERROR_NO_DATA:
	case WSAESHUTDOWN:
		return EPIPE;
	case ERROR_NOT_SUPPORTED:
	case ERROR_INVALID_FUNCTION:
	case WSAEOPNOTSUPP:
		return EOPNOTSUPP;
	case ERROR_NOACCESS:
	case WSAEFAULT:
		return EFAULT;
	case ERROR_CONNECTION_REFUSED:
	case WSAECONNREFUSED:
		return ECONNREFUSED;
	case ERROR_NETNAME_DELETED:
	case WSAECONNRESET:
		return ECONNRESET;
	case ERROR_CONNECTION_ABORTED:
	case WSAECONNABORTED:
		return ECONNABORTED;
	case ERROR_NETWORK_UNREACHABLE:
	case WSAENETUNREACH:
		return ENETUNREACH;
	case ERROR_HOST_UNREACHABLE:
	case WSAEHOSTUNREACH:
		return EHOSTUNREACH;
	case ERROR_SEM_TIMEOUT:
	case WSAETIMEDOUT:
		return ETIMEDOUT;
	case WSAENOTCONN:
		return ENOTCONN;
	case WSAEISCONN:
		return EISCONN;
	case WSAEADDRINUSE:
		return EADDRINUSE;
	case WSAEADDRNOTAVAIL:
		return EADDRNOTAVAIL;
	case WSAEAFNOSUPPORT:
		return EAFNOSUPPORT;
	case WSAEMSGSIZE:
		return EMSGSIZE;
	case WSAENOBUFS:
		return ENOBUFS;
	case WSAEWOULDBLOCK:
		return EAGAIN;
	case WSAEINTR:
		return EINTR;
	case WSAEALREADY:
		return EALREADY;
	case WSAEINPROGRESS:
		return EINPROGRESS;
	default:
		return EIO;
	}
}
