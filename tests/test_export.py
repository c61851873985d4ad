"""Case-study export: Markdown files with front matter, the conference pack, the zip, the
command and the download page; checked with python-markdown and with pandoc."""

import io
import os
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml

from actionlearning import casestudies, demo, demo_data, programmes
from actionlearning.casestudies import export
from actionlearning.casestudies.workflow import (
    approve_case_study,
    reopen_case_study,
    submit_case_study,
)
from actionlearning.journal.entries import create_entry
from actionlearning.programmes.pairs import PARTNERING_MODELS, create_pair
from tests.conftest import sign_in

QUESTIONS = [
    "What was the problem?",
    "What did we do?",
    "What were the outcomes?",
    "What did we learn?",
]
SECRET = "UNCONSENTED-REFLECTION-4409"
QUOTABLE = "Trust takes longer than the plan allows."
TRICKY = (
    "#winterpressures is what we called it.\n"
    "# Not a heading either\n"
    "A line that pandoc and python-markdown would underline\n"
    "===\n\n"
    "---\n"
    "title: not metadata\n"
    "---\n\n"
    "> ## quoted heading\n\n"
    "- # list heading\n\n"
    "<script>alert(1)</script> and ![a picture](http://example.invalid/p.png)\n\n"
    "```\n# code stays code\n```"
)
PANDOC = shutil.which("pandoc")
DEMO_PASSWORD = "demo-password-123"


def need_pandoc():
    if PANDOC:
        return PANDOC
    if os.environ.get("CI") == "true":
        pytest.fail("pandoc is required under CI (apt-get install pandoc)")
    pytest.skip("pandoc is not installed")


class Headings(HTMLParser):
    """(level, text) of every h1..h6, whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.found, self._level, self._text = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._level, self._text = int(tag[1]), []

    def handle_endtag(self, tag):
        if self._level and tag == f"h{self._level}":
            self.found.append((self._level, " ".join("".join(self._text).split())))
            self._level = None

    def handle_data(self, data):
        if self._level:
            self._text.append(data)


def headings(html):
    parser = Headings()
    parser.feed(html)
    return parser.found


def split_front_matter(text):
    assert text.startswith("---\n")
    _, meta, body = text.split("---\n", 2)
    return yaml.safe_load(meta), body


def markdown_outline(text):
    return headings(markdown.markdown(split_front_matter(text)[1], extensions=["extra"]))


def pandoc(path, *args):
    # --resource-path: the pack's chart images sit beside it, as in the export folder and zip.
    return subprocess.run(
        [need_pandoc(), "--fail-if-warnings", f"--resource-path={Path(path).parent}", path, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def demo_ids(db):
    """The demo programme: eight pairs' case studies in every state, journal entries too."""
    demo.load_demo(db, DEMO_PASSWORD)
    programme_id = db.execute("SELECT id FROM programmes").fetchone()[0]
    organiser = db.execute("SELECT id FROM people WHERE role = 'organiser'").fetchone()[0]
    return {"programme": programme_id, "organiser": organiser}


@pytest.fixture
def tricky_pair(db, demo_ids):
    """A demo pair whose case study quotes a consented entry, holds tricky Markdown and is
    approved; its partner wrote an entry without consent."""
    key = "physical-activity"
    pair_id = db.execute(
        "SELECT id FROM pairs WHERE priority_area = ?",
        [next(p["priority_area"] for p in demo_data.PAIRS if p["key"] == key)],
    ).fetchone()[0]
    first, second = [
        r[0]
        for r in db.execute(
            "SELECT person_id FROM pair_members WHERE pair_id = ? ORDER BY person_id", [pair_id]
        )
    ]
    for author, consent, body in ((first, True, QUOTABLE), (second, False, SECRET)):
        create_entry(
            db,
            author,
            title=f"Entry, consent {consent}",
            body=body,
            visibility="programme",
            consent_to_quote=consent,
            case_study_section="learning",
        )
    consented = [e for g in casestudies.excerpts_for_editor(db, pair_id).values() for e in g]
    quote = next(e for e in consented if e["body"] == QUOTABLE)
    study = casestudies.case_study(db, pair_id)
    fields = {**study, "problem": TRICKY, "learning": "We learned a lot.", "title": "C# & <b>"}
    revision = casestudies.save_case_study(
        db,
        pair_id,
        first,
        study["revision"],
        fields,
        {"entry_id": quote["id"], "attribution": "named"},
    )
    submit_case_study(db, pair_id, first, revision)
    approve_case_study(db, pair_id, demo_ids["organiser"], revision)
    return pair_id


@pytest.fixture
def exported(db, demo_ids, tricky_pair, tmp_path):
    out = tmp_path / "out"
    result = export.write_export(
        db, str(out), demo_ids["programme"], "all", str(tmp_path / "e.zip")
    )
    return {"dir": out, "zip": tmp_path / "e.zip", "result": result}


# Single files


def test_case_study_file_front_matter_parses(exported, db, tricky_pair):
    name, _ = export.case_study_file(db, tricky_pair)

    meta, _body = split_front_matter((exported["dir"] / name).read_text())

    # YAML readers get the text itself; pandoc's openers carry an invisible word joiner.
    assert meta["title"] == "C# & <\u2060b>"
    assert meta["title"].replace("\u2060", "") == "C# & <b>"
    assert meta["status"] == "approved"
    assert meta["borough"] == "Newham"
    assert meta["priority_area"] == next(
        p["priority_area"] for p in demo_data.PAIRS if p["key"] == "physical-activity"
    )
    assert meta["partnering_model"] in PARTNERING_MODELS
    assert len(meta["pair_members"]) == 2
    assert meta["organisations"] == ["East London NHS Foundation Trust", "London Borough of Newham"]
    assert meta["themes"] == sorted(meta["themes"]) and meta["themes"]
    assert meta["approved"] == meta["updated"] and len(meta["created"]) == 10


def test_every_file_front_matter_parses(exported):
    files = sorted(exported["dir"].glob("*.md"))

    metas = [split_front_matter(f.read_text())[0] for f in files]

    assert len(files) == 9
    assert all(isinstance(m["title"], str) and m["title"] for m in metas)


def test_case_study_headings_are_the_title_then_the_four_questions(exported, db, tricky_pair):
    name, text = export.case_study_file(db, tricky_pair)

    outline = markdown_outline(text)

    assert outline == [(1, "C# & <b>")] + [(2, q) for q in QUESTIONS]


def test_headings_have_blank_lines_around_them(exported):
    for path in exported["dir"].glob("*.md"):
        lines, fenced = path.read_text().split("\n"), False
        for i, line in enumerate(lines):
            fenced = fenced != line.startswith("```")
            if line.startswith("#") and not fenced:
                assert lines[i - 1] == "" and lines[i + 1] == "", (path.name, line)


def test_user_lines_starting_with_hash_stay_text(exported, db, tricky_pair):
    _, text = export.case_study_file(db, tricky_pair)

    assert "\n\\#winterpressures is what we called it.\n\\# Not a heading either\n" in text
    html = markdown.markdown(split_front_matter(text)[1], extensions=["extra"])
    assert "<p>#winterpressures is what we called it.\n# Not a heading either" in html
    assert "<script>" not in html and "<img" not in html
    assert "# code stays code\n</code></pre>" in html


def test_file_names_are_safe_slugs(db, demo_ids, tricky_pair, tmp_path):
    study = casestudies.case_study(db, tricky_pair)
    reopen_case_study(db, tricky_pair, demo_ids["organiser"])
    fields = {**study, "title": "../../etc/passwd /root/.ssh"}
    casestudies.save_case_study(
        db, tricky_pair, _member(db, tricky_pair), study["revision"], fields
    )

    name, _ = export.case_study_file(db, tricky_pair)

    assert name == "newham-etc-passwd-root-ssh.md"
    assert export.slugify("\x00../\\//") == "case-study"


def _member(db, pair_id):
    return db.execute("SELECT person_id FROM pair_members WHERE pair_id = ?", [pair_id]).fetchone()[
        0
    ]


# The pack and the zip


def test_pack_holds_contents_summary_and_every_approved_case_study(exported, db, demo_ids):
    text = (exported["dir"] / export.PACK_FILE).read_text()
    approved = export.studies_for_export(db, demo_ids["programme"], "approved")

    outline = markdown_outline(text)

    titles = [(2, s["title"]) for s in approved]
    assert outline[:3] == [(1, outline[0][1]), (2, "Contents"), (2, "Programme summary")]
    assert [h for h in outline if h[0] == 3][:6] == [
        (3, "Dates"),
        (3, "Organisations"),
        (3, "Learning sets"),
        (3, "Seminars and speakers"),
        (3, "Attendance"),
        (3, "Themes"),
    ]
    assert [h for h in outline if h in titles] == titles
    assert len(approved) == 5
    first = outline.index(titles[0])
    assert outline[first + 1 : first + 5] == [(3, q) for q in QUESTIONS]
    for study in approved:
        label = f"{export.inline(study['title'])} ({study['borough']})"
        assert f"- [{label}](#pack-case-study-{study['pair_id']})" in text


def test_pack_leaves_out_drafts_and_submitted(exported, db, demo_ids):
    text = (exported["dir"] / export.PACK_FILE).read_text()
    others = [
        s
        for s in export.studies_for_export(db, demo_ids["programme"], "all")
        if s["status"] != "approved"
    ]

    assert len(others) == 3
    assert all(s["title"] not in text for s in others)


def test_pack_counts_themes_of_approved_case_studies(exported, db, demo_ids):
    text = (exported["dir"] / export.PACK_FILE).read_text()
    approved = export.studies_for_export(db, demo_ids["programme"], "approved")
    leadership = sum("leadership" in s["themes"] for s in approved)

    assert f"| leadership | {leadership} |" in text


def test_unconsented_entry_never_reaches_pack_or_zip(exported, db, tricky_pair):
    pack = (exported["dir"] / export.PACK_FILE).read_text()
    with zipfile.ZipFile(exported["zip"]) as archive:
        texts = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".md")]

    assert QUOTABLE in pack
    assert SECRET not in pack
    assert sum(QUOTABLE in t for t in texts) == 2  # its own file and the pack
    assert not any(SECRET in t for t in texts)
    assert SECRET not in str(casestudies.case_study(db, tricky_pair))


def test_zip_holds_the_single_files_and_the_pack(exported):
    with zipfile.ZipFile(exported["zip"]) as archive:
        names = sorted(archive.namelist())

    assert names == sorted(p.name for p in exported["dir"].iterdir())
    assert export.PACK_FILE in names


# Filters


def test_status_filter_approved_writes_approved_files_only(db, demo_ids, tmp_path):
    result = export.write_export(db, str(tmp_path), demo_ids["programme"], "approved")

    statuses = [
        split_front_matter((tmp_path / n).read_text())[0]["status"]
        for n in result["files"]
        if n.endswith(".md") and n != export.PACK_FILE
    ]

    assert statuses == ["approved"] * 4


def test_programme_filter_leaves_out_other_programmes(db, demo_ids, make_pair, tmp_path):
    other = programmes.create_programme(db, "Other cohort", "2027-01-01", "2027-12-31")
    member = db.execute("SELECT id FROM people WHERE role = 'participant'").fetchone()[0]
    programmes.add_member(db, other, member, "participant")
    partner = db.execute(
        "SELECT id FROM people WHERE role = 'participant' ORDER BY id DESC"
    ).fetchone()[0]
    programmes.add_member(db, other, partner, "participant")
    pair = create_pair(db, other, [member, partner], "Other priority", "Elsewhere")
    casestudies.save_case_study(db, pair, member, 0, {"title": "ELSEWHERE-STUDY"})

    result = export.write_export(db, str(tmp_path), demo_ids["programme"], "all")

    texts = [(tmp_path / n).read_text() for n in result["files"] if n.endswith(".md")]
    assert not any("ELSEWHERE-STUDY" in t for t in texts)
    assert result["case_studies"] == 8


def test_web_download_honours_filters(client, db, demo_ids):
    sign_in(client, db, demo_ids["organiser"], DEMO_PASSWORD)
    programme = demo_ids["programme"]

    approved = client.get(f"/case-studies/export.zip?programme={programme}&status=approved")
    everything = client.get(f"/case-studies/export.zip?programme={programme}&status=all")

    def count(response):
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
        return len([n for n in names if n.endswith(".md")])

    assert (count(approved), count(everything)) == (5, 9)


def test_export_page_for_organisers_only(client, db, demo_ids, make_person):
    participant = db.execute("SELECT id FROM people WHERE role = 'participant'").fetchone()[0]
    stranger = make_person(role="organiser")  # organises the test programme, not the demo
    programme = demo_ids["programme"]

    sign_in(client, db, participant, DEMO_PASSWORD)
    as_participant = client.get(f"/case-studies/export?programme={programme}").status_code
    sign_in(client, db, stranger)
    as_stranger = client.get(f"/case-studies/export.zip?programme={programme}").status_code
    sign_in(client, db, demo_ids["organiser"], DEMO_PASSWORD)
    page = client.get(f"/case-studies/export?programme={programme}&status=all")

    assert (as_participant, as_stranger, page.status_code) == (403, 404, 200)
    assert page.get_data(as_text=True).count('<span class="badge status-') == 8


# Command line


def test_cli_export_writes_files_and_zip(runner, demo_ids, tmp_path):
    result = runner.invoke(
        args=[
            "export-case-studies",
            "--out",
            str(tmp_path / "o"),
            "--status",
            "all",
            "--zip",
            str(tmp_path / "o.zip"),
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Wrote 8 case studies and conference-pack.md" in result.output
    # 8 case studies, the pack, and the pack's 3 evaluation charts
    assert len(list((tmp_path / "o").iterdir())) == 12
    assert len(zipfile.ZipFile(tmp_path / "o.zip").namelist()) == 12


def test_cli_export_unknown_programme_fails_clearly(runner, demo_ids, tmp_path):
    out = tmp_path / "out"

    result = runner.invoke(args=["export-case-studies", "--out", str(out), "--programme", "999"])

    assert result.exit_code == 1
    assert "No programme with id 999." in result.output
    assert not out.exists()


def test_cli_export_shows_progress_for_large_programmes(
    runner, db, programme_id, make_person, tmp_path
):
    for n in range(21):
        members = [make_person(password=None), make_person(password=None)]
        pair = create_pair(db, programme_id, members, f"Priority {n}")
        casestudies.save_case_study(db, pair, members[0], 0, {"title": f"Study {n}"})

    result = runner.invoke(
        args=[
            "export-case-studies",
            "--out",
            str(tmp_path),
            "--status",
            "all",
            "--programme",
            str(programme_id),
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Writing case studies" in result.output
    assert "Wrote 21 case studies" in result.output


# pandoc


def test_pandoc_converts_every_file_to_docx_and_html_without_warnings(exported, tmp_path):
    need_pandoc()
    for path in sorted(exported["dir"].glob("*.md")):
        to_docx = pandoc(str(path), "-s", "-o", str(tmp_path / "x.docx"))
        to_html = pandoc(str(path), "-s", "-t", "html", "-o", str(tmp_path / "x.html"))

        assert (to_docx.returncode, to_docx.stderr) == (0, ""), (path.name, to_docx.stderr)
        assert (to_html.returncode, to_html.stderr) == (0, ""), path.name


def test_pandoc_outline_matches_python_markdown(exported):
    need_pandoc()
    for path in sorted(exported["dir"].glob("*.md")):
        # -smart: compare structure, not pandoc's curly quotes
        result = pandoc(str(path), "-f", "markdown-smart", "-t", "html")

        assert result.returncode == 0, result.stderr
        assert headings(result.stdout) == markdown_outline(path.read_text()), path.name
