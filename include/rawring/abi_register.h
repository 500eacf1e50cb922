/*
 * rawring/abi_register.h - the io_uring_register(2) opcodes, flags and
 * argument structures newer than the build host's <linux/io_uring.h>
 * (included by abi.h).
 */
#ifndef RAWRING_ABI_REGISTER_H
#define RAWRING_ABI_REGISTER_H

#endif /* RAWRING_ABI_REGISTER_H */
