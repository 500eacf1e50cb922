/* Script shared by ringdump's pages (trace --html, serve): building SVG
 * elements and placing slot i of n round a circle, slot 0 at the top. */
#ifndef RINGDUMP_PAGE_JS_H
#define RINGDUMP_PAGE_JS_H

#define RD_PAGE_SVG_HELPERS                                                   \
	"const NS = 'http://www.w3.org/2000/svg'; /* the SVG namespace, not a fetch */\n" \
	"function el(name, attrs, text) {\n"                                  \
	"  const e = document.createElementNS(NS, name);\n"                   \
	"  for (const k in attrs) e.setAttribute(k, attrs[k]);\n"             \
	"  if (text !== undefined) e.textContent = text;\n"                   \
	"  return e;\n"                                                       \
	"}\n"                                                                 \
	"function angle(i, n) { return -Math.PI / 2 + 2 * Math.PI * (i % n) / n; }\n"

#endif
