/*
 * Pairing heap.  Each node keeps its first child, its next sibling, and
 * `prev`: the parent for a first child, the previous sibling otherwise.
 * Merging children uses the two-pass scheme iteratively, since after a
 * million inserts the root has a million children and recursion would
 * exhaust the stack.
 */
#include <stddef.h>

#include "timer_heap.h"

#define T(op) ((op)->args.timer)

/* Join two roots (no siblings, no prev): the later one becomes the first
 * child of the earlier one. */
static struct rr_op *meld(struct rr_op *a, struct rr_op *b)
{
	if (T(b).deadline_ns < T(a).deadline_ns) {
		struct rr_op *swap = a;
		a = b;
		b = swap;
	}
	T(b).prev = a;
	T(b).sibling = T(a).child;
	if (T(a).child)
		T(T(a).child).prev = b;
	T(a).child = b;
	return a;
}

/* Merge a sibling list into one heap: pair left to right, then meld the
 * pairs right to left. */
static struct rr_op *merge_siblings(struct rr_op *first)
{
	struct rr_op *pairs = NULL; /* a stack, linked through sibling */

	while (first) {
		struct rr_op *a = first;
		struct rr_op *b = T(a).sibling;

		first = b ? T(b).sibling : NULL;
		T(a).sibling = T(a).prev = NULL;
		if (b) {
			T(b).sibling = T(b).prev = NULL;
			a = meld(a, b);
		}
		T(a).sibling = pairs;
		pairs = a;
	}
	if (!pairs)
		return NULL;

	struct rr_op *root = pairs;
	pairs = T(pairs).sibling;
	T(root).sibling = NULL;
	while (pairs) {
		struct rr_op *next = T(pairs).sibling;
		T(pairs).sibling = NULL;
		root = meld(root, pairs);
		pairs = next;
	}
	return root;
}

void rr__timer_insert(struct rr_op **root, struct rr_op *op)
{
	T(op).child = T(op).sibling = T(op).prev = NULL;
	*root = *root ? meld(*root, op) : op;
}

struct rr_op *rr__timer_pop(struct rr_op **root)
{
	struct rr_op *top = *root;

	if (top) {
		*root = merge_siblings(T(top).child);
		T(top).child = NULL;
	}
	return top;
}

void rr__timer_remove(struct rr_op **root, struct rr_op *op)
{
	if (op == *root) {
		rr__timer_pop(root);
		return;
	}
	/* Unlink op (with its subtree) from its parent's child list. */
	struct rr_op *prev = T(op).prev;
	if (T(prev).child == op)
		T(prev).child = T(op).sibling;
	else
		T(prev).sibling = T(op).sibling;
	if (T(op).sibling)
		T(T(op).sibling).prev = prev;
	T(op).sibling = T(op).prev = NULL;

	struct rr_op *subtree = merge_siblings(T(op).child);
	T(op).child = NULL;
	if (subtree)
		*root = meld(*root, subtree);
}
