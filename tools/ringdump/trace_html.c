/*
 * `ringdump trace --html FILE`: a recorded walk as one self-contained page.
 * The steps are embedded as data; a small script draws the SQ and the CQ
 * as circles of slots with head and tail as hands, colours the slots
 * between them (published SQEs, posted CQEs), and writes each step's
 * ordering rule beside the hand that moved.  Nothing is fetched: no
 * script, style or font from elsewhere.
 */
#define _GNU_SOURCE
#include "trace.h"

#include <errno.h>
#include <stdio.h>

#include "page_js.h"

/* `text` as a JavaScript string literal (JSON rules, and no "</" so that
 * it cannot end the script element). */
static void js_string(FILE *f, const char *text)
{
	fputc('"', f);
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c == '<' || *c == '>' || *c == '&')
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

static void js_words(FILE *f, const struct rd_trace_words *w)
{
	fprintf(f, "{sq_head:%u,sq_tail:%u,sq_flags:%u,cq_head:%u,cq_tail:%u,cq_overflow:%u}",
		w->sq_head, w->sq_tail, w->sq_flags, w->cq_head, w->cq_tail, w->cq_overflow);
}

static const char page_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>ringdump trace</title>\n<style>\n"
	"body { font-family: sans-serif; margin: 1.5em; max-width: 60em; }\n"
	"button { font-size: 1em; padding: 0.3em 1em; }\n"
	"#rule { background: #fff7e0; border-left: 4px solid #f0a000; padding: 0.5em; "
	"min-height: 2.5em; }\n"
	"table { border-collapse: collapse; } td, th { padding: 0.2em 0.8em; "
	"border-bottom: 1px solid #ddd; text-align: right; }\n"
	".changed { color: #c00; font-weight: bold; }\n"
	"</style>\n</head>\n<body>\n";

/* The drawing: plain DOM and SVG built by the script below. */
static const char page_script[] =
	"<script>\n"
	RD_PAGE_SVG_HELPERS
	"let at = 0;\n"
	"/* One ring: n slots round a circle, those in [head, tail) filled. */\n"
	"function drawRing(svg, cx, name, n, head, tail, before, fillColour, rules) {\n"
	"  const cy = 190, r = 120;\n"
	"  svg.appendChild(el('text', {x: cx, y: 30, 'text-anchor': 'middle', 'font-weight': 'bold'}, name));\n"
	"  for (let i = 0; i < n; i++) {\n"
	"    const a = angle(i, n), used = ((i - head) % n + n) % n < tail - head;\n"
	"    const s = el('circle', {cx: cx + r * Math.cos(a), cy: cy + r * Math.sin(a), r: 18,\n"
	"      fill: used ? fillColour : '#f4f4f4', stroke: '#555', class: used ? 'slot used' : 'slot free',\n"
	"      'data-ring': name, 'data-slot': i});\n"
	"    svg.appendChild(s);\n"
	"    svg.appendChild(el('text', {x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) + 4,\n"
	"      'text-anchor': 'middle', 'font-size': 11}, String(i)));\n"
	"  }\n"
	"  for (const [label, value, old] of [['head', head, before.head], ['tail', tail, before.tail]]) {\n"
	"    const a = angle(value, n), moved = value !== old, len = label === 'head' ? 70 : 95;\n"
	"    const x = cx + len * Math.cos(a), y = cy + len * Math.sin(a);\n"
	"    svg.appendChild(el('line', {x1: cx, y1: cy, x2: x, y2: y, stroke: moved ? '#c00' : '#333',\n"
	"      'stroke-width': moved ? 4 : 2, class: 'hand', 'data-hand': name + ' ' + label}));\n"
	"    svg.appendChild(el('text', {x: x, y: y - 6, 'text-anchor': 'middle', 'font-size': 12,\n"
	"      fill: moved ? '#c00' : '#333'}, label + ' ' + value));\n"
	"    if (moved && rules[label])\n"
	"      svg.appendChild(el('text', {x: cx, y: cy + r + 45, 'text-anchor': 'middle',\n"
	"        'font-size': 12, fill: '#c00', class: 'hand-rule'}, label + ': ' + rules[label]));\n"
	"  }\n"
	"}\n"
	"function show(i) {\n"
	"  at = Math.max(0, Math.min(steps.length - 1, i));\n"
	"  const s = steps[at], svg = document.getElementById('rings');\n"
	"  svg.replaceChildren();\n"
	"  drawRing(svg, 200, 'SQ', ring.sq, s.after.sq_head, s.after.sq_tail,\n"
	"    {head: s.before.sq_head, tail: s.before.sq_tail}, '#9ecae1',\n"
	"    {head: 'moved by the kernel as it consumes SQEs (its store-release)', tail: 'the application\\'s store-release: the SQEs are written before the tail moves'});\n"
	"  drawRing(svg, 560, 'CQ', ring.cq, s.after.cq_head, s.after.cq_tail,\n"
	"    {head: s.before.cq_head, tail: s.before.cq_tail}, '#fdae6b',\n"
	"    {head: 'the application\\'s store-release: the slots go back to the kernel', tail: 'the kernel\\'s store-release: load-acquire it before reading the CQEs'});\n"
	"  document.getElementById('title').textContent = 'Step ' + (at + 1) + ' of ' + steps.length + ': ' + s.title;\n"
	"  document.getElementById('rule').textContent = s.ordering || '(no ordering point in this step)';\n"
	"  const rows = document.getElementById('words');\n"
	"  rows.replaceChildren();\n"
	"  const head = document.createElement('tr');\n"
	"  for (const h of ['word', 'before', 'after']) { const th = document.createElement('th'); th.textContent = h; head.appendChild(th); }\n"
	"  rows.appendChild(head);\n"
	"  for (const k of Object.keys(s.after)) {\n"
	"    const tr = document.createElement('tr');\n"
	"    if (s.before[k] !== s.after[k]) tr.className = 'changed';\n"
	"    for (const v of [k, s.before[k], s.after[k]]) { const td = document.createElement('td'); td.textContent = v; tr.appendChild(td); }\n"
	"    rows.appendChild(tr);\n"
	"  }\n"
	"  document.getElementById('prev').disabled = at === 0;\n"
	"  document.getElementById('next').disabled = at === steps.length - 1;\n"
	"}\n"
	"document.getElementById('prev').onclick = () => show(at - 1);\n"
	"document.getElementById('next').onclick = () => show(at + 1);\n"
	"document.addEventListener('keydown', (e) => {\n"
	"  if (e.key === 'ArrowRight' || e.key === ' ') show(at + 1);\n"
	"  if (e.key === 'ArrowLeft') show(at - 1);\n"
	"});\n"
	"show(0);\n"
	"</script>\n</body>\n</html>\n";

int rd_trace_html(const struct rd_trace_record *record, const char *walk_name,
		  FILE *f)
{
	fputs(page_head, f);
	fprintf(f, "<h1>ringdump trace: %s</h1>\n", walk_name);
	fprintf(f, "<p>One walk through the ring protocol on a real ring of %u SQ and %u CQ "
		   "entries, recorded by <code>ringdump trace</code>. Slots between a ring's "
		   "head and tail are filled: SQEs published and not yet consumed, CQEs posted "
		   "and not yet reaped. A hand that moved in this step is red, with its ordering "
		   "rule below its ring.</p>\n",
		record->sq_entries, record->cq_entries);
	fputs("<p><button id=\"prev\">&#9664; Previous</button> "
	      "<button id=\"next\">Next &#9654;</button> (or the arrow keys)</p>\n"
	      "<h2 id=\"title\"></h2>\n<p id=\"rule\"></p>\n"
	      "<svg id=\"rings\" width=\"760\" height=\"380\" role=\"img\" "
	      "aria-label=\"the SQ and CQ rings\"></svg>\n<table id=\"words\"></table>\n",
	      f);
	fprintf(f, "<script>\nconst ring = {sq: %u, cq: %u};\nconst steps = [\n",
		record->sq_entries, record->cq_entries);
	for (unsigned i = 0; i < record->count; i++) {
		fputs("  {title: ", f);
		js_string(f, record->steps[i].title);
		fputs(", ordering: ", f);
		js_string(f, record->steps[i].ordering);
		fputs(", before: ", f);
		js_words(f, &record->steps[i].before);
		fputs(", after: ", f);
		js_words(f, &record->steps[i].after);
		fputs("},\n", f);
	}
	fputs("];\n</script>\n", f);
	fputs(page_script, f);
	return ferror(f) ? -EIO : 0;
}
