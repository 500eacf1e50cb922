/*
 * The three lists an IOCP op moves through (iocp_shared.h): issue, pending,
 * done.
 * Doubly linked through the op's private state, so that an op leaves any
 * of them in constant time (a cancel, a packet for a pending op).
 */
#include "iocp_shared.h"

static struct iocp_list_head *list_head(struct iocp *io, enum iocp_list list)
{
	return list == IOCP_ISSUE ? &io->issue : list == IOCP_PENDING ? &io->pending : &io->done;
}

void rr__iocp_push(struct iocp *io, struct rr_op *op, enum iocp_list list)
{
	struct iocp_op *p = iocp_op_of(op);
	struct iocp_list_head *head = list_head(io, list);

	p->list = (uint8_t)list;
	p->next = NULL;
	p->prev = head->tail;
	if (head->tail)
		iocp_op_of(head->tail)->next = op;
	else
		head->head = op;
	head->tail = op;
}

void rr__iocp_unlink(struct iocp *io, struct rr_op *op)
{
	struct iocp_op *p = iocp_op_of(op);

	if (p->list == IOCP_NOWHERE)
		return;
	struct iocp_list_head *head = list_head(io, (enum iocp_list)p->list);
	if (p->prev)
		iocp_op_of(p->prev)->next = p->next;
	else
		head->head = p->next;
	if (p->next)
		iocp_op_of(p->next)->prev = p->prev;
	else
		head->tail = p->prev;
	p->prev = p->next = NULL;
	p->list = IOCP_NOWHERE;
}

void rr__iocp_done(struct iocp *io, struct rr_op *op, int result)
{
	rr__iocp_unlink(io, op);
	iocp_op_of(op)->result = result;
	rr__iocp_push(io, op, IOCP_DONE);
}
