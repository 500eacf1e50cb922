/*
 * Output for people (aligned "label  value  meaning" rows under headings)
 * or for programs (one JSON document), chosen once per run.
 */
#ifndef RINGDUMP_OUTPUT_H
#define RINGDUMP_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

struct rd_out {
	FILE *file;
	bool json;
	int depth;           /* JSON nesting */
	bool need_comma[16]; /* per depth: an element was written */
};

void rd_out_init(struct rd_out *out, FILE *file, bool json);

/* A named section: a heading for people, an object (or array) for JSON. */
void rd_out_begin(struct rd_out *out, const char *key, const char *heading);
void rd_out_begin_array(struct rd_out *out, const char *key, const char *heading);
void rd_out_end(struct rd_out *out);
void rd_out_end_array(struct rd_out *out);
/* An anonymous object inside an array. */
void rd_out_begin_item(struct rd_out *out);

/* Fields: `key` for JSON, `label` and `note` for people (note may be NULL). */
void rd_out_uint(struct rd_out *out, const char *key, const char *label,
		 unsigned long long value, const char *note);
void rd_out_int(struct rd_out *out, const char *key, const char *label,
		long long value, const char *note);
void rd_out_hex(struct rd_out *out, const char *key, const char *label,
		unsigned long long value, const char *note);
void rd_out_str(struct rd_out *out, const char *key, const char *label,
		const char *value, const char *note);
void rd_out_bool(struct rd_out *out, const char *key, const char *label,
		 bool value, const char *note);

/* Close the document (JSON: the outer object and a newline). */
void rd_out_finish(struct rd_out *out);

#endif
