"""The mailed notice before a programme's journals are deleted: once per author and deletion
date, not to keepers, never with journal text, delivered by send-mail."""

from datetime import UTC, date, datetime

import pytest

from actionlearning import auth, retention
from actionlearning.db import rows
from actionlearning.journal.entries import create_entry
from actionlearning.mail import retention_notices

BASE_URL = "http://localhost"
MARKER = "heron-reflection-5521"
# The test programme ends 2027-08-31; its journals go on 2028-08-31, noticed from 2 July.
DELETE_ON = date(2028, 8, 31)


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def authors(db, make_person):
    leaver, keeper, silent = make_person(), make_person(), make_person()
    retention.set_keep_journal(db, keeper, True)
    for person in (leaver, leaver, keeper):
        create_entry(db, person, title=f"Title {MARKER}", body=f"Body {MARKER}")
    return {"leaver": leaver, "keeper": keeper, "silent": silent}


def notices(db):
    return rows(
        db, "SELECT person_id, subject, body_text, body_html FROM outbox WHERE kind = 'retention'"
    )


def test_authors_are_told_once_from_sixty_days_before(db, authors):
    early = retention_notices.queue_due(db, BASE_URL, date(2028, 7, 1))
    due = retention_notices.queue_due(db, BASE_URL, date(2028, 7, 2))
    again = retention_notices.queue_due(db, BASE_URL, date(2028, 7, 3))

    queued = notices(db)
    assert (early, due, again) == (0, 1, 0)
    # The keeper chose to keep theirs; the person who wrote nothing has nothing to lose.
    assert [n["person_id"] for n in queued] == [authors["leaver"]]
    assert queued[0]["subject"] == (
        "Your journal in Test programme will be deleted on 31 August 2028"
    )
    assert "Your 2 journal entries in Test programme" in queued[0]["body_text"]
    assert f"{BASE_URL}/journal/export.zip" in queued[0]["body_text"]


def test_notice_never_carries_journal_text(db, authors):
    retention_notices.queue_due(db, BASE_URL, DELETE_ON)

    (notice,) = notices(db)
    assert MARKER not in " ".join(notice[k] for k in ("subject", "body_text", "body_html"))


def test_a_new_deletion_date_is_noticed_again(db, authors, programme_id):
    retention_notices.queue_due(db, BASE_URL, date(2028, 8, 1))
    db.execute("UPDATE programmes SET retention_months = 13 WHERE id = ?", [programme_id])
    retention_notices.queue_due(db, BASE_URL, date(2028, 8, 1))  # 30 September is 60 days off
    retention_notices.queue_due(db, BASE_URL, date(2028, 8, 2))

    subjects = [n["subject"] for n in notices(db)]
    assert subjects == [
        "Your journal in Test programme will be deleted on 31 August 2028",
        "Your journal in Test programme will be deleted on 30 September 2028",
    ]


def test_no_notice_after_the_date_or_without_an_end(db, authors, programme_id):
    after = retention_notices.queue_due(db, BASE_URL, date(2028, 9, 1))
    db.execute("UPDATE programmes SET ends_on = '' WHERE id = ?", [programme_id])
    without_end = retention_notices.queue_due(db, BASE_URL, date(2028, 8, 1))

    assert (after, without_end, notices(db)) == (0, 0, [])


def test_send_mail_delivers_the_notice(db, runner, mail_server, programme_id, authors):
    # A programme whose journals go a month from today (ends eleven months ago, kept 12).
    today = datetime.now(UTC).date()
    ends = retention.add_months(today, -11)
    db.execute("UPDATE programmes SET ends_on = ? WHERE id = ?", [ends.isoformat(), programme_id])

    result = runner.invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    (message,) = mail_server.parsed()
    assert message["To"].addresses[0].addr_spec == auth.person(db, authors["leaver"])["email"]
    assert message["Subject"].startswith("Your journal in Test programme will be deleted on")
    assert message["List-Unsubscribe"] is None  # a notice of deletion cannot be turned off
