"""The organisers' outbox page and "resend the invitation"."""

import pytest

from actionlearning import programmes
from actionlearning.db import rows, write
from actionlearning.journal.entries import add_response, create_entry
from actionlearning.mail import queue_message

from .conftest import csrf_token


@pytest.fixture
def app(mail_app):
    return mail_app


def queue(db, person, subject, programme_id=None, kind="invitation"):
    with write(db):
        queue_message(
            db, person_id=person, kind=kind, subject=subject, text="Hi", programme_id=programme_id
        )


def test_organiser_sees_a_refusal_with_the_servers_answer(
    client, db, runner, mail_server, programme_id, make_person, login
):
    queue(db, make_person(), "Set meeting moved", programme_id)
    mail_server.answer = "550 5.1.1 User unknown"
    runner.invoke(args=["send-mail"])
    login(make_person(role="organiser"))

    page = client.get("/mail/outbox?status=failed").get_data(as_text=True)

    assert "Set meeting moved" in page
    assert "550 5.1.1 User unknown" in page


def test_organiser_sees_only_their_programmes_mail(client, db, programme_id, make_person, login):
    other = programmes.create_programme(db, "Other programme", "2026-09-01", "2027-08-31")
    outsider = make_person(programme=other)
    queue(db, make_person(), "Ours", programme_id)
    queue(db, outsider, "Theirs", other)
    queue(db, outsider, "Their sign-in link", kind="account")
    login(make_person(role="organiser"))

    page = client.get("/mail/outbox").get_data(as_text=True)

    assert "Ours" in page
    assert "Theirs" not in page
    assert "Their sign-in link" not in page


def test_outbox_shows_no_link_and_no_response_notices(
    client, db, programme_id, make_person, make_pair, login
):
    grace, tom = make_person(), make_person(name="Tom Price")
    make_pair(member_ids=[grace, tom])
    entry = create_entry(db, grace, title="Shared", body="Body", visibility="pair")
    add_response(db, tom, entry, "Reply", base_url="http://localhost")
    organiser = make_person(role="organiser")
    login(organiser)
    client.post(f"/people/{grace}/reset-link", data={"csrf_token": csrf_token(client, "/people")})

    page = client.get("/mail/outbox").get_data(as_text=True)

    kinds = [row["kind"] for row in rows(db, "SELECT kind FROM outbox ORDER BY id")]
    assert kinds == ["notification_response", "account"]
    assert "A link to set a new password" in page
    assert "/account/link/" not in page
    assert "responded" not in page


def test_resend_invitation_queues_a_new_sign_up_link(
    client, db, runner, mail_server, programme_id, make_person, login
):
    invited = make_person(password=None, email="invited@example.org")
    db.execute("UPDATE people SET password_hash = NULL WHERE id = ?", [invited])
    login(make_person(role="organiser"))

    client.post(f"/people/{invited}/reset-link", data={"csrf_token": csrf_token(client, "/people")})
    runner.invoke(args=["send-mail"])

    [message] = mail_server.parsed()
    assert message["To"].addresses[0].addr_spec == "invited@example.org"
    assert message["Subject"] == "Your invitation to the leadership programme"
    assert "Sent" not in client.get("/mail/outbox?status=queued").get_data(as_text=True)
    assert "Your invitation" in client.get("/mail/outbox?status=sent").get_data(as_text=True)


def test_outbox_is_for_organisers(client, make_person, login):
    login(make_person(role="facilitator"))

    assert client.get("/mail/outbox").status_code == 403
