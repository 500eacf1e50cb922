/*
 * rawring/abi_ops.h - the opcodes and per-opcode flags of the io_uring ABI
 * newer than the build host's <linux/io_uring.h> (included by abi.h).
 */
#ifndef RAWRING_ABI_OPS_H
#define RAWRING_ABI_OPS_H

#endif /* RAWRING_ABI_OPS_H */
