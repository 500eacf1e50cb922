/*
 * Names of the io_uring ABI's numbers, with the kernel release each arrived
 * in (upstream history; "newer" where this table does not pin it down).
 * The running kernel's own answer always comes from a probe, not from here.
 */
#ifndef RINGDUMP_NAMES_H
#define RINGDUMP_NAMES_H

struct rd_name {
	unsigned value;       /* bit number for flags, the number for opcodes */
	const char *name;
	const char *since;    /* kernel release */
};

extern const struct rd_name rd_opcodes[];
extern const unsigned rd_opcode_count;
extern const struct rd_name rd_setup_flags[];   /* value: bit number */
extern const unsigned rd_setup_flag_count;
extern const struct rd_name rd_features[];      /* value: bit number */
extern const unsigned rd_feature_count;
extern const struct rd_name rd_register_ops[];
extern const unsigned rd_register_op_count;

/* The name of opcode `op`, or NULL. */
const char *rd_opcode_name(unsigned op);

/* Write the names of the bits set in `bits` ("SQPOLL|CQSIZE"), or "none",
 * into buf. */
void rd_bit_names(const struct rd_name *table, unsigned count, unsigned bits,
		  char *buf, unsigned size);

#endif
