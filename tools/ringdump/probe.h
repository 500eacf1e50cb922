/* `ringdump probe`: what the running kernel supports, with the release each
 * item arrived in. */
#ifndef RINGDUMP_PROBE_H
#define RINGDUMP_PROBE_H

#include "output.h"

/* Probe and print; 0 or -errno (io_uring unavailable). */
int rd_probe_run(struct rd_out *out);

/* Whether the kernel accepts setup flag bit `bit` (with the flags it needs
 * alongside): 1 yes, 0 no, -1 not probed (needs more than a flag). */
int rd_setup_flag_supported(unsigned bit);

#endif
