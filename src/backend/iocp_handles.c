/*
 * Tying handles to the loop's completion port.
 *
 * A handle can be tied to one port, once, and Windows offers no way to ask
 * whether it is.  So every op tries: CreateIoCompletionPort succeeds for a
 * handle new to the port, and fails with ERROR_INVALID_PARAMETER for one
 * already tied.  The attempt is what keeps a reused handle value honest:
 * an application may close a handle without the loop and get the same
 * value back for a new socket, which must be tied afresh.  What the backend
 * learned at the first tie (socket or file, skip-on-success set) is kept
 * in a table keyed by the handle value and rewritten at each fresh tie.
 *
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is set only where it is safe: files,
 * and sockets whose provider hands out real file handles (XP1_IFS_HANDLES);
 * a layered provider without them may still queue a packet after a
 * synchronous success, which the backend would then report twice.
 */
#include <errno.h>
#include <stdlib.h>

#include "../common/fault.h"
#include "iocp_shared.h"

static size_t slot_of(HANDLE handle, size_t capacity)
{
	/* Handle values are multiples of 4. */
	uint64_t key = (uint64_t)(uintptr_t)handle >> 2;

	return (size_t)(key * 0x9e3779b97f4a7c15ull >> 17) & (capacity - 1);
}

static struct iocp_handle_entry *find(struct iocp_handles *handles, HANDLE handle)
{
	if (!handles->capacity)
		return NULL;
	for (size_t i = slot_of(handle, handles->capacity);; i = (i + 1) & (handles->capacity - 1)) {
		struct iocp_handle_entry *entry = &handles->slots[i];
		if (!entry->flags || entry->handle == handle)
			return entry;
	}
}

static int grow(struct iocp_handles *handles)
{
	size_t capacity = handles->capacity ? handles->capacity * 2 : 64;
	struct iocp_handle_entry *slots = RR_FAULTABLE(RR_FAULT_ALLOC, NULL,
						       calloc(capacity, sizeof(*slots)));

	if (!slots)
		return -ENOMEM;
	struct iocp_handles bigger = { slots, capacity, 0 };
	for (size_t i = 0; i < handles->capacity; i++) {
		struct iocp_handle_entry *old = &handles->slots[i];
		if (old->flags) {
			*find(&bigger, old->handle) = *old;
			bigger.used++;
		}
	}
	free(handles->slots);
	*handles = bigger;
	return 0;
}

/* What a fresh tie learns about the handle, and the skip mode it sets. */
static struct iocp_handle_entry describe(struct iocp *io, HANDLE handle)
{
	struct iocp_handle_entry entry = { handle, IOCP_HANDLE_KNOWN, 0 };
	WSAPROTOCOL_INFOW info;
	int len = sizeof(info);
	bool skip_safe;

	io->syscalls++;
	if (getsockopt((SOCKET)handle, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info,
		       &len) == 0) {
		entry.flags |= IOCP_HANDLE_SOCKET;
		entry.family = (uint16_t)info.iAddressFamily;
		skip_safe = (info.dwServiceFlags1 & XP1_IFS_HANDLES) != 0;
	} else {
		io->syscalls++;
		if (GetFileType(handle) == FILE_TYPE_DISK)
			entry.flags |= IOCP_HANDLE_DISK;
		skip_safe = true;
	}
	if (skip_safe && io->skip_on_success) {
		io->syscalls++;
		if (SetFileCompletionNotificationModes(handle,
						       FILE_SKIP_COMPLETION_PORT_ON_SUCCESS |
							       FILE_SKIP_SET_EVENT_ON_HANDLE))
			entry.flags |= IOCP_HANDLE_SKIP;
	}
	return entry;
}

int rr__iocp_attach(struct iocp *io, HANDLE handle, uint8_t *flags,
		    uint16_t *family)
{
	struct iocp_handles *handles = &io->handles;

	if (handle == NULL || handle == INVALID_HANDLE_VALUE)
		return -EBADF;
	io->syscalls++;
	if (!CreateIoCompletionPort(handle, io->port, 0, 0)) {
		DWORD err = GetLastError();
		if (err != ERROR_INVALID_PARAMETER)
			return -rr__iocp_errno(err);
		/* Tied already: by this loop (the table says how), or by
		 * another port, which then gets the packets (see the README). */
		struct iocp_handle_entry *known = find(handles, handle);
		if (!known || !known->flags)
			return -EINVAL;
		*flags = known->flags;
		*family = known->family;
		return 0;
	}
	if ((handles->used + 1) * 2 > handles->capacity) {
		int ret = grow(handles);
		if (ret < 0)
			return ret;
	}
	struct iocp_handle_entry *entry = find(handles, handle);
	if (!entry->flags)
		handles->used++;
	*entry = describe(io, handle);
	*flags = entry->flags;
	*family = entry->family;
	return 0;
}

void rr__iocp_handles_free(struct iocp_handles *handles)
{
	free(handles->slots);
	handles->slots = NULL;
	handles->capacity = handles->used = 0;
}
