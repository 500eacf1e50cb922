#define _GNU_SOURCE
#include "bench_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ringbench.h"

struct record {
	char *workload, *variant, *point, *metric;
	double value;
	bool chart;
};

static struct record *records;
static size_t count, room;

void bench_record(const char *workload, const char *variant, const char *point,
		  const char *metric, double value, bool chart)
{
	if (count == room) {
		size_t bigger = room ? room * 2 : 256;
		struct record *grown = realloc(records, bigger * sizeof(*grown));
		if (!grown)
			return; /* the table on the terminal still has it */
		records = grown;
		room = bigger;
	}
	records[count++] = (struct record){ strdup(workload), strdup(variant), strdup(point),
					    strdup(metric), value, chart };
}

void bench_records_free(void)
{
	for (size_t i = 0; i < count; i++) {
		free(records[i].workload);
		free(records[i].variant);
		free(records[i].point);
		free(records[i].metric);
	}
	free(records);
	records = NULL;
	count = room = 0;
}

/* A CSV field, quoted when it holds a comma or a quote (RFC 4180). */
static void csv_field(FILE *f, const char *text)
{
	if (!strpbrk(text, ",\"\n")) {
		fputs(text, f);
		return;
	}
	fputc('"', f);
	for (; *text; text++) {
		if (*text == '"')
			fputc('"', f);
		fputc(*text, f);
	}
	fputc('"', f);
}

int bench_write_csv(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "workload,variant,point,metric,value\n");
	for (size_t i = 0; i < count; i++) {
		const char *fields[] = { records[i].workload, records[i].variant,
					 records[i].point, records[i].metric };
		for (size_t k = 0; k < 4; k++) {
			csv_field(f, fields[k]);
			fputc(',', f);
		}
		fprintf(f, "%.6g\n", records[i].value);
	}
	return fclose(f) == 0 ? 0 : -errno;
}

/* Index of `name` in `names` (up to *n), added when new. */
static size_t intern(const char **names, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	names[*n] = name;
	return (*n)++;
}

enum { BAR_H = 14, LABEL_W = 230, CHART_W = 520, MAX_NAMES = 64 };

static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
};

/* Rates (ops/s, msgs/s, IOPS, MiB/s): more is better; costs (CPU ms,
 * syscalls/op, microseconds): less is. */
static bool more_is_better(const char *metric)
{
	size_t len = strlen(metric);

	return strcmp(metric, "IOPS") == 0 || (len > 2 && strcmp(metric + len - 2, "/s") == 0);
}

/* A figure as people read it: 3.22 M, 12.3 k, 0.031, never 3.222e+06. */
static void human(char *buf, size_t size, double value)
{
	if (value >= 1e9)
		snprintf(buf, size, "%.3g G", value / 1e9);
	else if (value >= 1e6)
		snprintf(buf, size, "%.3g M", value / 1e6);
	else if (value >= 1e4)
		snprintf(buf, size, "%.3g k", value / 1e3);
	else if (value >= 100)
		snprintf(buf, size, "%.0f", value);
	else
		snprintf(buf, size, "%.3g", value);
}

/* One workload's chart at vertical offset *y; returns nothing, moves *y. */
static void chart(FILE *f, const char *workload, int *y)
{
	const char *variants[MAX_NAMES], *points[MAX_NAMES], *metric = "";
	size_t nv = 0, np = 0;
	double max = 0;

	for (size_t i = 0; i < count; i++) {
		struct record *r = &records[i];
		if (!r->chart || strcmp(r->workload, workload) != 0)
			continue;
		if (nv < MAX_NAMES && np < MAX_NAMES) {
			intern(variants, &nv, r->variant);
			intern(points, &np, r->point);
		}
		metric = r->metric;
		if (r->value > max)
			max = r->value;
	}
	fprintf(f, "<text x=\"8\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s (%s, median; "
		   "%s is better)</text>\n", *y + 16, workload, metric,
		more_is_better(metric) ? "longer" : "shorter");
	*y += 28;
	for (size_t v = 0; v < nv; v++) /* the legend */
		fprintf(f, "<rect x=\"%zu\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			   "<text x=\"%zu\" y=\"%d\" font-size=\"11\">%s</text>\n",
			8 + v * 130, *y, palette[v % 8], 22 + v * 130, *y + 9, variants[v]);
	*y += 20;
	for (size_t p = 0; p < np; p++) {
		fprintf(f, "<text x=\"8\" y=\"%d\" font-size=\"12\">%s</text>\n", *y + 11, points[p]);
		for (size_t i = 0; i < count; i++) {
			struct record *r = &records[i];
			if (!r->chart || strcmp(r->workload, workload) != 0 ||
			    strcmp(r->point, points[p]) != 0)
				continue;
			size_t v = intern(variants, &nv, r->variant);
			double w = max > 0 ? r->value / max * CHART_W : 0;
			char figure[32];
			human(figure, sizeof(figure), r->value);
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
				   "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s</text>\n",
				LABEL_W, *y, w, BAR_H - 2, palette[v % 8], LABEL_W + w + 4,
				*y + BAR_H - 4, figure);
			*y += BAR_H;
		}
		*y += 8;
	}
	*y += 16;
}

int bench_write_svg(const char *path)
{
	const char *workloads[MAX_NAMES];
	size_t nw = 0;
	int height = 0;

	for (size_t i = 0; i < count && nw < MAX_NAMES; i++)
		if (records[i].chart)
			intern(workloads, &nw, records[i].workload);
	/* Draw once into nothing to learn the height, then for real. */
	FILE *null = fopen("/dev/null", "w");
	if (!null)
		return -errno;
	for (size_t w = 0; w < nw; w++)
		chart(null, workloads[w], &height);
	fclose(null);

	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		   "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		LABEL_W + CHART_W + 80, height + 8);
	int y = 0;
	for (size_t w = 0; w < nw; w++)
		chart(f, workloads[w], &y);
	fprintf(f, "</svg>\n");
	return fclose(f) == 0 ? 0 : -errno;
}
