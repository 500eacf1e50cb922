/*
 * `ringdump pid PID --svg FILE`: a snapshot of each ring of a live process
 * drawn as two circles, the SQ and the CQ, to scale (a slot per 360/entries
 * degrees): the slots between head and tail as one coloured arc (SQEs
 * published and not consumed; CQEs posted and not reaped), the rest free,
 * head and tail as hands, and beside them the pending SQEs and unreaped
 * CQEs listed (the first RD_LIVE_MAX of each).
 */
#define _GNU_SOURCE
#include "pid.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "names.h"

#define RING_R 90.0
#define PANEL_H 330u
#define WIDTH 900u
#define LIST_LINES 20u /* entries listed beside a ring */

static const double tau = 6.283185307179586;

static double slot_angle(unsigned slot, unsigned entries)
{
	return -tau / 4 + tau * (double)(slot % entries) / (double)entries;
}

/* The arc over slots [from, from + count) of a ring of `entries`. */
static void arc(FILE *f, double cx, double cy, unsigned from, unsigned count,
		unsigned entries, const char *colour, const char *what)
{
	if (!count)
		return;
	if (count >= entries) { /* the whole ring */
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"none\" stroke=\"%s\" "
			   "stroke-width=\"22\" class=\"%s\"/>\n", cx, cy, RING_R, colour, what);
		return;
	}
	double a0 = slot_angle(from, entries), a1 = a0 + tau * count / entries;
	fprintf(f, "<path d=\"M %.1f %.1f A %.1f %.1f 0 %d 1 %.1f %.1f\" fill=\"none\" "
		   "stroke=\"%s\" stroke-width=\"22\" class=\"%s\" data-from=\"%u\" "
		   "data-count=\"%u\"/>\n",
		cx + RING_R * cos(a0), cy + RING_R * sin(a0), RING_R, RING_R,
		count * 2 > entries, cx + RING_R * cos(a1), cy + RING_R * sin(a1), colour, what,
		from % entries, count);
}

static void hand(FILE *f, double cx, double cy, const char *ring, const char *name,
		 unsigned value, unsigned entries, double length)
{
	double a = slot_angle(value, entries);
	double x = cx + length * cos(a), y = cy + length * sin(a);

	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
		   "stroke-width=\"2\" class=\"hand\" data-hand=\"%s %s\" data-value=\"%u\"/>\n"
		   "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%s %u</text>\n",
		cx, cy, x, y, ring, name, value, x, y - 4, name, value);
}

/* One ring: a circle of `entries` slots, [head, tail) filled, and up to
 * its count under it (`state` names the filled arc's class). */
static void ring_circle(FILE *f, double cx, double cy, const char *name, unsigned entries,
			unsigned head, unsigned tail, const char *colour, const char *state,
			const char *meaning)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"bold\">%s "
		   "(%u slots)</text>\n", cx, cy - RING_R - 24, name, entries);
	fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"none\" stroke=\"#eee\" "
		   "stroke-width=\"22\" class=\"free\"/>\n", cx, cy, RING_R);
	arc(f, cx, cy, head, tail - head, entries, colour, state);
	hand(f, cx, cy, name, "head", head, entries, RING_R - 30);
	hand(f, cx, cy, name, "tail", tail, entries, RING_R - 12);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%u %s"
		   "</text>\n", cx, cy + RING_R + 30, tail - head, meaning);
}

/* fdinfo's PollList under the rings: the ops the kernel holds, waiting. */
static void waiting(FILE *f, unsigned y, const struct rd_fdinfo *info)
{
	fprintf(f, "<text x=\"10\" y=\"%u\" font-size=\"11\" class=\"waiting\">waiting in the "
		   "kernel on a poll (fdinfo PollList): %u", y, info->poll_lines);
	const char *sep = " (";
	for (unsigned op = 0; op < RD_POLL_OPCODES; op++) {
		if (!info->poll_by_opcode[op])
			continue;
		const char *name = rd_opcode_name(op);
		fprintf(f, "%s%s %u", sep, name ? name : "?", info->poll_by_opcode[op]);
		sep = ", ";
	}
	fprintf(f, "%s</text>\n", info->poll_lines ? ")" : "");
}

static void panel(FILE *f, unsigned y0, int fd, const struct rd_live *live)
{
	double top = y0 + 60.0;

	fprintf(f, "<g class=\"ring\" data-fd=\"%d\">\n", fd);
	fprintf(f, "<text x=\"10\" y=\"%u\" font-size=\"14\" font-weight=\"bold\">io_uring on fd %d"
		   "</text>\n", y0 + 18, fd);
	ring_circle(f, 130, top + RING_R, "SQ", live->sq_entries, live->sq_head, live->sq_tail,
		    "#6baed6", "published", "published, not consumed");
	ring_circle(f, 530, top + RING_R, "CQ", live->cq_entries, live->cq_head, live->cq_tail,
		    "#fd8d3c", "posted", "posted, not reaped");
	unsigned y = y0 + 40;
	for (unsigned i = 0; i < live->listed_sqes && i < LIST_LINES; i++, y += 13) {
		const struct rd_live_sqe *s = &live->pending[i];
		const char *op = rd_opcode_name(s->opcode);
		fprintf(f, "<text x=\"250\" y=\"%u\" font-size=\"10\" class=\"pending-sqe\">slot %u: "
			   "%s fd %d user_data 0x%llx</text>\n",
			y, s->slot, op ? op : "?", s->fd, s->user_data);
	}
	if (live->pending_count > LIST_LINES)
		fprintf(f, "<text x=\"250\" y=\"%u\" font-size=\"10\" font-style=\"italic\">... %u "
			   "more pending</text>\n", y, live->pending_count - LIST_LINES);
	y = y0 + 40;
	for (unsigned i = 0; i < live->listed_cqes && i < LIST_LINES; i++, y += 13) {
		const struct rd_live_cqe *c = &live->unreaped[i];
		fprintf(f, "<text x=\"650\" y=\"%u\" font-size=\"10\" class=\"unreaped-cqe\">CQ %u: "
			   "res %d user_data 0x%llx</text>\n", y, c->slot, c->res, c->user_data);
	}
	if (live->unreaped_count > LIST_LINES)
		fprintf(f, "<text x=\"650\" y=\"%u\" font-size=\"10\" font-style=\"italic\">... %u "
			   "more unreaped</text>\n", y, live->unreaped_count - LIST_LINES);
	fputs("</g>\n", f);
}

int rd_pid_svg(pid_t pid, FILE *out)
{
	int fds[16];
	int count = rd_pid_rings(pid, fds, 16);
	static char raw[65536];

	if (count < 0)
		return count;
	if (count == 0)
		return -ENOENT;
	unsigned height = 40 + (unsigned)count * PANEL_H;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
		     "viewBox=\"0 0 %u %u\" font-family=\"monospace\" id=\"ring-snapshot\">\n"
		     "<title>io_uring rings of process %d</title>\n"
		     "<rect width=\"%u\" height=\"%u\" fill=\"white\"/>\n"
		     "<text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">io_uring rings of "
		     "process %d (a snapshot of their memory, no lock)</text>\n",
		WIDTH, height, WIDTH, height, (int)pid, WIDTH, height, (int)pid);
	int ret = 0;
	for (int i = 0; i < count; i++) {
		struct rd_fdinfo info;
		struct rd_live live;
		unsigned y0 = 40 + (unsigned)i * PANEL_H;
		ret = rd_pid_fdinfo(pid, fds[i], &info, raw, sizeof(raw));
		if (ret == 0)
			ret = rd_live_snapshot(pid, fds[i], &info, &live, RD_LIVE_MAX);
		if (ret < 0) {
			fprintf(out, "<text x=\"10\" y=\"%u\" class=\"error\">io_uring on fd %d: not "
				     "readable (%s)</text>\n", y0 + 18, fds[i],
				ret == -EPERM ? "needs ptrace rights" : "error");
			continue;
		}
		panel(out, y0, fds[i], &live);
		waiting(out, y0 + PANEL_H - 16, &info);
		rd_live_release(&live);
	}
	fputs("</svg>\n", out);
	return ferror(out) ? -EIO : (ret == -EPERM ? -EPERM : 0);
}
