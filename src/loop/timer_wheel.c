/*
 * The timer wheel (timer_wheel.h): where each timer's heap is, and the
 * cursor's walk from one non-empty heap to the next.
 */
#include <stdlib.h>

#include "../common/fault.h"
#include "timer_heap.h"
#include "timer_wheel.h"

#define T(op) ((op)->args.timer)
#define SLOT_MASK (RR_TIMER_SLOTS - 1u)
#define BITMAP_WORDS (RR_TIMER_SLOTS / 64)

/* Where a timer is: args.timer.where, the level above the slot's index. */
enum { LEVEL_SLOTS = 0, LEVEL_BLOCKS = 1, LEVEL_OVERFLOW = 2 };
#define WHERE(level, index) (((unsigned)(level) << RR_TIMER_SLOT_BITS) | (index))
#define WHERE_LEVEL(where) ((where) >> RR_TIMER_SLOT_BITS)
#define WHERE_INDEX(where) ((where) & SLOT_MASK)

/* The wake-up instant of `deadline`, in slack units, rounded up. */
static uint64_t slot_key(uint64_t deadline_ns)
{
	return deadline_ns / RR_TIMER_SLACK_NS + (deadline_ns % RR_TIMER_SLACK_NS != 0);
}

static uint64_t block_of(uint64_t key)
{
	return key >> RR_TIMER_SLOT_BITS;
}

struct rr_timer_wheel *rr__timers_new(uint64_t now_ns)
{
	struct rr_timer_wheel *wheel =
		RR_FAULTABLE(RR_FAULT_ALLOC, NULL, calloc(1, sizeof(*wheel)));

	if (wheel)
		wheel->cursor = slot_key(now_ns);
	return wheel;
}

void rr__timers_free(struct rr_timer_wheel *wheel)
{
	free(wheel);
}

static struct rr_op **heap_at(struct rr_timer_wheel *wheel, unsigned where)
{
	switch (WHERE_LEVEL(where)) {
	case LEVEL_SLOTS:
		return &wheel->slots[WHERE_INDEX(where)];
	case LEVEL_BLOCKS:
		return &wheel->blocks[WHERE_INDEX(where)];
	default:
		return &wheel->overflow;
	}
}

static uint64_t *bitmap_of(struct rr_timer_wheel *wheel, unsigned where)
{
	return WHERE_LEVEL(where) == LEVEL_SLOTS ? wheel->slot_bits : wheel->block_bits;
}

static void mark(struct rr_timer_wheel *wheel, unsigned where)
{
	if (WHERE_LEVEL(where) != LEVEL_OVERFLOW)
		bitmap_of(wheel, where)[WHERE_INDEX(where) / 64] |=
			1ull << (WHERE_INDEX(where) % 64);
}

/* The heap at `where` has just been emptied. */
static void unmark(struct rr_timer_wheel *wheel, unsigned where)
{
	if (WHERE_LEVEL(where) != LEVEL_OVERFLOW)
		bitmap_of(wheel, where)[WHERE_INDEX(where) / 64] &=
			~(1ull << (WHERE_INDEX(where) % 64));
}

/* Insert `op` into the heap its deadline belongs to from the cursor's
 * point of view.  A deadline whose key the cursor has passed (it is due,
 * or the cursor skipped ahead over empty slots) joins the cursor's heap:
 * every heap before it is empty, so it is still the earliest there. */
static void place(struct rr_timer_wheel *wheel, struct rr_op *op)
{
	uint64_t key = slot_key(T(op).deadline_ns);
	if (key < wheel->cursor)
		key = wheel->cursor;
	uint64_t ahead = block_of(key) - block_of(wheel->cursor);
	unsigned where = ahead == 0		 ? WHERE(LEVEL_SLOTS, key & SLOT_MASK)
			 : ahead < RR_TIMER_SLOTS ? WHERE(LEVEL_BLOCKS, block_of(key) & SLOT_MASK)
						  : WHERE(LEVEL_OVERFLOW, 0);

	T(op).where = where;
	rr__timer_insert(heap_at(wheel, where), op);
	mark(wheel, where);
}

void rr__timers_add(struct rr_timer_wheel *wheel, struct rr_op *op)
{
	wheel->count++;
	place(wheel, op);
}

void rr__timers_remove(struct rr_timer_wheel *wheel, struct rr_op *op)
{
	struct rr_op **heap = heap_at(wheel, T(op).where);

	rr__timer_remove(heap, op);
	if (!*heap)
		unmark(wheel, T(op).where);
	wheel->count--;
}

/* The first set bit of `bits` at or after `from`, circularly, as a
 * distance from `from`; RR_TIMER_SLOTS when none is set. */
static unsigned next_set(const uint64_t *bits, unsigned from)
{
	for (unsigned step = 0; step <= BITMAP_WORDS; step++) {
		unsigned word = (from / 64 + step) % BITMAP_WORDS;
		uint64_t w = bits[word];
		if (step == 0)
			w &= ~0ull << (from % 64);   /* this word, from `from` on */
		else if (step == BITMAP_WORDS)
			w &= ~(~0ull << (from % 64)); /* wrapped round: below `from` */
		if (w) {
			unsigned index = word * 64 + (unsigned)__builtin_ctzll(w);
			return (index - from) & SLOT_MASK;
		}
	}
	return RR_TIMER_SLOTS;
}

/* Give every timer of the heap rooted at `root` its place again (a block
 * handed down, overflow timers come within reach).  The heap is walked, not
 * popped in order: each node's children join the walk before it moves. */
static void replace_all(struct rr_timer_wheel *wheel, struct rr_op *root)
{
	struct rr_op *todo = root; /* linked through sibling */

	while (todo) {
		struct rr_op *op = todo;
		todo = T(op).sibling;
		struct rr_op *child = T(op).child;
		if (child) {
			struct rr_op *last = child;
			while (T(last).sibling)
				last = T(last).sibling;
			T(last).sibling = todo;
			todo = child;
		}
		place(wheel, op); /* resets op's links */
	}
}

/* The slot level is empty: move the cursor to the start of the next block
 * that holds timers, hand that block down, and draw in the overflow timers
 * now within the block level's reach.  False when no timer is armed.
 * (Not "near" and "far": <windows.h> defines both as macros.) */
static bool advance(struct rr_timer_wheel *wheel)
{
	uint64_t block = block_of(wheel->cursor);
	unsigned from = (unsigned)((block + 1) & SLOT_MASK);
	unsigned distance = next_set(wheel->block_bits, from);
	uint64_t next;

	if (distance < RR_TIMER_SLOTS - 1)
		next = block + 1 + distance;
	else if (wheel->overflow)
		next = block_of(slot_key(T(wheel->overflow).deadline_ns));
	else
		return false;
	wheel->cursor = next << RR_TIMER_SLOT_BITS;

	unsigned where = WHERE(LEVEL_BLOCKS, next & SLOT_MASK);
	struct rr_op **handed_down = heap_at(wheel, where);
	struct rr_op *root = *handed_down;
	*handed_down = NULL;
	unmark(wheel, where);
	replace_all(wheel, root);

	while (wheel->overflow &&
	       block_of(slot_key(T(wheel->overflow).deadline_ns)) - next < RR_TIMER_SLOTS) {
		struct rr_op *op = rr__timer_pop(&wheel->overflow);
		place(wheel, op);
	}
	return true;
}

struct rr_op *rr__timers_earliest(struct rr_timer_wheel *wheel)
{
	if (!wheel->count)
		return NULL;
	for (;;) {
		/* The slots below the cursor are empty: the first set bit is
		 * the earliest heap of the block. */
		unsigned distance = next_set(wheel->slot_bits, 0);
		if (distance < RR_TIMER_SLOTS) {
			wheel->cursor = (wheel->cursor & ~(uint64_t)SLOT_MASK) | distance;
			return wheel->slots[distance];
		}
		if (!advance(wheel))
			return NULL; /* (count says otherwise: cannot happen) */
	}
}

struct rr_op *rr__timers_pop_due(struct rr_timer_wheel *wheel, uint64_t now_ns)
{
	struct rr_op *op = rr__timers_earliest(wheel);

	if (!op || T(op).deadline_ns > now_ns)
		return NULL;
	rr__timers_remove(wheel, op);
	return op;
}
