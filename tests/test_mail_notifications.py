"""Notifications (a response to your entry; a case study submitted, returned, approved), and the
privacy rule for every e-mail: no journal or case-study content, ever."""

import re
from datetime import datetime, timedelta

import pytest

from actionlearning import casestudies
from actionlearning.db import rows
from actionlearning.journal.entries import add_response, create_entry
from actionlearning.mail import invitations, set_preferences
from actionlearning.mail.reminders import queue_due
from actionlearning.scheduling import records

from .conftest import csrf_token, sign_in

BASE_URL = "http://localhost"
MARKER = "MARKER-7f3c"


@pytest.fixture
def app(mail_app):
    return mail_app


def outbox(db):
    return rows(db, "SELECT person_id, kind, subject, body_text FROM outbox ORDER BY id")


def post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def respond_on_the_web(client, db, person, entry_id, body):
    sign_in(client, db, person)
    return post(client, f"/journal/{entry_id}/responses", {"body": body}, f"/journal/{entry_id}")


def step_on_the_web(client, db, person, pair, step, comment=""):
    sign_in(client, db, person)
    page = client.get(f"/case-studies/{pair}").get_data(as_text=True)
    revision = re.search(r'name="base_revision"[^>]*value="(\d+)"', page).group(1)
    return post(
        client,
        f"/case-studies/{pair}/{step}",
        {"base_revision": revision, "comment": comment},
        f"/case-studies/{pair}",
    )


FULL = {
    "title": f"Case study title {MARKER}",
    "summary": f"Summary {MARKER}",
    "problem": f"Problem {MARKER}",
    "what_we_did": f"What we did {MARKER}",
    "outcomes": f"Outcomes {MARKER}",
    "learning": f"Learning {MARKER}",
    "key_outcomes": [f"Outcome {MARKER}"],
    "themes": ["leadership"],
}


def test_response_tells_the_author_that_not_what(client, db, world):
    entry = create_entry(
        db, world["grace"], title="Pair thoughts", body="Shared with Tom", visibility="pair"
    )

    respond_on_the_web(client, db, world["tom"], entry, "A thought back")

    [notice] = outbox(db)
    assert notice["person_id"] == world["grace"]
    assert notice["kind"] == "notification_response"
    assert notice["subject"] == "Tom Price responded to your journal entry"
    assert f"{BASE_URL}/journal/{entry}#responses" in notice["body_text"]
    assert "Pair thoughts" not in notice["body_text"]
    assert "A thought back" not in notice["body_text"]


def test_no_notice_for_answering_your_own_entry(db, world):
    entry = create_entry(db, world["grace"], title="Mine", body="Body", visibility="pair")

    add_response(db, world["grace"], entry, "Adding a note", base_url=BASE_URL)

    assert outbox(db) == []


def test_response_notice_can_be_turned_off(db, world):
    set_preferences(db, world["grace"], enabled_kinds=set())
    entry = create_entry(db, world["grace"], title="Pair", body="Body", visibility="pair")

    add_response(db, world["tom"], entry, "Reply", base_url=BASE_URL)

    assert outbox(db) == []


def test_case_study_submitted_tells_the_organisers_returned_and_approved_the_pair(
    client, db, world
):
    casestudies.save_case_study(db, world["pair"], world["grace"], 0, FULL)

    step_on_the_web(client, db, world["grace"], world["pair"], "submit")
    submitted = outbox(db)
    step_on_the_web(client, db, world["organiser"], world["pair"], "return", "Add figures")
    step_on_the_web(client, db, world["tom"], world["pair"], "submit")
    step_on_the_web(client, db, world["organiser"], world["pair"], "approve")

    assert [(n["person_id"], n["kind"]) for n in submitted] == [
        (world["organiser"], "notification_case_study")
    ]
    subjects = [(n["person_id"], n["subject"]) for n in outbox(db)]
    pair = "Grace Okafor and Tom Price"
    assert subjects == [
        (world["organiser"], f"Case study submitted: {pair}"),
        (world["grace"], f"Case study returned: {pair}"),
        (world["tom"], f"Case study returned: {pair}"),
        (world["organiser"], f"Case study submitted: {pair}"),
        (world["grace"], f"Case study approved: {pair}"),
        (world["tom"], f"Case study approved: {pair}"),
    ]


def test_no_mail_carries_journal_or_case_study_text(
    app, client, db, runner, mail_server, world, programme_id, make_person, make_meeting
):
    # First what could leak: entries of every visibility, with prompts, and responses.
    entries = {
        visibility: create_entry(
            db,
            world["grace"],
            title=f"Title {visibility} {MARKER}",
            body=f"Body {visibility} {MARKER}",
            what_happened=f"What happened {MARKER}",
            so_what=f"So what {MARKER}",
            now_what=f"Now what {MARKER}",
            visibility=visibility,
        )
        for visibility in ("private", "pair", "set", "programme")
    }
    casestudies.save_case_study(db, world["pair"], world["grace"], 0, FULL)
    start = datetime(2027, 3, 23, 10)
    settings = invitations.settings_for(app)
    with invitations.queued_for_changes(db, settings, programme_id=programme_id):
        meeting = make_meeting(start, start + timedelta(hours=3), world["set"], title="March set")
    # Action points are the set's own record, which reminders list by design: not a marker.
    records.add_action_point(db, meeting, world["grace"], "Call the discharge team")

    # Then every action that sends mail.
    for visibility in ("pair", "set", "programme"):
        respond_on_the_web(client, db, world["tom"], entries[visibility], f"Reply {MARKER}")
    step_on_the_web(client, db, world["grace"], world["pair"], "submit")
    step_on_the_web(client, db, world["organiser"], world["pair"], "return", f"Fix {MARKER}")
    step_on_the_web(client, db, world["tom"], world["pair"], "submit")
    step_on_the_web(client, db, world["organiser"], world["pair"], "approve")
    post(client, f"/people/{world['grace']}/reset-link", {}, "/people")
    post(
        client,
        "/people",
        {
            "email": "new@example.org",
            "name": "New Person",
            "role": "participant",
            "organisation_id": 0,
            "programme_id": programme_id,
        },
        "/people",
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/journal")})
    post(client, "/account/forgot", {"email": auth_email(db, world["tom"])}, "/account/forgot")
    for day in ("2027-03-20T09:00:00+00:00", "2027-03-22T09:00:00+00:00"):
        queue_due(db, BASE_URL, datetime.fromisoformat(day))
    result = runner.invoke(args=["send-mail"])

    kinds = {row["kind"] for row in rows(db, "SELECT kind FROM outbox")}
    assert result.exit_code == 0, result.output
    assert {
        "invitation",
        "notification_response",
        "notification_case_study",
        "account",
        "reminder",
    } <= kinds
    stored = rows(db, "SELECT * FROM outbox")
    assert [
        (row["kind"], row["subject"], row["body_text"]) for row in stored if MARKER in repr(row)
    ] == []
    delivered = mail_server.parsed()
    assert len(delivered) == len(stored)
    for message in delivered:
        for part in message.walk():
            if not part.is_multipart():
                content = part.get_content()
                text = content.decode() if isinstance(content, bytes) else content
                assert MARKER not in text
        assert MARKER not in str(message["Subject"])


def auth_email(db, person_id):
    return rows(db, "SELECT email FROM people WHERE id = ?", [person_id])[0]["email"]
