"""People's text written out as Markdown that pandoc, CommonMark and python-markdown all read
as the same inert text.

Why from the stored HTML and not from what people typed: the source is Markdown in
python-markdown's dialect, and pandoc reads the same characters differently — a fenced block
with `{=html}` or `{=latex}` becomes raw output, `$...$` becomes TeX, `\\input{...}` is raw
TeX, `[x]{onclick=...}` and `::: {...}` carry attributes, and an unclosed fence swallows every
heading after it. Escaping the source would mean predicting three parsers' every corner. The
stored HTML, by contrast, is the sanitised page the organiser read and approved (nh3 has
already removed anything live), and it has a small, known shape. So the export writes that
shape back out with a handful of constructs all three parsers agree on, and every character
of people's text is escaped: nothing they typed can open, close or attach to anything, and
each section ends as closed as it began. Escaping single lines and front matter is in
escaping.py.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from .escaping import escape_text

BLOCKS = {
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
}
VOID = {"br", "hr", "img", "wbr"}
LINK_SCHEMES = {"http", "https", "mailto"}

# Reading the stored HTML into a small tree


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs=None):
        self.tag, self.attrs, self.children = tag, dict(attrs or {}), []


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _tree(html):
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return builder.root


def _text_of(node):
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    return "".join(_text_of(child) for child in node.children)


# Inline content


class _Inline:
    """Inline nodes to one or more Markdown lines; tracks whether text starts a line."""

    def __init__(self, in_table=False):
        self.in_table = in_table
        self.lines = [""]

    def text(self, value):
        # Soft line breaks stay line breaks (the file reads like what was typed); each new
        # line is escaped as a line start, and no line keeps trailing spaces, which would
        # make a hard break.
        for n, segment in enumerate(value.split("\n")):
            if n:
                self.soft_break()
            segment = re.sub(r"\s+", " ", segment)
            if not self.lines[-1]:
                segment = segment.lstrip()
            if segment:
                self.lines[-1] += escape_text(segment, line_start=not self.lines[-1])

    def raw(self, markdown):
        self.lines[-1] += markdown

    def soft_break(self):
        if self.in_table:
            self.lines[-1] += " "
        elif self.lines[-1].strip():
            self.lines[-1] = self.lines[-1].rstrip()
            self.lines.append("")

    def line_break(self):
        if self.in_table:
            self.lines[-1] += " "
        elif self.lines[-1].strip():
            self.lines[-1] = self.lines[-1].rstrip() + "  "  # two spaces: all three agree
            self.lines.append("")

    def render(self, nodes):
        for node in nodes:
            self.node(node)
        return self

    def node(self, node):
        if isinstance(node, str):
            self.text(node)
        elif node.tag == "br":
            self.line_break()
        elif node.tag == "code":
            self.code(_text_of(node))
        elif node.tag in ("strong", "b"):
            self.wrap("**", node.children)
        elif node.tag in ("em", "i"):
            self.wrap("*", node.children)
        elif node.tag == "a":
            self.link(node)
        else:  # abbr, sub, sup, del, span...: their text is what counts
            self.render(node.children)

    def wrap(self, mark, children):
        lines = _Inline(self.in_table).render(children).lines
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines or not lines[0].strip():
            self.render(children)
            return
        first, last = lines[0], lines[-1]
        if first[0].isspace():
            self.text(" ")
        lines[0] = mark + first.lstrip()
        lines[-1] = lines[-1].rstrip() + mark
        self.raw(lines[0])
        for line in lines[1:]:
            self.lines.append(line)
        if last[-1].isspace():
            self.text(" ")

    def code(self, content):
        content = " ".join(content.split("\n"))
        if not content.strip() or (self.in_table and "|" in content):
            self.text(content)  # a '|' in a cell's code span splits the cell in some readers
            return
        longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
        fence = "`" * (longest + 1)
        if len(fence) >= 3 and not self.lines[-1]:
            self.text(content)  # three backticks starting a line would open a fence
            return
        pad = " " if content.startswith("`") or content.endswith("`") else ""
        self.raw(f"{fence}{pad}{content}{pad}{fence}")

    def link(self, node):
        url = _safe_url(node.attrs.get("href", ""))
        inner = _Inline(self.in_table).render(node.children)
        label = " ".join(line.strip() for line in inner.lines if line.strip())
        if url is None or len(inner.lines) > 1:
            self.render(node.children)  # a relative or unknown link keeps its text only
            return
        self.raw(f"[{label or escape_text(url)}]({url})")


def _safe_url(href):
    """An absolute http(s) or mailto URL, percent-encoded so that no reader sees syntax in
    it; None for anything else (relative links point nowhere outside the app)."""
    href = (href or "").strip()
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    if scheme not in LINK_SCHEMES or re.search(r"[\x00-\x20\x7f]", href):
        return None
    return quote(href, safe="/:?#@!$&+,;=%-._~")


# Blocks


def _is_block(node):
    return not isinstance(node, str) and node.tag in BLOCKS


def _blocks(nodes, nested):
    """Markdown blocks (strings, possibly several lines) for a list of sibling nodes."""
    out, run, previous = [], [], None

    def flush():
        if run:
            paragraph = _paragraph(run)
            if paragraph:
                out.append(paragraph)
            run.clear()

    for node in nodes:
        if not _is_block(node):
            run.append(node)
            continue
        flush()
        block = _block(node, nested, previous)
        if block:
            out.append(block)
            previous = node.tag
    flush()
    return out


def _paragraph(nodes):
    lines = _Inline().render(nodes).lines
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines[-1] = lines[-1].rstrip()  # no hard break at the end of a paragraph
    return "\n".join(lines)


def _block(node, nested, previous):
    tag = node.tag
    if tag in ("p", "dt", "dd", "div"):
        return "\n\n".join(_blocks(node.children, nested))
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        # A heading inside a section would make the section's own outline; shown as bold.
        return _paragraph([_bold(node)])
    if tag == "hr":
        return "* * *"
    if tag == "pre":
        return _code_block(_text_of(node), nested, previous)
    if tag in ("ul", "ol"):
        return _list(node, ordered=tag == "ol")
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(node.children, nested=True))
        return "\n".join(f"> {line}".rstrip() for line in inner.split("\n")) if inner else ""
    if tag == "table":
        return _table(node)
    if tag == "dl":
        return "\n\n".join(_blocks(node.children, nested))
    return "\n\n".join(_blocks(node.children, nested))


def _bold(node):
    bold = _Node("strong")
    bold.children = node.children
    return bold


def _code_block(content, nested, previous):
    lines = content.rstrip("\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return ""
    if not nested:
        # python-markdown reads fences only at the top level. A fence longer than any run of
        # backticks inside, with no info string, so nothing can close it early or give it
        # attributes ({=html} made pandoc pass the block through raw).
        longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
        fence = "`" * max(3, longest + 1)
        return "\n".join([fence, *lines, fence])
    if previous in ("ul", "ol"):
        # Indented right after a list, the block would join the list's last item; each line
        # becomes a code span instead.
        inline = _Inline()
        for n, line in enumerate(lines):
            if n:
                inline.line_break()
            if line.strip():
                inline.code(line)
        return "\n".join(inline.lines).rstrip()
    return "\n".join(f"    {line}".rstrip() for line in lines)


def _list(node, ordered):
    marker = "1.  " if ordered else "-   "  # four wide: all three nest at four spaces
    items = [child for child in node.children if not isinstance(child, str)]
    loose = any(_is_block(c) and c.tag == "p" for item in items for c in item.children)
    rendered = []
    for item in items:
        blocks = _blocks(item.children, nested=True)
        body = ("\n\n" if loose else "\n").join(blocks)
        lines = body.split("\n") if body else [""]
        first = (marker + lines[0]).rstrip()
        rest = [f"    {line}".rstrip() for line in lines[1:]]
        rendered.append("\n".join([first, *rest]))
    return ("\n\n" if loose else "\n").join(rendered)


def _table(node):
    rows = []

    def collect(parent):
        for child in parent.children:
            if isinstance(child, str):
                continue
            if child.tag == "tr":
                cells = [c for c in child.children if not isinstance(c, str)]
                rows.append(cells)
            else:
                collect(child)

    collect(node)
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    if not width:
        return ""

    def cell(c):
        return " ".join(_Inline(in_table=True).render(c.children).lines[0].split()) or " "

    def line(cells):
        texts = [cell(c) for c in cells] + [" "] * (width - len(cells))
        return "| " + " | ".join(texts) + " |"

    aligns = {"left": ":---", "center": ":---:", "right": "---:"}
    rule = [aligns.get(c.attrs.get("align", ""), "---") for c in rows[0]]
    rule += ["---"] * (width - len(rule))
    return "\n".join([line(rows[0]), "| " + " | ".join(rule) + " |", *map(line, rows[1:])])


def markdown_from_html(html):
    """Sanitised HTML (as stored in *_html) to Markdown blocks that stay inert and closed."""
    return "\n\n".join(_blocks(_tree(html).children, nested=False))
