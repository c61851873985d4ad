"""Escaping people's text for Markdown that pandoc, CommonMark and python-markdown all read
as the same plain text: inline() for a line, front_matter_text() for a YAML value (see the
package's docstring for why)."""

import re

# Backslash escapes that all three read (python-markdown knows only these and '|' with tables).
_BACKSLASHED = re.compile(r"([\\`*_{}\[\]|#])")
# Characters python-markdown cannot escape with a backslash become character references,
# which every reader turns back into the character as plain text: '$' would be TeX maths in
# pandoc (and reach LaTeX raw), '~' and '^' sub/superscript, '<' raw HTML or an autolink.
_REFERENCES = {"$": "&#36;", "~": "&#126;", "^": "&#94;", "<": "&lt;"}
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# What a line may start with that would make a block: headings, quotes, lists (pandoc also
# reads 'a.', 'iv)' and '(a)' as list markers), setext underlines, definitions, fenced divs.
_LINE_START = re.compile(r"^([#>+\-=:(])|^([A-Za-z0-9]{1,9})([.)])(?=\s|$)")
_LINE_START_REFERENCES = {"=": "&#61;", ":": "&#58;"}


def escape_text(text, line_start=False):
    """Plain text as Markdown that reads back as exactly that text, on any of the three."""
    text = _ENTITY_LIKE.sub("&amp;", text)
    text = _BACKSLASHED.sub(r"\\\1", text)
    text = "".join(_REFERENCES.get(c, c) for c in text)
    text = re.sub(r"!$", r"\\!", text)  # a link may follow: '![' would be an image
    if line_start:
        text = _LINE_START.sub(_escape_line_start, text, count=1)
    return text


def _escape_line_start(match):
    if match.group(1):
        mark = match.group(1)
        return _LINE_START_REFERENCES.get(mark, "\\" + mark)
    return match.group(2) + "\\" + match.group(3)


def inline(text):
    """One line of people's text (a title, a name) for a heading, list item or table cell."""
    return escape_text(" ".join(str(text or "").split()), line_start=True)


# pandoc reads every string in the front matter as Markdown, so a title `<script>...` or
# `[x](javascript:...)` would come out live; escaping it would show YAML readers (static-site
# generators, document systems) backslashes and entities. No bytes are both, so the value
# stays exact and an invisible WORD JOINER goes after each character that could start
# something live in pandoc: '<' (raw HTML, autolinks), '\\' (raw TeX), '`' (a raw
# attribute after a code span), ']' (links, images, attributes), '^' (TeX's ^^5c is '\\').
_PANDOC_OPENERS = re.compile(r"([<\\`\]^])")
WORD_JOINER = "\u2060"


def front_matter_text(text):
    """A value for YAML front matter: the text as it is, inert when pandoc reads it."""
    return _PANDOC_OPENERS.sub(lambda m: m.group(1) + WORD_JOINER, " ".join(str(text).split()))
