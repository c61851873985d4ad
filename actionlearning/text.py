"""Text in and out: Markdown rendered and sanitised once, control characters refused."""

import re

import markdown
import nh3

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


def render_markdown(source):
    """Markdown to HTML that is safe to store and show: python-markdown, then nh3."""
    html = markdown.markdown(source or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def has_control_characters(value):
    """True when a text value holds characters no form, CSV or feed should carry."""
    return isinstance(value, str) and CONTROL_CHARACTERS.search(value) is not None


def single_line(value):
    """Collapse a value to one line, for feed fields and headings."""
    return " ".join((value or "").split())


# Markdown written by people is kept as text: a line that starts with '#' stays a line,
# not a heading, so the four questions stay the only headings in the page and the export.
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HEADING = re.compile(r"^(\s*(?:(?:>|[-*+]|\d{1,9}[.)])\s*)*)#")
_UNDERLINE = re.compile(r"^( {0,3}(?:> ?)*)(=+|-+) *$")
_QUOTE_PREFIX = re.compile(r"^\s*((?:> ?)*)")
_RAW_HTML = re.compile(r"<(?!(?:https?://|mailto:)[^<>\s]*>)(?=[A-Za-z/!?])")


def plain_markdown(source):
    """User Markdown made safe to place under our headings, for the page and the export.

    Lines starting with '#' are escaped (`\\#winterpressures`); setext underlines and bare
    '---' lines become a thematic break after a blank line (so they make no heading and no
    pandoc metadata block); images become links (pandoc would fetch them) and raw HTML is
    shown as text. Fenced code is left alone.
    """
    out, fenced, previous = [], False, ""
    for line in (source or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
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


# Escaped with a backslash by both python-markdown (with its tables extension) and pandoc.
_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]#|!])")


def inline(text):
    """One line of user text as literal text, safe in a heading, list item or table cell."""
    text = _INLINE_SPECIAL.sub(r"\\\1", single_line(text))
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)  # '1. ' would start a list
    return text.replace("<", "&lt;")
