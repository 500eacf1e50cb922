#include "output.h"

#include <string.h>

static void indent(struct rd_out *out)
{
	for (int i = 0; i < out->depth; i++)
		fputs("  ", out->file);
}

/* JSON: the comma before an element and its indentation. */
static void json_element(struct rd_out *out)
{
	if (out->need_comma[out->depth])
		fputc(',', out->file);
	fputc('\n', out->file);
	out->need_comma[out->depth] = true;
	indent(out);
}

/* The length of the well-formed UTF-8 sequence at `s` (Unicode's table
 * 3-7: no overlong form, no surrogate, nothing past U+10FFFF), or 0. */
static size_t utf8_length(const unsigned char *s)
{
	unsigned char c = s[0], low = 0x80, high = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		low = 0xa0;
	else if (c == 0xed)
		high = 0x9f;
	else if (c == 0xf0)
		low = 0x90;
	else if (c == 0xf4)
		high = 0x8f;
	if (s[1] < low || s[1] > high)
		return 0; /* (a NUL ends the check here too) */
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* A JSON string: what is not UTF-8 (a foreign process's name is bytes)
 * becomes U+FFFD, a byte at a time, so that the document always parses. */
static void json_string(FILE *file, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;

	fputc('"', file);
	while (*s) {
		size_t len = utf8_length(s);
		if (*s == '"' || *s == '\\')
			fprintf(file, "\\%c", *s);
		else if (*s < 0x20)
			fprintf(file, "\\u%04x", *s);
		else if (len == 0)
			fputs("\\ufffd", file);
		else
			fwrite(s, 1, len, file);
		s += len ? len : 1;
	}
	fputc('"', file);
}

void rd_out_init(struct rd_out *out, FILE *file, bool json)
{
	memset(out, 0, sizeof(*out));
	out->file = file;
	out->json = json;
	if (json) {
		fputc('{', file);
		out->depth = 1;
	}
}

static void open_container(struct rd_out *out, const char *key,
			   const char *heading, char bracket)
{
	if (out->json) {
		json_element(out);
		if (key) {
			json_string(out->file, key);
			fputs(": ", out->file);
		}
		fputc(bracket, out->file);
		out->depth++;
		out->need_comma[out->depth] = false;
		return;
	}
	if (heading) {
		fputc('\n', out->file);
		indent(out);
		fprintf(out->file, "%s\n", heading);
	}
	out->depth++;
}

void rd_out_begin(struct rd_out *out, const char *key, const char *heading)
{
	open_container(out, key, heading, '{');
}

void rd_out_begin_array(struct rd_out *out, const char *key, const char *heading)
{
	open_container(out, key, heading, '[');
}

void rd_out_begin_item(struct rd_out *out)
{
	open_container(out, NULL, NULL, '{');
}

static void close_container(struct rd_out *out, char bracket)
{
	out->depth--;
	if (out->json) {
		fputc('\n', out->file);
		indent(out);
		fputc(bracket, out->file);
	}
}

void rd_out_end(struct rd_out *out)
{
	close_container(out, '}');
}

void rd_out_end_array(struct rd_out *out)
{
	close_container(out, ']');
}

/* People: "  label ............ value   note" */
static void row(struct rd_out *out, const char *label, const char *value,
		const char *note)
{
	indent(out);
	fprintf(out->file, "%-22s %-20s%s%s\n", label, value, note ? "  " : "",
		note ? note : "");
}

void rd_out_uint(struct rd_out *out, const char *key, const char *label,
		 unsigned long long value, const char *note)
{
	char text[32];

	if (out->json) {
		json_element(out);
		json_string(out->file, key);
		fprintf(out->file, ": %llu", value);
		return;
	}
	snprintf(text, sizeof(text), "%llu", value);
	row(out, label, text, note);
}

void rd_out_int(struct rd_out *out, const char *key, const char *label,
		long long value, const char *note)
{
	char text[32];

	if (out->json) {
		json_element(out);
		json_string(out->file, key);
		fprintf(out->file, ": %lld", value);
		return;
	}
	snprintf(text, sizeof(text), "%lld", value);
	row(out, label, text, note);
}

void rd_out_hex(struct rd_out *out, const char *key, const char *label,
		unsigned long long value, const char *note)
{
	char text[32];

	snprintf(text, sizeof(text), "0x%llx", value);
	if (out->json) {
		json_element(out);
		json_string(out->file, key);
		fputs(": ", out->file);
		json_string(out->file, text);
		return;
	}
	row(out, label, text, note);
}

void rd_out_str(struct rd_out *out, const char *key, const char *label,
		const char *value, const char *note)
{
	if (out->json) {
		json_element(out);
		json_string(out->file, key);
		fputs(": ", out->file);
		json_string(out->file, value);
		return;
	}
	row(out, label, value, note);
}

void rd_out_bool(struct rd_out *out, const char *key, const char *label,
		 bool value, const char *note)
{
	if (out->json) {
		json_element(out);
		json_string(out->file, key);
		fputs(value ? ": true" : ": false", out->file);
		return;
	}
	row(out, label, value ? "yes" : "no", note);
}

void rd_out_finish(struct rd_out *out)
{
	if (out->json)
		fputs("\n}\n", out->file);
	fflush(out->file);
}
