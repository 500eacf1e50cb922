/*
 * rawring/misuse.h - how the library meets a caller error it can detect
 * but not return (an inline helper, a call that returns nothing).
 */
#ifndef RAWRING_MISUSE_H
#define RAWRING_MISUSE_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A caller error: `what` says which.  A library built with asserts (without
 * NDEBUG; rr_loop_asserts_enabled) prints it and aborts; one built without
 * returns, and the caller goes on the documented safe way (a length
 * clamped, a count bounded, an op left alone).
 */
#if defined(__GNUC__) || defined(__clang__)
/* Cold: the compiler keeps the caller's fast path free of it (no spills,
 * no prologue for a call that almost never happens). */
__attribute__((cold))
#endif
void rr__misuse(const char *what);

#ifdef __cplusplus
}
#endif

#endif /* RAWRING_MISUSE_H */
