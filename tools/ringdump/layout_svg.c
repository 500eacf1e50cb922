/*
 * `ringdump layout --svg FILE`: the ring's mappings drawn to scale, one
 * 64-byte cache line a row, every word and array where its offset puts it,
 * coloured by who writes it.  An array longer than SVG_MAX_ROWS rows keeps
 * its first rows and its last, with one row between saying how many cache
 * lines are not drawn, so that the picture of a 4096-entry ring stays
 * readable.
 */
#define _GNU_SOURCE
#include "layout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

#define LINE_BYTES 64u
#define PX_PER_BYTE 12u
#define ROW_PX 26u
#define LEFT_PX 90u
#define SVG_MAX_ROWS 12u /* of one array before it is cut */

enum writer { BY_APP, BY_KERNEL, CONSTANT };

static const char *const fill[] = {
	[BY_APP] = "#9ecae1", [BY_KERNEL] = "#fdae6b", [CONSTANT] = "#d9d9d9",
};

/* One thing in a mapping: [offset, offset + bytes). */
struct piece {
	const char *label;    /* short: it must fit a 4-byte word */
	size_t offset, bytes;
	enum writer writer;
	size_t entry;         /* an array's entry size (its slots are outlined), or 0 */
	const char *meaning;  /* the tooltip */
};

struct canvas {
	FILE *f;
	unsigned y;    /* the next row's top */
};

/* Rows of a long array left out of the picture: [from, to]. */
struct cut {
	size_t from, to;
};

struct rows {
	struct cut cuts[4];
	unsigned count;
};

/* The drawn row of mapping row `row`, or -1 when it is cut: each cut is
 * one row saying what it left out. */
static long drawn_row(const struct rows *r, size_t row)
{
	long shift = 0;

	for (unsigned i = 0; i < r->count; i++) {
		if (row >= r->cuts[i].from && row <= r->cuts[i].to)
			return row == r->cuts[i].from ? -2 : -1;
		if (row > r->cuts[i].to)
			shift += (long)(r->cuts[i].to - r->cuts[i].from);
	}
	return (long)row - shift;
}

static void draw_piece(struct canvas *c, unsigned row0, const struct rows *r,
		       const struct piece *p)
{
	size_t first = p->offset / LINE_BYTES, last = (p->offset + p->bytes - 1) / LINE_BYTES;

	for (size_t row = first; row <= last; row++) {
		long at = drawn_row(r, row);
		if (at < 0)
			continue;
		size_t from = row == first ? p->offset % LINE_BYTES : 0;
		size_t to = row == last ? (p->offset + p->bytes - 1) % LINE_BYTES + 1 : LINE_BYTES;
		unsigned x = LEFT_PX + (unsigned)from * PX_PER_BYTE;
		unsigned w = (unsigned)(to - from) * PX_PER_BYTE;
		unsigned y = row0 + (unsigned)at * ROW_PX;
		fprintf(c->f, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\" "
			      "stroke=\"#555\" stroke-width=\"0.5\" class=\"word\" data-offset=\"%zu\">"
			      "<title>%s: +0x%zx, %zu bytes; %s</title></rect>\n",
			x, y, w, ROW_PX - 2, fill[p->writer], p->offset, p->label, p->offset, p->bytes,
			p->meaning);
		/* An array's slots: a thin line where each entry starts. */
		for (size_t b = from; p->entry && b < to; b++)
			if (b > from && (row * LINE_BYTES + b - p->offset) % p->entry == 0)
				fprintf(c->f, "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" "
					      "stroke=\"#777\" stroke-width=\"0.5\"/>\n",
					LEFT_PX + (unsigned)b * PX_PER_BYTE, y,
					LEFT_PX + (unsigned)b * PX_PER_BYTE, y + ROW_PX - 2);
		if (row == first)
			fprintf(c->f, "<text x=\"%u\" y=\"%u\" font-size=\"8\">%s</text>\n", x + 2,
				y + 15, p->label);
	}
}

/* A mapping of `bytes` holding `pieces`, from the canvas's next row. */
static void draw_mapping(struct canvas *c, const char *title, size_t bytes,
			 const struct piece *pieces, unsigned count)
{
	size_t total = (bytes + LINE_BYTES - 1) / LINE_BYTES;
	struct rows r = { .count = 0 };

	/* A piece longer than SVG_MAX_ROWS keeps its first rows and its
	 * last (where the next piece may start); the rest is one row. */
	for (unsigned i = 0; i < count && r.count < 4; i++) {
		size_t first = pieces[i].offset / LINE_BYTES;
		size_t last = (pieces[i].offset + pieces[i].bytes - 1) / LINE_BYTES;
		if (last - first + 1 > SVG_MAX_ROWS + 1)
			r.cuts[r.count++] = (struct cut){ first + SVG_MAX_ROWS - 1, last - 1 };
	}
	fprintf(c->f, "<text x=\"10\" y=\"%u\" font-size=\"13\" font-weight=\"bold\">%s "
		      "(%zu bytes, %zu cache lines)</text>\n", c->y + 14, title, bytes, total);
	c->y += 22;
	unsigned row0 = c->y;
	long drawn = 0;
	for (size_t row = 0; row < total; row++) {
		long at = drawn_row(&r, row);
		if (at == -1)
			continue;
		unsigned y = row0 + (unsigned)drawn * ROW_PX;
		drawn++;
		if (at == -2) { /* the row that stands for a cut */
			size_t to = row;
			for (unsigned i = 0; i < r.count; i++)
				if (r.cuts[i].from == row)
					to = r.cuts[i].to;
			fprintf(c->f, "<text x=\"%u\" y=\"%u\" font-size=\"11\" font-style=\"italic\" "
				      "class=\"cut\">... %zu cache lines not drawn (+0x%zx to +0x%zx)</text>\n",
				LEFT_PX, y + 15, to - row + 1, row * LINE_BYTES, (to + 1) * LINE_BYTES - 1);
			continue;
		}
		fprintf(c->f, "<text x=\"10\" y=\"%u\" font-size=\"9\" class=\"offset\">+0x%zx</text>\n",
			y + 15, row * LINE_BYTES);
		fprintf(c->f, "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"#000\" "
			      "stroke-dasharray=\"2,2\" class=\"cache-line\"/>\n",
			LEFT_PX, y, LEFT_PX + LINE_BYTES * PX_PER_BYTE, y);
	}
	for (unsigned i = 0; i < count; i++)
		draw_piece(c, row0, &r, &pieces[i]);
	c->y = row0 + (unsigned)drawn * ROW_PX + 14;
}

int rd_layout_svg(const struct rr_ring *ring, FILE *out)
{
	const struct io_sqring_offsets *sq = &ring->params.sq_off;
	const struct io_cqring_offsets *cq = &ring->params.cq_off;
	bool single = ring->sq.ring_ptr == ring->cq.ring_ptr;
	size_t sqe_size = sizeof(struct io_uring_sqe) << ring->sqe_shift;
	size_t cqe_size = sizeof(struct io_uring_cqe) << ring->cqe_shift;
	char flags[512], cqes_label[64], sqes_label[64];
	struct piece words[16];
	unsigned n = 0;

	rd_bit_names(rd_setup_flags, rd_setup_flag_count, ring->params.flags, flags,
		     sizeof(flags));
	snprintf(cqes_label, sizeof(cqes_label), "CQEs: %u x %zu bytes",
		 ring->cq.ring_entries, cqe_size);
	snprintf(sqes_label, sizeof(sqes_label), "SQEs: %u x %zu bytes",
		 ring->sq.ring_entries, sqe_size);

	words[n++] = (struct piece){ "sq.head", sq->head, 4, BY_KERNEL, 0,
				     "the kernel advances it as it consumes SQEs" };
	words[n++] = (struct piece){ "sq.tail", sq->tail, 4, BY_APP, 0,
				     "the application publishes SQEs with it (store-release)" };
	words[n++] = (struct piece){ "sq.mask", sq->ring_mask, 4, CONSTANT, 0, "entries - 1" };
	words[n++] = (struct piece){ "sq.entr", sq->ring_entries, 4, CONSTANT, 0, "SQ entries" };
	words[n++] = (struct piece){ "sq.flags", sq->flags, 4, BY_KERNEL, 0,
				     "NEED_WAKEUP, CQ_OVERFLOW, TASKRUN" };
	words[n++] = (struct piece){ "sq.drop", sq->dropped, 4, BY_KERNEL, 0,
				     "invalid SQ index entries skipped" };
	words[n++] = (struct piece){ "cq.head", cq->head, 4, BY_APP, 0,
				     "the application hands CQEs back with it (store-release)" };
	words[n++] = (struct piece){ "cq.tail", cq->tail, 4, BY_KERNEL, 0,
				     "the kernel posts CQEs with it (load-acquire to read)" };
	words[n++] = (struct piece){ "cq.mask", cq->ring_mask, 4, CONSTANT, 0, "entries - 1" };
	words[n++] = (struct piece){ "cq.entr", cq->ring_entries, 4, CONSTANT, 0, "CQ entries" };
	words[n++] = (struct piece){ "cq.ovfl", cq->overflow, 4, BY_KERNEL, 0,
				     "CQEs dropped (kernels without NODROP)" };
	if (cq->flags)
		words[n++] = (struct piece){ "cq.flags", cq->flags, 4, BY_APP, 0,
					     "EVENTFD_DISABLED" };
	words[n++] = (struct piece){ cqes_label, cq->cqes, (size_t)ring->cq.ring_entries * cqe_size,
				     BY_KERNEL, cqe_size, "the kernel writes CQEs, the application reads them" };
	if (ring->sq.array)
		words[n++] = (struct piece){ "SQ index array", sq->array,
					     (size_t)ring->sq.ring_entries * 4, BY_APP, 4,
					     "one u32 per SQ slot: the SQE index (absent with NO_SQARRAY)" };

	unsigned width = LEFT_PX + LINE_BYTES * PX_PER_BYTE + 20;
	/* The body first: the height is known once it is drawn. */
	char *body = NULL;
	size_t body_size = 0;
	FILE *f = open_memstream(&body, &body_size);
	if (!f)
		return -ENOMEM;
	struct canvas c = { f, 10 };
	fprintf(f, "<text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">io_uring ring "
		   "layout: %u SQ entries, %u CQ entries, flags %s</text>\n",
		ring->sq.ring_entries, ring->cq.ring_entries, flags);
	c.y = 40;
	/* The legend: who writes what. */
	static const char *const legend[] = {
		[BY_APP] = "written by the application (store-release for tails and heads)",
		[BY_KERNEL] = "written by the kernel (load-acquire to read)",
		[CONSTANT] = "set at setup, constant",
	};
	for (unsigned w = 0; w < 3; w++) {
		fprintf(f, "<rect x=\"10\" y=\"%u\" width=\"14\" height=\"12\" fill=\"%s\"/>"
			   "<text x=\"30\" y=\"%u\" font-size=\"11\">%s</text>\n",
			c.y, fill[w], c.y + 10, legend[w]);
		c.y += 16;
	}
	c.y += 8;
	if (single) {
		draw_mapping(&c, "IORING_OFF_SQ_RING: SQ and CQ rings (one mapping, FEAT_SINGLE_MMAP)",
			     ring->sq.ring_size, words, n);
	} else { /* the SQ words and array, then the CQ words and CQEs */
		struct piece sq_part[8], cq_part[8];
		unsigned ns = 0, nc = 0;
		for (unsigned i = 0; i < n; i++) {
			if (strncmp(words[i].label, "cq.", 3) == 0 || words[i].label == cqes_label)
				cq_part[nc++] = words[i];
			else
				sq_part[ns++] = words[i];
		}
		draw_mapping(&c, "IORING_OFF_SQ_RING: SQ ring", ring->sq.ring_size, sq_part, ns);
		draw_mapping(&c, "IORING_OFF_CQ_RING: CQ ring", ring->cq.ring_size, cq_part, nc);
	}
	struct piece sqes = { sqes_label, 0, (size_t)ring->sq.ring_entries * sqe_size, BY_APP,
			      sqe_size, "the application fills SQEs, the kernel reads them once published" };
	draw_mapping(&c, "IORING_OFF_SQES: SQE array (written by the application, read by the kernel)",
		     ring->sq.sqes_size, &sqes, 1);
	fclose(f);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
		     "viewBox=\"0 0 %u %u\" font-family=\"monospace\" id=\"ring-layout\">\n",
		width, c.y, width, c.y);
	fprintf(out, "<title>io_uring ring layout: %u SQ entries, %u CQ entries, flags %s</title>\n",
		ring->sq.ring_entries, ring->cq.ring_entries, flags);
	fprintf(out, "<rect width=\"%u\" height=\"%u\" fill=\"white\"/>\n", width, c.y);
	fwrite(body, 1, body_size, out);
	fputs("</svg>\n", out);
	free(body);
	return ferror(out) ? -EIO : 0;
}
