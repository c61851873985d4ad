"""Word and PDF of the case studies and the conference pack, from the web: read back with
pandoc (Word) and pdftotext (PDF); who may download them; hostile content reads no file."""

import io
import re
import shutil
import subprocess
import zipfile
import zlib

import pytest

from actionlearning import casestudies
from actionlearning.casestudies import export
from actionlearning.casestudies.workflow import (
    approve_case_study,
    reopen_case_study,
    submit_case_study,
)
from tests.conftest import sign_in
from tests.hostile_export import pandoc_binaries

QUESTIONS = [
    "What was the problem?",
    "What did we do?",
    "What were the outcomes?",
    "What did we learn?",
]
TITLES = ["Getting people home from hospital", "Stroke rehabilitation together"]


@pytest.fixture
def approved(db, make_pair, make_person):
    """Two approved case studies in the test programme; returns (pair ids, organiser)."""
    organiser = make_person(role="organiser")
    pairs = []
    for title in TITLES:
        pair = make_pair(priority_area=title)
        author = _member(db, pair)
        fields = {"title": title, **{k: f"{title}: {k} text." for k in casestudies.MARKDOWN_FIELDS}}
        revision = casestudies.save_case_study(db, pair, author, 0, fields)
        submit_case_study(db, pair, author, revision)
        approve_case_study(db, pair, organiser, revision)
        pairs.append(pair)
    return pairs, organiser


def _member(db, pair):
    return db.execute("SELECT person_id FROM pair_members WHERE pair_id = ?", [pair]).fetchone()[0]


def docx_text(data, tmp_path):
    path = tmp_path / "read.docx"
    path.write_bytes(data)
    binary = pandoc_binaries()[0]
    result = subprocess.run(
        [binary, str(path), "-t", "plain"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def pdf_text(data, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (make test installs poppler-utils)")
    path = tmp_path / "read.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def pdf_objects(data):
    """The PDF with its compressed streams opened, to look for objects in it."""
    found = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            found.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return b"\n".join(found)


def download(client, url, mimetype):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == mimetype
    return response.data


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_pack_as_word_holds_the_questions_and_titles_once(
    client, db, approved, programme_id, tmp_path
):
    _pairs, organiser = approved
    sign_in(client, db, organiser)

    data = download(client, "/case-studies/export/conference-pack.docx", DOCX)

    text = docx_text(data, tmp_path)
    assert all(q in text for q in QUESTIONS)
    assert all(t in text for t in TITLES)
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert document.count("Test programme: conference pack") == 1  # a Title, no Heading 1
    assert 'w:val="Title"' in document and "TOC" in document


def test_pack_as_pdf_has_title_page_contents_and_page_numbers(
    client, db, approved, programme_id, tmp_path
):
    _pairs, organiser = approved
    sign_in(client, db, organiser)

    data = download(client, "/case-studies/export/conference-pack.pdf", "application/pdf")

    text = pdf_text(data, tmp_path)
    pages = [" ".join(page.split()) for page in text.split("\f")]
    assert "Test programme: conference pack 8 July 2027" in pages[0]
    assert "Contents" in pages[1] and all(t in pages[1] for t in TITLES)
    assert all(q in text for q in QUESTIONS) and all(t in text for t in TITLES)
    assert f"Page 2 of {len([p for p in pages if p.strip()])}" in pages[1]
    assert b"/Outlines" in pdf_objects(data)  # the headings, as the PDF's outline


def test_case_study_as_word_and_pdf(client, db, approved, tmp_path):
    (pair, _other), _organiser = approved
    sign_in(client, db, _member(db, pair))

    word = docx_text(download(client, f"/case-studies/{pair}/case-study.docx", DOCX), tmp_path)
    pdf = pdf_text(
        download(client, f"/case-studies/{pair}/case-study.pdf", "application/pdf"), tmp_path
    )

    for text in (word, pdf):
        assert TITLES[0] in text and all(q in text for q in QUESTIONS)
        assert TITLES[1] not in text


def test_word_and_pdf_follow_the_markdown_access_rules(
    client, db, approved, make_person, make_pair
):
    (pair, _other), _organiser = approved
    outsider = make_person()
    sign_in(client, db, outsider)

    answers = [
        client.get(f"/case-studies/{pair}/case-study.{fmt}").status_code
        for fmt in ("md", "docx", "pdf")
    ] + [
        client.get(f"/case-studies/export/conference-pack.{fmt}").status_code
        for fmt in ("md", "docx", "pdf")
    ]

    assert answers == [404, 404, 404, 403, 403, 403]


def test_hostile_case_study_reads_no_file_and_runs_nothing(
    client, db, approved, tmp_path, make_pair, make_person, programme_id
):
    (pair, _other), organiser = approved
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT-5521")
    hostile = (
        f"![a]({secret}) ![b](file://{secret}) <img src='file://{secret}'> "
        f"[c](file://{secret})\n\n```{{=html}}\n<script>alert(1)</script>\n```\n\n"
        f"```{{=latex}}\n\\input{{{secret}}}\n```\n\n"
        f'<iframe src="file://{secret}"></iframe> <link rel=stylesheet href="file://{secret}">'
    )
    reopen_case_study(db, pair, organiser)
    study = casestudies.case_study(db, pair)
    revision = casestudies.save_case_study(
        db, pair, _member(db, pair), study["revision"], {**study, "outcomes": hostile}
    )
    submit_case_study(db, pair, _member(db, pair), revision)
    approve_case_study(db, pair, organiser, revision)
    sign_in(client, db, organiser)

    word = download(client, "/case-studies/export/conference-pack.docx", DOCX)
    pdf = download(client, "/case-studies/export/conference-pack.pdf", "application/pdf")

    parts = zipfile.ZipFile(io.BytesIO(word))
    charts = set(export.pack_document(db, programme_id)["images"].values())
    media = [parts.read(n) for n in parts.namelist() if n.startswith("word/media/")]
    assert set(media) <= charts  # the pack's own charts, nothing a case study named
    assert not any(b"SECRET-FILE-CONTENT" in parts.read(n) for n in parts.namelist())
    assert "SECRET-FILE-CONTENT" not in pdf_text(pdf, tmp_path)
    objects = pdf_objects(pdf)
    assert b"/JavaScript" not in objects and b"/JS" not in objects and b"/Launch" not in objects
    assert "<script>alert(1)</script>" in docx_text(word, tmp_path)  # shown, as text
