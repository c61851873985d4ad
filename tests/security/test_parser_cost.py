"""What a parser costs on hostile input: every Markdown field, the spreadsheet import and
the search box either answer fast or refuse with a message; none ties up a worker.

Times are the thread's CPU time, so a busy test machine does not make them flaky; the
bound is a safety bound (python-markdown once took 99 s on 20,000 '['), not a benchmark.
"""

import io
import time

import pytest

from actionlearning.casestudies import CaseStudyError, render_section
from actionlearning.text import MarkdownRefused, render_markdown

from .conftest import client_for, page_token, snapshot

BOUND_SECONDS = 1.0
LIMIT = 20_000  # the longest Markdown field (entry body, case-study section, agenda)


def _nested_list(size):
    lines, depth = [], 0
    while sum(map(len, lines)) < size:
        lines.append("    " * depth + "- item\n")
        depth += 1
    return "".join(lines)


# Each shape python-markdown once handled in quadratic time or with unbounded recursion.
SHAPES = {
    "open brackets": "[",
    "open brackets and spaces": "[ ",
    "open brackets and newlines": "[\n",
    "image openers": "![",
    "link openers": "[a](",
    "link chains": "[a](b)",
    "unclosed link titles": '[a]("x',
    "reference openers": "[a][",
    "emphasis stars": "*a",
    "strong stars": "**a",
    "mixed emphasis": "*_",
    "underscores": "_a",
    "angle brackets": "<",
    "html openers": "<a",
    "autolink openers": "<http://a",
    "html comments": "<!--",
    "backticks": "`a",
    "backtick lines": "`\n",
    "quote nesting": ">",
    "quote nesting with spaces": "> ",
    "quoted lists": "> - ",
    "listed quotes": "- > ",
    "one-line nested lists": "1. ",
    "plus lists": "+ ",
    "definition lists": "term\n: def\n",
    "abbreviations": "*[a]: b\n",
    "footnote references": "[^1]",
    "setext headings": "a\n=\n",
    "rules": "---\n",
    "fences": "```\n",
    "backslashes": "\\",
    "pipes": "|a|b|\n",
}


def _repeat(unit, size):
    return (unit * (size // len(unit) + 1))[:size]


def _cost(render, text):
    start = time.thread_time()
    try:
        render(text)
    except (MarkdownRefused, CaseStudyError) as refused:
        return time.thread_time() - start, str(refused)
    return time.thread_time() - start, None


@pytest.mark.parametrize("render", [render_markdown, render_section], ids=["markdown", "section"])
@pytest.mark.parametrize("shape", [*SHAPES, "nested lists"])
def test_markdown_renders_any_shape_fast_or_refuses_it(render, shape):
    text = _nested_list(LIMIT) if shape == "nested lists" else _repeat(SHAPES[shape], LIMIT)

    seconds, refusal = _cost(render, text)

    assert seconds < BOUND_SECONDS, f"{shape}: {seconds:.2f} s"
    assert refusal is None or "nothing was saved" in refusal.lower()


@pytest.mark.parametrize(
    "text",
    [
        "The pair met the [discharge team](https://example.org/a?b=c) and *agreed* a plan. " * 240,
        "".join(f"term {n}\n: definition {n}\n" for n in range(60)),
        "".join(f"- item {n} with [a link](https://example.org/{n})\n" for n in range(500)),
        "".join("    " * n + "1. level\n" for n in range(12)),
        "|a|b|\n|-|-|\n" + "|x|y|\n" * 1000,
        "> " * 30 + "a deep quotation",
    ],
    ids=["prose", "glossary", "long list", "deep list", "long table", "deep quote"],
)
def test_markdown_renders_realistic_long_text_without_refusing(text):
    seconds, refusal = _cost(render_markdown, text[:LIMIT])

    assert refusal is None
    assert seconds < BOUND_SECONDS


def test_markdown_links_and_nested_brackets_still_render():
    html = render_markdown("[a [b] c](https://example.org) and [x [y](https://example.net)")

    assert html == (
        '<p><a href="https://example.org" rel="nofollow noopener noreferrer">a [b] c</a> and '
        '[x <a href="https://example.net" rel="nofollow noopener noreferrer">y</a></p>'
    )


def test_entry_body_of_nested_definitions_is_refused_with_a_message(app, db, world):
    alice = client_for(app, db, world["people"]["alice"])
    before = snapshot(db)

    response = alice.post(
        "/journal/new",
        data={
            "title": "Glossary",
            "body": "term\n: def\n" * 1800,
            "visibility": "private",
            "csrf_token": page_token(alice),
        },
    )

    assert response.status_code == 200
    assert "more than 100 levels deep" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_preview_of_open_brackets_answers_fast(app, db, world):
    alice = client_for(app, db, world["people"]["alice"])
    token = page_token(alice)
    start = time.thread_time()

    response = alice.post(
        "/journal/new",
        data={"title": "Brackets", "body": "[" * LIMIT, "preview": "1", "csrf_token": token},
    )

    assert response.status_code == 200
    assert time.thread_time() - start < BOUND_SECONDS


def test_import_of_a_huge_cell_is_refused_with_a_message(app, db, world):
    organiser = client_for(app, db, world["people"]["organiser"])
    text = "email,name,role\r\nhuge@example.org," + "x" * 300_000 + ",participant\r\n"
    before = snapshot(db)

    response = organiser.post(
        f"/programmes/{world['programme_id']}/import",
        data={
            "file": (io.BytesIO(text.encode()), "people.csv"),
            "csrf_token": page_token(organiser),
        },
        content_type="multipart/form-data",
    )

    assert "the file is not valid CSV" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_import_of_too_many_rows_is_refused_with_a_message(app, db, world):
    organiser = client_for(app, db, world["people"]["organiser"])
    rows = "".join(f"p{n}@example.org,P {n},participant\r\n" for n in range(2001))
    start = time.thread_time()

    response = organiser.post(
        f"/programmes/{world['programme_id']}/import",
        data={
            "file": (io.BytesIO(("email,name,role\r\n" + rows).encode()), "people.csv"),
            "csrf_token": page_token(organiser),
        },
        content_type="multipart/form-data",
    )

    assert "The file has more than 2000 rows; split it." in response.get_data(as_text=True)
    assert time.thread_time() - start < BOUND_SECONDS


@pytest.mark.parametrize("query", ["a* " * 1000, '"' * 2000, "NEAR( " * 500, "x" * 4000])
def test_search_of_a_hostile_query_answers_fast(app, db, world, query):
    alice = client_for(app, db, world["people"]["alice"])
    start = time.thread_time()

    response = alice.get("/journal/search", query_string={"q": query})

    assert response.status_code == 200
    assert time.thread_time() - start < BOUND_SECONDS
