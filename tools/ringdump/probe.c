/*
 * The kernel's answers: opcodes from IORING_REGISTER_PROBE, setup flags by
 * trying io_uring_setup with each (plus what it depends on, and caller
 * memory for NO_MMAP), features from the params of a plain ring.  Register
 * opcodes cannot be probed without side effects, so they are listed with
 * their release only.  Each setup flag also says whether rawring takes it
 * (RR_SETUP_FLAGS_SUPPORTED) or refuses it.
 */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "names.h"
#include "rawring.h"

/* NO_MMAP: a ring in memory of our own (rr_ring_init_mem). */
static int no_mmap_supported(void)
{
	struct io_uring_params params;
	struct rr_ring ring;

	memset(&params, 0, sizeof(params));
	long size = rr_ring_mem_size(4, &params);
	if (size < 0)
		return 0;
	void *buf = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return -1;
	long ret = rr_ring_init_mem(4, &ring, &params, buf, (size_t)size);
	if (ret >= 0)
		rr_ring_exit(&ring);
	munmap(buf, (size_t)size);
	return ret >= 0;
}

int rd_setup_flag_supported(unsigned bit)
{
	unsigned flag = 1u << bit;
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	params.flags = flag;
	switch (flag) {
	case IORING_SETUP_SQ_AFF:
		params.flags |= IORING_SETUP_SQPOLL;
		break;
	case IORING_SETUP_CQSIZE:
		params.cq_entries = 8;
		break;
	case IORING_SETUP_TASKRUN_FLAG:
		params.flags |= IORING_SETUP_COOP_TASKRUN;
		break;
	case IORING_SETUP_DEFER_TASKRUN:
		params.flags |= IORING_SETUP_SINGLE_ISSUER;
		break;
	case IORING_SETUP_HYBRID_IOPOLL:
		params.flags |= IORING_SETUP_IOPOLL;
		break;
	case IORING_SETUP_NO_MMAP:
		return no_mmap_supported();
	case IORING_SETUP_SQ_REWIND:
		params.flags |= IORING_SETUP_NO_SQARRAY;
		break;
	case IORING_SETUP_ATTACH_WQ:
	case IORING_SETUP_REGISTERED_FD_ONLY:
		return -1; /* need another ring, or caller memory and no fd */
	default:
		if (bit > 20)
			return -1; /* newer flags with their own preconditions */
	}
	int fd = rr_io_uring_setup(4, &params);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return 0;
}

static void name_row(struct rd_out *out, const struct rd_name *n, const char *state,
		     const char *rawring)
{
	char note[96];

	if (rawring)
		snprintf(note, sizeof(note), "since %s; rawring %s", n->since, rawring);
	else
		snprintf(note, sizeof(note), "since %s", n->since);
	if (out->json) {
		rd_out_begin_item(out);
		rd_out_uint(out, "value", "value", n->value, NULL);
		rd_out_str(out, "name", "name", n->name, NULL);
		rd_out_str(out, "since", "since", n->since, NULL);
		rd_out_str(out, "supported", "supported", state, NULL);
		if (rawring)
			rd_out_str(out, "rawring", "rawring", rawring, NULL);
		rd_out_end(out);
		return;
	}
	char label[48];
	snprintf(label, sizeof(label), "%2u %s", n->value, n->name);
	rd_out_str(out, n->name, label, state, note);
}

int rd_probe_run(struct rd_out *out)
{
	struct rr_probe probe;
	struct rr_ring ring;
	struct utsname uts;

	int ret = rr_probe_kernel(&probe);
	if (ret < 0)
		return ret;
	ret = rr_ring_init(4, &ring, 0);
	if (ret < 0)
		return ret;
	unsigned features = ring.features;
	rr_ring_exit(&ring);

	uname(&uts);
	rd_out_begin(out, "kernel", "Kernel");
	rd_out_str(out, "release", "release", uts.release, NULL);
	rd_out_uint(out, "last_op", "last opcode", probe.last_op, "from IORING_REGISTER_PROBE");
	rd_out_end(out);

	rd_out_begin_array(out, "opcodes", "Opcodes (IORING_REGISTER_PROBE)");
	for (unsigned i = 0; i < rd_opcode_count; i++)
		name_row(out, &rd_opcodes[i],
			 rr_opcode_supported(&probe, rd_opcodes[i].value) ? "yes" : "no", NULL);
	for (unsigned op = rd_opcode_count; op <= probe.last_op; op++) {
		struct rd_name unknown = { op, "(unnamed)", "newer than this table" };
		name_row(out, &unknown, rr_opcode_supported(&probe, op) ? "yes" : "no", NULL);
	}
	rd_out_end_array(out);

	rd_out_begin_array(out, "setup_flags", "Setup flags (io_uring_setup accepts)");
	for (unsigned i = 0; i < rd_setup_flag_count; i++) {
		int state = rd_setup_flag_supported(rd_setup_flags[i].value);
		bool taken = RR_SETUP_FLAGS_SUPPORTED & (1u << rd_setup_flags[i].value);
		name_row(out, &rd_setup_flags[i],
			 state < 0 ? "not probed" : state ? "yes" : "no",
			 taken ? "takes it" : "refuses it (-EINVAL)");
	}
	rd_out_end_array(out);

	rd_out_begin_array(out, "features", "Features (io_uring_params.features)");
	for (unsigned i = 0; i < rd_feature_count; i++)
		name_row(out, &rd_features[i],
			 features & (1u << rd_features[i].value) ? "yes" : "no", NULL);
	rd_out_end_array(out);

	rd_out_begin_array(out, "register_ops", "Register opcodes (by release; not probed)");
	for (unsigned i = 0; i < rd_register_op_count; i++)
		name_row(out, &rd_register_ops[i], "not probed", NULL);
	rd_out_end_array(out);
	return 0;
}
