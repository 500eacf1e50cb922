/*
 * Which thread is calling, as a number no other thread of the process ever
 * gets (pthread_t values are reused once a thread exits, and a forked child
 * keeps its parent's): the kernel's table of registered rings belongs to
 * one thread, and rawring enters by a registered index only from it.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "ring_internal.h"

static _Thread_local unsigned long long this_thread_token;
static _Atomic unsigned long long last_token;
static pthread_once_t fork_handler_once = PTHREAD_ONCE_INIT;

/* In a forked child the thread is a new task with an empty table. */
static void forget_token_in_child(void)
{
	this_thread_token = 0;
}

static void install_fork_handler(void)
{
	(void)pthread_atfork(NULL, NULL, forget_token_in_child);
}

unsigned long long rr__thread_token(void)
{
	if (!this_thread_token) {
		pthread_once(&fork_handler_once, install_fork_handler);
		this_thread_token = atomic_fetch_add(&last_token, 1) + 1;
	}
	return this_thread_token;
}
