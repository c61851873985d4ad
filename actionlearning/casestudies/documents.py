"""Word and PDF of the case studies and the pack, made from the inert Markdown of export.py.

Word: pandoc (pypandoc-binary's own executable, so no system install), with --sandbox so
that nothing in a document can make pandoc read a file or fetch a URL. PDF: pandoc turns the
same Markdown into an HTML fragment, nh3 cleans it once more, and WeasyPrint lays it out
with static/print.css (the stylesheet the pages print with) and a URL fetcher that refuses
everything, so a document can reach no file and no server.
"""

import base64
import os
import re
import subprocess

import nh3
import pypandoc
import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from ..text import ALLOWED_TAGS
from . import CaseStudyError

PANDOC_TIMEOUT = 120
PRINT_CSS = os.path.join(os.path.dirname(__file__), "..", "..", "static", "print.css")
FRAGMENT_TAGS = ALLOWED_TAGS | {"span", "colgroup", "col", "div", "section"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentError(CaseStudyError):
    """pandoc or WeasyPrint could not make the document."""


def _pandoc(markdown, *args):
    command = [pypandoc.get_pandoc_path(), "--sandbox", "-f", "markdown", *args]
    try:
        result = subprocess.run(
            command, input=markdown.encode("utf-8"), capture_output=True, timeout=PANDOC_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DocumentError(f"pandoc could not run: {error}") from error
    if result.returncode != 0:
        raise DocumentError(f"pandoc failed: {result.stderr.decode(errors='replace')[:500]}")
    return result.stdout


def docx_bytes(markdown, images=None):
    """A Word document with its own table of contents. The Markdown's `# Title` becomes the
    document's title (shifting every heading up one), so the title is there once, not as a
    Title and a Heading 1. `images` ({name: PNG}) are the pack's own charts, handed to pandoc
    inside the Markdown because --sandbox lets it read no file."""
    return _pandoc(
        _inline_images(markdown, images or {}),
        "-t",
        "docx",
        "--toc",
        "--toc-depth=2",
        "--shift-heading-level-by=-1",
        "-M",
        "toc-title=Contents",
        "-o",
        "-",
    )


def _inline_images(markdown, images):
    """Each `](name.png)` of ours as a data: URI; people's text cannot make an image link
    (export.py escapes every `![` of theirs), and other names are left as they are."""
    if not images:
        return markdown

    def data_uri(match):
        name = match.group(1)
        if name not in images:
            return match.group(0)
        return f"](data:image/png;base64,{base64.b64encode(images[name]).decode()})"

    return re.sub(r"\]\(([a-z0-9-]+\.png)\)", data_uri, markdown)


def html_fragment(markdown):
    """The Markdown as HTML for the PDF, cleaned like every stored *_html; an <img> keeps
    only a src that pdf_bytes will answer with one of the pack's own images."""
    html = _pandoc(markdown, "-t", "html5").decode("utf-8")
    return nh3.clean(
        html,
        tags=FRAGMENT_TAGS | {"img"},
        attributes={
            "*": {"id"},
            "a": {"href"},
            "th": {"align"},
            "td": {"align"},
            "img": {"src", "alt"},
        },
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


class _NoFetching(URLFetcher):
    """Refuses every URL: the stylesheet is handed over as text, and nothing else is ours."""

    def fetch(self, url, headers=None):
        raise URLFetchingError(f"Not fetched: {url[:80]}")


# Relative image names resolve under this address, which _PackImages alone answers.
IMAGE_BASE = "https://pack.invalid/"


class _PackImages(_NoFetching):
    """Answers with the pack's own chart images by name; refuses every other URL."""

    def __init__(self, images):
        super().__init__()
        self.images = images

    def fetch(self, url, headers=None):
        name = url.removeprefix(IMAGE_BASE)
        if url.startswith(IMAGE_BASE) and name in self.images:
            return URLFetcherResponse(url, self.images[name], {"Content-Type": "image/png"})
        return super().fetch(url, headers)


def pdf_bytes(html, images=None):
    """A PDF from a whole HTML page, laid out with static/print.css; `images` ({name: PNG})
    are the only resources it may load."""
    with open(PRINT_CSS, encoding="utf-8") as f:
        stylesheet = weasyprint.CSS(string=f.read(), url_fetcher=_NoFetching())
    document = weasyprint.HTML(
        string=html, base_url=IMAGE_BASE, url_fetcher=_PackImages(images or {})
    )
    return document.write_pdf(stylesheets=[stylesheet])
