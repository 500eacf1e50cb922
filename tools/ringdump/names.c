#include "names.h"

#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const struct rd_name rd_opcodes[] = {
	{ 0, "NOP", "5.1" }, { 1, "READV", "5.1" }, { 2, "WRITEV", "5.1" },
	{ 3, "FSYNC", "5.1" }, { 4, "READ_FIXED", "5.1" }, { 5, "WRITE_FIXED", "5.1" },
	{ 6, "POLL_ADD", "5.1" }, { 7, "POLL_REMOVE", "5.1" },
	{ 8, "SYNC_FILE_RANGE", "5.2" }, { 9, "SENDMSG", "5.3" }, { 10, "RECVMSG", "5.3" },
	{ 11, "TIMEOUT", "5.4" }, { 12, "TIMEOUT_REMOVE", "5.5" }, { 13, "ACCEPT", "5.5" },
	{ 14, "ASYNC_CANCEL", "5.5" }, { 15, "LINK_TIMEOUT", "5.5" }, { 16, "CONNECT", "5.5" },
	{ 17, "FALLOCATE", "5.6" }, { 18, "OPENAT", "5.6" }, { 19, "CLOSE", "5.6" },
	{ 20, "FILES_UPDATE", "5.6" }, { 21, "STATX", "5.6" }, { 22, "READ", "5.6" },
	{ 23, "WRITE", "5.6" }, { 24, "FADVISE", "5.6" }, { 25, "MADVISE", "5.6" },
	{ 26, "SEND", "5.6" }, { 27, "RECV", "5.6" }, { 28, "OPENAT2", "5.6" },
	{ 29, "EPOLL_CTL", "5.6" }, { 30, "SPLICE", "5.7" }, { 31, "PROVIDE_BUFFERS", "5.7" },
	{ 32, "REMOVE_BUFFERS", "5.7" }, { 33, "TEE", "5.8" }, { 34, "SHUTDOWN", "5.11" },
	{ 35, "RENAMEAT", "5.11" }, { 36, "UNLINKAT", "5.11" }, { 37, "MKDIRAT", "5.15" },
	{ 38, "SYMLINKAT", "5.15" }, { 39, "LINKAT", "5.15" }, { 40, "MSG_RING", "5.18" },
	{ 41, "FSETXATTR", "5.19" }, { 42, "SETXATTR", "5.19" }, { 43, "FGETXATTR", "5.19" },
	{ 44, "GETXATTR", "5.19" }, { 45, "SOCKET", "5.19" }, { 46, "URING_CMD", "5.19" },
	{ 47, "SEND_ZC", "6.0" }, { 48, "SENDMSG_ZC", "6.1" }, { 49, "READ_MULTISHOT", "6.7" },
	{ 50, "WAITID", "6.7" }, { 51, "FUTEX_WAIT", "6.7" }, { 52, "FUTEX_WAKE", "6.7" },
	{ 53, "FUTEX_WAITV", "6.7" }, { 54, "FIXED_FD_INSTALL", "6.8" },
	{ 55, "FTRUNCATE", "6.9" }, { 56, "BIND", "6.11" }, { 57, "LISTEN", "6.11" },
	{ 58, "RECV_ZC", "6.15" }, { 59, "EPOLL_WAIT", "6.15" }, { 60, "READV_FIXED", "6.15" },
	{ 61, "WRITEV_FIXED", "6.15" }, { 62, "PIPE", "6.16" }, { 63, "NOP128", "newer" },
	{ 64, "URING_CMD128", "newer" },
};
const unsigned rd_opcode_count = COUNT(rd_opcodes);

const struct rd_name rd_setup_flags[] = {
	{ 0, "IOPOLL", "5.1" }, { 1, "SQPOLL", "5.1" }, { 2, "SQ_AFF", "5.1" },
	{ 3, "CQSIZE", "5.5" }, { 4, "CLAMP", "5.6" }, { 5, "ATTACH_WQ", "5.6" },
	{ 6, "R_DISABLED", "5.10" }, { 7, "SUBMIT_ALL", "5.18" },
	{ 8, "COOP_TASKRUN", "5.19" }, { 9, "TASKRUN_FLAG", "5.19" },
	{ 10, "SQE128", "5.19" }, { 11, "CQE32", "5.19" }, { 12, "SINGLE_ISSUER", "6.0" },
	{ 13, "DEFER_TASKRUN", "6.1" }, { 14, "NO_MMAP", "6.5" },
	{ 15, "REGISTERED_FD_ONLY", "6.5" }, { 16, "NO_SQARRAY", "6.6" },
	{ 17, "HYBRID_IOPOLL", "6.13" }, { 18, "CQE_MIXED", "6.18" },
	{ 19, "SQE_MIXED", "newer" }, { 20, "SQ_REWIND", "newer" },
};
const unsigned rd_setup_flag_count = COUNT(rd_setup_flags);

const struct rd_name rd_features[] = {
	{ 0, "SINGLE_MMAP", "5.4" }, { 1, "NODROP", "5.5" }, { 2, "SUBMIT_STABLE", "5.5" },
	{ 3, "RW_CUR_POS", "5.6" }, { 4, "CUR_PERSONALITY", "5.6" }, { 5, "FAST_POLL", "5.7" },
	{ 6, "POLL_32BITS", "5.9" }, { 7, "SQPOLL_NONFIXED", "5.11" }, { 8, "EXT_ARG", "5.11" },
	{ 9, "NATIVE_WORKERS", "5.12" }, { 10, "RSRC_TAGS", "5.13" }, { 11, "CQE_SKIP", "5.17" },
	{ 12, "LINKED_FILE", "5.17" }, { 13, "REG_REG_RING", "6.3" },
	{ 14, "RECVSEND_BUNDLE", "6.10" }, { 15, "MIN_TIMEOUT", "6.12" },
	{ 16, "RW_ATTR", "6.14" }, { 17, "NO_IOWAIT", "6.15" },
};
const unsigned rd_feature_count = COUNT(rd_features);

const struct rd_name rd_register_ops[] = {
	{ 0, "REGISTER_BUFFERS", "5.1" }, { 1, "UNREGISTER_BUFFERS", "5.1" },
	{ 2, "REGISTER_FILES", "5.1" }, { 3, "UNREGISTER_FILES", "5.1" },
	{ 4, "REGISTER_EVENTFD", "5.2" }, { 5, "UNREGISTER_EVENTFD", "5.2" },
	{ 6, "REGISTER_FILES_UPDATE", "5.5" }, { 7, "REGISTER_EVENTFD_ASYNC", "5.6" },
	{ 8, "REGISTER_PROBE", "5.6" }, { 9, "REGISTER_PERSONALITY", "5.6" },
	{ 10, "UNREGISTER_PERSONALITY", "5.6" }, { 11, "REGISTER_RESTRICTIONS", "5.10" },
	{ 12, "REGISTER_ENABLE_RINGS", "5.10" }, { 13, "REGISTER_FILES2", "5.13" },
	{ 14, "REGISTER_FILES_UPDATE2", "5.13" }, { 15, "REGISTER_BUFFERS2", "5.13" },
	{ 16, "REGISTER_BUFFERS_UPDATE", "5.13" }, { 17, "REGISTER_IOWQ_AFF", "5.14" },
	{ 18, "UNREGISTER_IOWQ_AFF", "5.14" }, { 19, "REGISTER_IOWQ_MAX_WORKERS", "5.15" },
	{ 20, "REGISTER_RING_FDS", "5.18" }, { 21, "UNREGISTER_RING_FDS", "5.18" },
	{ 22, "REGISTER_PBUF_RING", "5.19" }, { 23, "UNREGISTER_PBUF_RING", "5.19" },
	{ 24, "REGISTER_SYNC_CANCEL", "6.0" }, { 25, "REGISTER_FILE_ALLOC_RANGE", "6.0" },
	{ 26, "REGISTER_PBUF_STATUS", "6.8" }, { 27, "REGISTER_NAPI", "6.9" },
	{ 28, "UNREGISTER_NAPI", "6.9" }, { 29, "REGISTER_CLOCK", "6.12" },
	{ 30, "REGISTER_CLONE_BUFFERS", "6.12" }, { 31, "REGISTER_SEND_MSG_RING", "6.13" },
	{ 32, "REGISTER_ZCRX_IFQ", "6.15" }, { 33, "REGISTER_RESIZE_RINGS", "6.13" },
	{ 34, "REGISTER_MEM_REGION", "6.13" }, { 35, "REGISTER_QUERY", "newer" },
	{ 36, "REGISTER_ZCRX_CTRL", "newer" }, { 37, "REGISTER_BPF_FILTER", "newer" },
};
const unsigned rd_register_op_count = COUNT(rd_register_ops);

const char *rd_opcode_name(unsigned op)
{
	return op < rd_opcode_count ? rd_opcodes[op].name : NULL;
}

void rd_bit_names(const struct rd_name *table, unsigned count, unsigned bits,
		  char *buf, unsigned size)
{
	unsigned used = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < 32; bit++) {
		if (!(bits & (1u << bit)))
			continue;
		const char *name = NULL;
		for (unsigned i = 0; i < count; i++)
			if (table[i].value == bit)
				name = table[i].name;
		char unknown[16];
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			name = unknown;
		}
		int n = snprintf(buf + used, size - used, "%s%s", used ? "|" : "", name);
		if (n < 0 || (unsigned)n >= size - used)
			break;
		used += (unsigned)n;
	}
	if (!used)
		snprintf(buf, size, "none");
}
