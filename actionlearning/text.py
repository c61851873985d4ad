"""Text in and out: Markdown rendered and sanitised once, control characters refused."""

import bisect
import re
import time

import markdown
import nh3
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)

# inline() lives with the rest of the export escaping; modules that take it from here still can.
from .portable_markdown.escaping import inline  # noqa: F401

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# C0 and C1 controls except tab, newline and carriage return: one NUL in a
# title breaks whole calendar feeds and exports.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTER_MESSAGE = "Remove the control characters (such as NUL) from this text."
# Bidirectional controls reorder what follows them: "evil" can display as "live" in a name
# or title. Refused in single-line text; paragraphs may need them for right-to-left words.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
BIDI_MESSAGE = "Remove the right-to-left and other direction marks from this line."


# What python-markdown is allowed to cost. Its parser has quadratic corners (a '[' makes
# it scan to the end of the paragraph for the ']', a link's '(' for the ')'; blocks are
# re-tested line by line) and recursion that grows with nesting, so a 20,000-character
# body could hold a worker for minutes. Brackets are matched by a regular expression and
# followed only so deep, link targets are scanned within a budget, nesting has a ceiling,
# and a CPU-time backstop refuses whatever still takes too long.
MAX_NESTING = 100  # lists, quotes and definitions inside one another
MAX_LINK_BRACKETS = 8  # '[' inside the text of one link
MAX_LINK_TARGET = 2000  # characters of one link's (target "title")
LINK_SCAN_BUDGET = 100_000  # characters of link targets scanned in one text
RENDER_CPU_SECONDS = 0.5
NESTING_MESSAGE = (
    f"This text nests lists, quotes or definitions more than {MAX_NESTING} levels deep "
    "(a blank line between definitions, or fewer '>' or indents, will do); nothing was saved."
)
TOO_COMPLEX_MESSAGE = (
    "This text has too many unusual Markdown marks in a row to format in reasonable time; "
    "remove the runs of symbols and try again. Nothing was saved."
)
EXTENSIONS = ("attr_list", "def_list", "fenced_code", "footnotes", "tables", "sane_lists")


class MarkdownRefused(ValueError):
    """Markdown that cannot be rendered within the limits; the message says what to change."""


class _TooDeep(Exception):
    pass


class _TooSlow(Exception):
    pass


def _link_text(depth):
    """A link's text up to its closing ']', with brackets balanced at most `depth` deep.

    Possessive quantifiers: the match never backtracks, so it stops, in C, at the first
    ']' that closes the link or the first '[' too deep, instead of at the paragraph's end.
    """
    inner = r"[^\[\]]*+"
    for _ in range(depth - 1):
        inner = rf"(?:[^\[\]]++|\[{inner}\])*+"
    return re.compile(rf"({inner})\]")


_LINK_TEXT = _link_text(MAX_LINK_BRACKETS)


class _BoundedLinks:
    """getText and getLink of python-markdown's link processors, with bounded cost."""

    def getText(self, data, index):
        found = _LINK_TEXT.match(data, index)
        if found is None:
            return "", index, False
        return found.group(1), found.end(), True

    def getLink(self, data, index):
        guard = self.md.render_guard
        end = min(len(data), index + min(MAX_LINK_TARGET, guard.link_budget))
        href, title, after, handled = super().getLink(data[:end], index)
        guard.link_budget -= (after if handled else end) - index
        return href, title, after, handled


def _bounded(processor_class):
    return type(processor_class.__name__, (_BoundedLinks, processor_class), {})


LINK_PROCESSORS = {
    "reference": _bounded(ReferenceInlineProcessor),
    "link": _bounded(LinkInlineProcessor),
    "image_link": _bounded(ImageInlineProcessor),
    "image_reference": _bounded(ImageReferenceInlineProcessor),
    "short_reference": _bounded(ShortReferenceInlineProcessor),
    "short_image_ref": _bounded(ShortImageReferenceInlineProcessor),
}


class _Clock(BlockProcessor):
    """Tested before every block step: stops a render past its CPU time."""

    def test(self, parent, block):
        self.parser.md.render_guard.check()
        return False

    def run(self, parent, blocks):  # pragma: no cover - test() never accepts a block
        return False


class _RenderGuard(Extension):
    """Installs the limits on one Markdown instance (one render)."""

    def extendMarkdown(self, md):
        md.render_guard = self
        self.depth, self.link_budget, self.steps = 0, LINK_SCAN_BUDGET, 0
        self.deadline = time.thread_time() + RENDER_CPU_SECONDS
        # Raw HTML blocks go through html.parser, which is quadratic on runs of '<a' on
        # this Python; raw HTML is still parsed inline and nh3 keeps only what is allowed.
        md.preprocessors.deregister("html_block")
        for name, processor_class in LINK_PROCESSORS.items():
            priority = next(p.priority for p in md.inlinePatterns._priority if p.name == name)
            pattern = md.inlinePatterns[name].pattern
            md.inlinePatterns.register(processor_class(pattern, md), name, priority)
        for processor in md.inlinePatterns:
            processor.handleMatch = self._checked(processor.handleMatch)
        md.parser.blockprocessors.register(_Clock(md.parser), "render_clock", 1000)
        parse_blocks = md.parser.parseBlocks

        def nested_parse(parent, blocks):
            self.depth += 1
            try:
                if self.depth > MAX_NESTING:
                    raise _TooDeep
                parse_blocks(parent, blocks)
            finally:
                self.depth -= 1

        md.parser.parseBlocks = nested_parse

    def check(self):
        self.steps += 1
        # Reading the clock costs more than a step: look every 32 steps.
        if not self.steps % 32 and time.thread_time() > self.deadline:
            raise _TooSlow

    def _checked(self, handle_match):
        def handle(match, data):
            self.check()
            return handle_match(match, data)

        return handle


def render_markdown(source):
    """Markdown to HTML that is safe to store and show: python-markdown, then nh3.

    Raises MarkdownRefused for text nested too deep or too costly to render.
    """
    converter = markdown.Markdown(extensions=[*EXTENSIONS, _RenderGuard()], output_format="html")
    try:
        html = converter.convert(source or "")
    except (_TooDeep, RecursionError) as error:
        raise MarkdownRefused(NESTING_MESSAGE) from error
    except _TooSlow as error:
        raise MarkdownRefused(TOO_COMPLEX_MESSAGE) from error
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


# A journal card (journal/cards.py) is our own template's output with every field escaped
# by Jinja; like every stored HTML that a page marks safe, it still passes nh3 before it is
# stored, allowed only what a card is made of.
CARD_TAGS = {"p", "span", "a", "time"}
CARD_ATTRIBUTES = {
    "p": {"class"},
    "span": {"class"},
    "a": {"class", "href"},
    "time": {"datetime"},
}


def sanitise_card(html):
    """A rendered journal card, safe to store and show (card links stay as they are)."""
    return nh3.clean(
        html, tags=CARD_TAGS, attributes=CARD_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None
    )


def rendered(source, error_class, field=None):
    """render_markdown, with a refusal raised as the caller's own error (same message),
    about the form field named, when one is."""
    try:
        return render_markdown(source)
    except MarkdownRefused as error:
        extra = () if field is None else (field,)
        raise error_class(str(error), *extra) from error


def has_control_characters(value):
    """True when a text value holds characters no form, CSV or feed should carry."""
    return isinstance(value, str) and CONTROL_CHARACTERS.search(value) is not None


def has_line_controls(value):
    """True when one line of text (a name, title or venue) holds control or bidi characters."""
    return has_control_characters(value) or (
        isinstance(value, str) and BIDI_CONTROLS.search(value) is not None
    )


def single_line(value):
    """Collapse a value to one line, for feed fields and headings."""
    return " ".join((value or "").split())


# Markdown written by people is kept as text: a line that starts with '#' stays a line,
# not a heading, so the four questions stay the only headings in the page and the export.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BARE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*$")
_HEADING = re.compile(r"^(\s*(?:(?:>|[-*+]|\d{1,9}[.)])\s*)*)#")
_UNDERLINE = re.compile(r"^( {0,3}(?:> ?)*)(=+|-+) *$")
_RAW_HTML = re.compile(r"<(?!(?:https?://|mailto:)[^<>\s]*>)(?=[A-Za-z/!?])")


def plain_markdown(source):
    """User Markdown made safe to place under our headings, for the page.

    Lines starting with '#' are escaped (`\\#winterpressures`); setext underlines and bare
    '---' lines become a thematic break after a blank line (so they make no heading and no
    pandoc metadata block); images become links and raw HTML is shown as text. Fenced code
    is left alone, but only a fence that is closed: an unclosed one is text like any other,
    so it cannot shield a '## heading' typed after it. (Exports are written from the stored
    HTML instead, by portable_markdown.)
    """
    lines = (source or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    code = _closed_fences(lines)
    out, previous = [], ""
    for n, line in enumerate(lines):
        if n not in code:
            line = _HEADING.sub(r"\1\\#", line)
            underline = _UNDERLINE.match(line)
            if underline:
                prefix = underline.group(1).rstrip()
                if previous.strip(" >"):
                    out.append(prefix)
                line = (
                    prefix
                    + (" " if prefix else "")
                    + ("* * *" if underline.group(2).startswith("-") else underline.group(2))
                )
            line = line.replace("![", "\\![")
            line = _RAW_HTML.sub("&lt;", line)
        out.append(line)
        previous = line
    return "\n".join(out).strip("\n")


def _closed_fences(lines):
    """Numbers of the lines that belong to a fenced block with both its fences (closed, as
    python-markdown reads it, by a bare fence of the same length)."""
    closers = {}  # fence -> numbers of the lines that are that fence alone
    for m, line in enumerate(lines):
        bare = _BARE_FENCE.match(line)
        if bare:
            closers.setdefault(bare.group(1), []).append(m)

    def next_closer(after, fence):
        found = closers.get(fence, [])
        i = bisect.bisect_right(found, after)
        return found[i] if i < len(found) else None

    inside, n = set(), 0
    while n < len(lines):
        opening = _FENCE.match(lines[n])
        end = opening and next_closer(n, opening.group(1))
        if end:
            inside.update(range(n, end + 1))
            n = end
        n += 1
    return inside
