"""Downstream readers of the case-study export: what an attacker types into a case study
must reach pandoc (HTML, LaTeX), CommonMark (GitHub, GitLab) and python-markdown as text."""

import re
from html import unescape
from html.parser import HTMLParser

import markdown
import pytest
import yaml

from tests.hostile_export import (
    HOSTILE,
    KEY_OUTCOMES,
    pandoc_binaries,
    run_pandoc,
    write_hostile_export,
)

QUESTIONS = [
    "What was the problem?",
    "What did we do?",
    "What were the outcomes?",
    "What did we learn?",
]
LIVE_TAGS = {"script", "img", "iframe", "object", "embed", "svg", "math", "link"}
# The pack's own charts, beside it in the export: the only images it may show.
CHARTS = {f"evaluation-{kind}.png" for kind in ("ratings", "attendance", "themes")}


class Live(HTMLParser):
    """Whatever in a page could run or fetch: such tags, on* attributes, script URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "img" and dict(attrs).get("src") in CHARTS and len(attrs) <= 3:
            return  # src and alt (and pandoc's style) of a chart of ours
        if tag in LIVE_TAGS:
            self.found.append(tag)
        for name, value in attrs:
            url = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on") or url.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")


def live(html):
    parser = Live()
    parser.feed(html)
    return parser.found


@pytest.fixture
def hostile_files(db, make_pair, make_person, tmp_path):
    return write_hostile_export(db, make_pair, make_person, tmp_path / "out")


def body_of(path):
    return path.read_text().split("---\n", 2)[2]


def readers(path):
    """{reader name: HTML} for every reader of the export."""
    html = {}
    for binary in pandoc_binaries():
        version = "pandoc " + run_pandoc(binary, "--version", "").split("\n")[0].split()[-1]
        html[version] = run_pandoc(binary, path, "-s", "-t", "html")
        html[f"{version} commonmark"] = run_pandoc(binary, path, "-f", "commonmark", "-t", "html")
        html[f"{version} gfm"] = run_pandoc(binary, path, "-f", "gfm", "-t", "html")
    html["python-markdown"] = markdown.markdown(body_of(path), extensions=["extra"])
    return html


class Outline(HTMLParser):
    """Heading texts and every id and #link in a page."""

    def __init__(self):
        super().__init__()
        self.headings, self.ids, self.links, self._heading = [], set(), [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.links.append(attrs["href"][1:])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)


def outline(html):
    parser = Outline()
    parser.feed(html)
    return parser


def test_export_reaches_every_html_reader_as_text(hostile_files):
    for path in hostile_files:
        for reader, html in readers(path).items():
            assert live(html) == [], (path.name, reader)


def test_export_gives_latex_no_raw_tex(hostile_files):
    for path in hostile_files:
        for binary in pandoc_binaries():
            latex = run_pandoc(binary, path, "-s", "-t", "latex")
            # Code blocks are verbatim: TeX reads nothing in them (pandoc switches to an
            # escaped environment when the code itself holds \end{verbatim}).
            outside_code = re.sub(r"\\begin\{verbatim\}.*?\\end\{verbatim\}", "", latex, flags=re.S)

            assert "\\input{" not in outside_code and "^^5c" not in outside_code, path.name
            assert "\\textbackslash input" in outside_code


def test_unclosed_fence_keeps_later_headings(hostile_files):
    study_file, _pack = hostile_files
    title = " ".join(HOSTILE["title"].split())

    for reader, html in readers(study_file).items():
        assert outline(html).headings[-5:] == [title, *QUESTIONS], reader


def test_section_text_survives_as_text(hostile_files):
    study_file, _pack = hostile_files

    html = readers(study_file)["python-markdown"]
    text = unescape(html)

    assert '<script>window.x=1;document.title="pwned"</script>' in text
    assert "[y]{onmouseover=window.x=3}" in text
    assert "$^^5cinput{/etc/hostname}$" in text
    assert '<a href="https://www.england.nhs.uk/">ok</a>' in html


def test_contents_links_land_in_every_reader(hostile_files):
    _study_file, pack = hostile_files

    for reader, html in readers(pack).items():
        found = outline(html)
        assert len(found.links) == 3, reader  # summary, evaluation, the case study
        assert set(found.links) <= found.ids, reader


def test_front_matter_is_the_text_itself_for_yaml_readers(hostile_files):
    study_file, _pack = hostile_files

    meta = yaml.safe_load(study_file.read_text().split("---\n", 2)[1])

    assert meta["title"].replace("\u2060", "") == " ".join(HOSTILE["title"].split())
    assert [k.replace("\u2060", "") for k in meta["key_outcomes"]] == KEY_OUTCOMES
    assert "\\<" not in str(meta) and "&lt;" not in str(meta)


def test_front_matter_stays_inert_in_pandoc(hostile_files):
    study_file, _pack = hostile_files
    for binary in pandoc_binaries():
        html = run_pandoc(binary, study_file, "-s", "-t", "html")
        head = html.split("</header>")[0]

        assert live(head) == []
        assert "window.x=10" in head  # the title, as text
