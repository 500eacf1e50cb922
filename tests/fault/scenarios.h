/* The scenarios of the fault walks (see walk.h). */
#ifndef RAWRING_TEST_FAULT_SCENARIOS_H
#define RAWRING_TEST_FAULT_SCENARIOS_H

#include "walk.h"

/* One NOP. */
scenario_fn scenario_setup;
/* A loopback TCP round trip of 4 KiB: accept, connect, send, recv, echo. */
scenario_fn scenario_echo;
/* 64 KiB copied between temp files in four chunks, fsync, a read past EOF. */
scenario_fn scenario_file;
/* Three timers fire in deadline order; a fourth is cancelled. */
scenario_fn scenario_timers;
/* An idle recv and an idle accept are cancelled. */
scenario_fn scenario_cancel;
/* Three buffers of a send group in one send bundle, received whole. */
scenario_fn scenario_bundle;

#endif
