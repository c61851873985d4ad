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
