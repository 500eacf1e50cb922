#!/usr/bin/env python3
"""Section-3 man pages from rawring's public headers: one source of truth.

Every rr_ function (declared, or defined static inline) and function-like
rr_ macro gets a page: NAME from the first sentence of the comment above it,
SYNOPSIS its header and declaration, DESCRIPTION the comment itself.
Declarations that follow one comment without a blank line share it (and
name each other under SEE ALSO).  Each header's opening comment becomes an
overview page, rawring_<header>(3); rawring.h's is rawring(3).

  man_pages.py --out DIR [--version V] [--stamp FILE] HEADER...
  man_pages.py --install MANDIR [--version V] HEADER...
                       (meson install: into $MESON_INSTALL_DESTDIR_PREFIX/MANDIR/man3)
  man_pages.py --list HEADER...           the page names, one a line
"""
import argparse
import os
import re
import sys

# The liburing front keeps liburing's names and documentation: its page is
# the overview alone.
OVERVIEW_ONLY = {"liburing.h"}


def strip_comment(text):
    """The words of a /* ... */ comment, its frame and leading stars gone."""
    body = text[2:-2]
    lines = body.split("\n")
    out = []
    for line in lines:
        line = line.rstrip()
        stripped = line.lstrip()
        if stripped.startswith("*"):
            stripped = stripped[1:]
            if stripped.startswith(" "):
                stripped = stripped[1:]
            out.append(stripped)
        else:
            out.append(line.strip() if not out else line.lstrip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return out


def items(source):
    """Top-level comments and declarations, in order: (kind, text, line)."""
    found = []
    i, n, line = 0, len(source), 1
    pending = []  # the text of the declaration being read
    depth = 0
    start_line = 1
    while i < n:
        c = source[i]
        if source.startswith("/*", i):
            end = source.index("*/", i + 2) + 2
            if depth == 0 and not "".join(pending).strip():
                found.append(("comment", source[i:end], line))
            line += source.count("\n", i, end)
            i = end
            continue
        if source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "#" and depth == 0 and not "".join(pending).strip():
            # A preprocessor line, with its continuations.
            end = i
            while True:
                nl = source.find("\n", end)
                if nl < 0:
                    nl = n
                if source[nl - 1] != "\\" or nl == n:
                    break
                end = nl + 1
            found.append(("define", source[i:nl], line))
            line += source.count("\n", i, nl)
            i = nl
            continue
        if c == "\n":
            line += 1
            line_start = source.rfind("\n", 0, i) + 1
            if depth == 0 and not "".join(pending).strip() and not source[line_start:i].strip():
                found.append(("blank", "", line))
                pending = []
            if depth == 0 and not "".join(pending).strip():
                i += 1
                continue
        if depth == 0 and not "".join(pending).strip() and not c.isspace():
            start_line = line
        if c == "{" and depth == 0 and "".join(pending).strip() == 'extern "C"':
            pending = []  # C++'s linkage block: its contents are top level
        elif c == "}" and depth == 0:
            pending = []  # (its end)
        elif c == "{":
            if depth == 0:
                found.append(("decl", "".join(pending) + "{", start_line))
                pending = []
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                pending = []
                # A struct/enum/union body ends at the `;` that follows.
                j = i + 1
                while j < n and source[j] in " \t":
                    j += 1
                if j < n and source[j] != "\n":
                    k = source.find(";", j)
                    if k >= 0 and "\n" not in source[j:k]:
                        i = k
        elif depth == 0:
            pending.append(c)
            if c == ";":
                found.append(("decl", "".join(pending), start_line))
                pending = []
        i += 1
    return found


DECL_NAME = re.compile(r"\b(rr_[a-z0-9_]+)\s*\(")
MACRO_NAME = re.compile(r"#\s*define\s+(rr_[a-z0-9_]+)\(")
CONSTANT_NAME = re.compile(r"#\s*define\s+(RR_[A-Z0-9][A-Z0-9_]*)\b(?!\()")
# The kernel ABI's constants (RR_IORING_OP_*, ...): documented by the
# kernel, listed in docs/abi.md, not paged here.
ABI_HEADERS = {"abi.h", "abi_ops.h", "abi_register.h"}


def prototype(text):
    """A declaration as a synopsis line: one space between words, no body,
    no attributes."""
    text = text.rstrip("{").rstrip()
    text = re.sub(r"__attribute__\s*\(\(.*?\)\)\s*", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\(\s+", "(", text)
    if not text.endswith(";"):
        text += ";"
    text = re.sub(r"^static inline ", "", text)
    return text


def pages_of(path):
    """(overview lines, [(names, synopses, comment lines)]) of one header."""
    source = open(path, encoding="utf-8").read()
    found = items(source)
    overview = []
    if found and found[0][0] == "comment":
        overview = strip_comment(found[0][1])
    groups = []
    comment = None   # the comment the next declarations share
    group = None
    for kind, text, _ in found[1:] if overview else found:
        if kind == "comment":
            comment = strip_comment(text)
            group = None
            continue
        if kind == "blank":
            group = None
            comment = None
            continue
        name = None
        if kind == "decl":
            head = text.split("{")[0]
            if head.lstrip().startswith(("struct", "enum", "union", "typedef")) and "(" not in head:
                comment = None
                continue
            m = DECL_NAME.search(head)
            if m and not head.lstrip().startswith("#"):
                name = m.group(1)
                synopsis = prototype(head)
        elif kind == "define":
            m = MACRO_NAME.match(text)
            constant = CONSTANT_NAME.match(text)
            if m:
                name = m.group(1)
                first = text.split("\n")[0].rstrip("\\").rstrip()
                synopsis = re.sub(r"#\s*define\s+", "#define ", first)
                synopsis = re.sub(r"\)\s.*$", ")", synopsis)
            elif constant and os.path.basename(path) not in ABI_HEADERS:
                # An API constant (RR_TIMEOUT_ABSOLUTE): a page of its
                # own, shared with the calls its comment describes.
                name = constant.group(1)
                first = text.split("\n")[0].rstrip("\\").rstrip()
                first = re.sub(r"/\*.*?\*/", "", first).rstrip()
                synopsis = re.sub(r"#\s*define\s+", "#define ", first)
                if synopsis.rstrip().endswith(name):
                    synopsis += " ..."
        if not name:
            continue
        if group is None:
            group = ([], [], comment or [])
            groups.append(group)
        if name not in group[0]:
            group[0].append(name)
            group[1].append(synopsis)
    return overview, groups


def roff_escape(line):
    line = line.replace("\\", "\\e")
    if line.startswith((".", "'")):
        line = "\\&" + line
    return line


def first_sentence(lines, fallback):
    text = " ".join(l.strip() for l in lines if l.strip())
    if not text:
        return fallback
    m = re.match(r"(.+?[.:;])(\s|$)", text)
    sentence = m.group(1) if m else text
    return shortened(sentence.rstrip(".:;"))


def description(lines):
    """Paragraphs (blank-line separated): filled prose, or as written when a
    line is indented or a list item (code, tables, lists)."""
    out = []
    paragraph = []

    def flush():
        if not paragraph:
            return
        verbatim = any(l.startswith((" ", "\t", "- ")) for l in paragraph)
        out.append(".PP")
        if verbatim:
            out.append(".nf")
        out.extend(roff_escape(l) for l in paragraph)
        if verbatim:
            out.append(".fi")
        paragraph.clear()

    for line in lines:
        if line.strip():
            paragraph.append(line.replace("\t", "        "))
        else:
            flush()
    flush()
    return out


def overview_title(lines, include):
    """"rawring/loop.h - layer 2: the proactor loop." -> "layer 2: the
    proactor loop"."""
    text = " ".join(l.strip() for l in lines if l.strip())
    text = re.sub(r"^\S+\.h\s+-\s+", "", text)
    m = re.match(r"(.+?)\.(\s|$)", text)
    return shortened(m.group(1)) if m else include


def shortened(sentence):
    if len(sentence) > 100:
        sentence = sentence[:97].rsplit(" ", 1)[0] + "..."
    return sentence


def header_page_name(header):
    base = os.path.basename(header)[:-2]
    return "rawring" if base == "rawring" else "rawring_" + base


def include_of(header):
    base = os.path.basename(header)
    return "rawring.h" if base == "rawring.h" else "rawring/" + base


def page(name, title, version, synopsis, body, see_also):
    out = [
        '.TH %s 3 "" "rawring %s" "rawring manual"' % (name.upper(), version),
        ".SH NAME",
        "%s \\- %s" % (", ".join(title[0]), roff_escape(title[1])),
    ]
    if synopsis:
        out += [".SH SYNOPSIS", ".nf"] + [roff_escape(s) for s in synopsis] + [".fi"]
    out += [".SH DESCRIPTION"] + (body or [".PP", "(No comment in the header.)"])
    if see_also:
        out.append(".SH SEE ALSO")
        out.append(",\n".join(".BR %s (3)" % s for s in see_also))
    return "\n".join(out) + "\n"


def build(headers, version):
    """{page name: roff text}"""
    pages = {}
    for header in headers:
        overview, groups = pages_of(header)
        hname = header_page_name(header)
        base = os.path.basename(header)
        inc = include_of(header)
        names = [] if base in OVERVIEW_ONLY else [n for g in groups for n in g[0]]
        body = description(overview)
        if names:
            body += [".SH FUNCTIONS", ".nf"] + names + [".fi"]
        see = ["rawring"] if hname != "rawring" else []
        pages[hname] = page(hname, ([hname], overview_title(overview, inc)), version,
                            ["#include <%s>" % inc], body, see)
        if base in OVERVIEW_ONLY:
            continue
        for names_, synopses, comment in groups:
            for name in names_:
                others = [n for n in names_ if n != name]
                pages[name] = page(name, (names_, first_sentence(comment, "see " + inc)),
                                   version,
                                   ["#include <%s>" % inc, ""] + synopses,
                                   description(comment), others + [hname])
    return pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--install")
    parser.add_argument("--version", default="")
    parser.add_argument("--stamp")
    parser.add_argument("headers", nargs="+")
    args = parser.parse_args()
    pages = build(args.headers, args.version)
    if args.list:
        print("\n".join(sorted(pages)))
        return 0
    if args.install:
        prefix = os.environ.get("MESON_INSTALL_DESTDIR_PREFIX", "")
        args.out = os.path.join(prefix, args.install, "man3")
        print("Installing %d man pages to %s" % (len(pages), args.out))
    if not args.out:
        parser.error("--out, --install or --list")
    os.makedirs(args.out, exist_ok=True)
    for old in os.listdir(args.out):
        if old.endswith(".3") and old[:-2] not in pages:
            os.remove(os.path.join(args.out, old))
    for name, text in pages.items():
        target = os.path.join(args.out, name + ".3")
        try:
            if open(target, encoding="utf-8").read() == text:
                continue
        except OSError:
            pass
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
    if args.stamp:
        with open(args.stamp, "w", encoding="utf-8") as f:
            f.write("%d pages\n" % len(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
