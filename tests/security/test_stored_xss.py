"""Stored XSS: hostile text in every text column, then every page, feed and export is read.

Every user-text column in the database holds a payload (written straight into the file,
as if any form or import had let it through; *_html columns hold what saving that text
renders, since that is what the app stores), plus a CSV import of hostile values. Then
every GET route in the URL map is read by every kind of person: no payload may come out
as markup. Calendar files must carry no control characters and no injected properties;
Markdown exports no raw HTML.
"""

import json
import re

import pytest

from actionlearning import casestudies, feeds, scheduling
from actionlearning.casestudies import render_section
from actionlearning.casestudies.workflow import approve_case_study, submit_case_study
from actionlearning.journal.entries import add_response, create_entry, update_entry
from actionlearning.programmes import importer
from actionlearning.programmes.people import OPERATOR
from actionlearning.text import render_markdown

from .conftest import Arena, build_world, url_for_rule

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)><svg onload=alert(3)>"
LINK = "https://example.org/" + PAYLOAD
ICS_INJECTION = "Room 2\nATTENDEE:mailto:evil@example.org\nBEGIN:VALARM"
MARKUP = [
    # Our own scripts come from /static/ (the CSP allows only those); any other is injected.
    re.compile(r"""<script(?![^>]*\bsrc="/static/[\w.-]+\.js")""", re.I),
    re.compile(r"<img[^>]*onerror", re.I),
    re.compile(r"<svg[^>]*onload", re.I),
    re.compile(r"""href\s*=\s*["']?\s*javascript:""", re.I),
]

# User text, by table; the rest of the columns are ids, dates, enums, hashes and tokens.
TEXT_COLUMNS = {
    "programmes": ("name", "default_venue", "description"),
    "organisations": ("name",),
    "people": ("name", "job_title"),
    "learning_sets": ("name", "ground_rules"),
    "pairs": ("name", "borough", "priority_area", "problem_statement"),
    "meetings": ("title", "speaker", "speaker_organisation", "topic", "description", "agenda"),
    "action_points": ("text",),
    "journal_entries": ("title", "body", "what_happened", "so_what", "now_what"),
    "journal_revisions": ("title", "body", "what_happened", "so_what", "now_what"),
    "journal_responses": ("body",),
    "case_studies": ("title", "summary", "problem", "what_we_did", "outcomes", "learning"),
    "case_study_revisions": ("title", "summary", "problem", "what_we_did", "outcomes"),
}
HOSTILE_CSV = (
    "email,name,role,organisation,organisation_kind,job_title,pair,borough,priority_area,"
    "problem_statement,partnering_model,learning_set\r\n"
    f'csv1@example.org,"Csv {PAYLOAD}",participant,"Org {PAYLOAD}",nhs,"Job {PAYLOAD}",'
    f'csv-pair,"Borough {PAYLOAD}","Priority {PAYLOAD}","Problem {PAYLOAD}",voluntary,'
    f'"Set {PAYLOAD}"\r\n'
    f'csv2@example.org,"Csv two {PAYLOAD}",participant,"Council {PAYLOAD}",local_authority,'
    f',csv-pair,"Borough {PAYLOAD}","Priority {PAYLOAD}","Problem {PAYLOAD}",voluntary,'
    f'"Set {PAYLOAD}"\r\n'
)


def poison(db, world):
    """Write the payload into every user-text column, as stored text and as rendered HTML."""
    alice = world["people"]["alice"]
    extra_entry = create_entry(
        db, alice, world["programme_id"], title="Shared", body="x", visibility="programme"
    )
    update_entry(db, alice, extra_entry, title="Shared 2", body="y", visibility="programme")
    add_response(db, world["people"]["bob"], world["pair_entry_id"], "A response")
    scheduling.cancel_meeting(db, world["seminar_id"], "Speaker ill")
    importer.import_people(db, HOSTILE_CSV, world["programme_id"], by=OPERATOR)
    for table, columns in TEXT_COLUMNS.items():
        for (row_id,) in db.execute(f"SELECT rowid FROM {table}").fetchall():
            values = {c: f"{c} {row_id} {PAYLOAD}" for c in columns}
            db[table].update(row_id, values, alter=False)
    html = render_markdown(PAYLOAD)
    with db.conn:
        db.execute(
            "UPDATE meetings SET venue = ?, online_link = ?, cancel_reason = ?",
            [ICS_INJECTION, LINK, PAYLOAD],
        )
        db.execute("UPDATE meetings SET agenda_html = ?", [html])
        db.execute("UPDATE learning_sets SET ground_rules_html = ?", [html])
        db.execute("UPDATE journal_entries SET body_html = ?, prompts_html = ?", [html, html])
        db.execute("UPDATE journal_revisions SET body_html = ?, prompts_html = ?", [html, html])
        db.execute("UPDATE journal_responses SET body_html = ?", [html])
        section = render_section(PAYLOAD)
        db.execute(
            "UPDATE case_studies SET key_outcomes = ?, summary_html = ?, problem_html = ?, "
            "what_we_did_html = ?, outcomes_html = ?, learning_html = ?",
            [json.dumps([PAYLOAD]), section, section, section, section, section],
        )
        db.execute("UPDATE journal_entry_tags SET tag = ?", [PAYLOAD])
    return extra_entry


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from actionlearning import create_app
    from actionlearning.db import connect

    path = str(tmp_path_factory.mktemp("hostile") / "hostile.db")
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE": path, "BASE_URL": "http://x"})
    db = connect(path)
    world = build_world(db)
    pair = world["pair_id"]
    study = casestudies.case_study(db, pair)
    submit_case_study(db, pair, world["people"]["alice"], study["revision"])
    approve_case_study(db, pair, world["people"]["organiser"], study["revision"])
    world["shared_entry_id"] = poison(db, world)
    try:
        yield Arena(app, db, world)
    finally:
        db.conn.close()


def get_routes(app):
    skip = ("/static/", "/favicon.ico", "/feeds/", "/account/link/")
    return sorted(
        r.rule
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and not r.rule.startswith(skip)
    )


def assert_no_markup(text, where):
    for pattern in MARKUP:
        assert not pattern.search(text), f"{pattern.pattern} in {where}"


@pytest.mark.parametrize("viewer", ["organiser", "facilitator", "alice", "carol", "outsider"])
def test_stored_xss_no_page_renders_a_payload_as_markup(hostile, viewer):
    client = hostile.client(viewer)
    world = dict(hostile.world, private_entry_id=hostile.world["shared_entry_id"])
    seen, markdown_pages = 0, []
    for rule_text in get_routes(hostile.app):
        rule = next(r for r in hostile.app.url_map.iter_rules() if r.rule == rule_text)
        url = url_for_rule(rule, world)
        for path in (url, url + "?q=alert&page=1"):
            response = client.get(path)
            assert response.status_code < 500, path
            if response.status_code != 200:
                continue
            seen += 1
            binary = response.mimetype in ("application/zip", "application/pdf") or (
                response.mimetype.startswith("application/vnd.openxmlformats")
            )  # Word and PDF are checked by tests/test_documents.py and test_export_readers.py
            body = "" if binary else response.get_data(as_text=True)
            if response.mimetype in ("text/html", "text/plain"):
                assert_no_markup(body, f"{path} as {viewer}")
            if response.mimetype == "text/markdown":
                markdown_pages.append((path, body))
            if response.mimetype == "text/calendar":
                assert_calendar_is_clean(body, path)
    assert seen >= 5  # the crawl really read pages with the payloads in them
    assert_no_markup(client.get(f"/journal/search?q={PAYLOAD}").get_data(as_text=True), "search")


def assert_calendar_is_clean(text, where):
    assert re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text) is None, where
    assert not re.search(r"\r?\n(ATTENDEE|BEGIN:VALARM)", text), where
    assert text.count("BEGIN:VCALENDAR") == 1


def test_stored_xss_feeds_carry_no_control_characters_or_injected_lines(hostile):
    app, db, world = hostile.app, hostile.db, hostile.world
    client = hostile.client("alice")
    for scope, subject in (
        ("p", world["people"]["alice"]),
        ("s", world["learning_set_id"]),
        ("g", world["programme_id"]),
    ):
        token = feeds.feed_token(db, app.config["SECRET_KEY"], scope, subject)
        response = client.get(f"/feeds/{token}.ics")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "alert" in text  # the text is there, as text
        assert_calendar_is_clean(text, scope)


def split_front_matter(text):
    """(YAML front matter, Markdown body) of an exported file."""
    match = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S)
    assert match, "no front matter"
    return match.group(1), match.group(2)


def test_stored_xss_markdown_export_bodies_hold_no_raw_html(hostile):
    from actionlearning.casestudies import export

    files = export.export_files(hostile.db, hostile.world["programme_id"], "all")
    markdown = [(name, text) for name, text in files if not name.endswith(".png")]
    assert len(markdown) >= 2
    for name, text in markdown:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.md", name)
        body = split_front_matter(text)[1] if text.startswith("---") else text
        assert_no_markup(body, name)


def test_stored_xss_markdown_export_front_matter_holds_no_raw_html(hostile):
    from actionlearning.casestudies import export

    for name, text in export.export_files(hostile.db, hostile.world["programme_id"], "all"):
        if name.endswith(".md") and text.startswith("---"):
            assert_no_markup(split_front_matter(text)[0], name)


def test_stored_xss_a_javascript_online_link_never_becomes_a_link(app, db, world):
    from tests.conftest import sign_in

    meeting = world["meeting_id"]
    try:
        scheduling.update_meeting(db, meeting, online_link="javascript:alert(4)")
    except scheduling.SchedulingError:
        return  # refused at the door: the attack fails
    client = app.test_client()
    sign_in(client, db, world["people"]["alice"])
    assert_no_markup(client.get(f"/meetings/{meeting}").get_data(as_text=True), "meeting")
