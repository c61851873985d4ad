"""The organisers' outbox page and "resend the invitation"."""

from datetime import datetime

import pytest

from actionlearning import programmes, scheduling
from actionlearning.db import rows, write
from actionlearning.journal.entries import add_response, create_entry
from actionlearning.mail import invitations, queue_message

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


def seminar_ahead(db, programme_id, title="Pooled budgets"):
    return scheduling.create_meeting(
        db, programme_id, "seminar", title, datetime(2027, 3, 30, 12, 30), datetime(2027, 3, 30, 14)
    )


def test_organiser_resends_a_persons_meeting_invitations_from_the_outbox(
    client, db, runner, mail_server, programme_id, make_person, login
):
    seminar_ahead(db, programme_id)
    person = make_person(email="lost.calendar@example.org")
    queue(db, person, "Invitation: Pooled budgets", programme_id)
    runner.invoke(args=["send-mail"])
    login(make_person(role="organiser"))
    page = client.get("/mail/outbox").get_data(as_text=True)

    response = client.post(
        f"/mail/outbox/resend/{programme_id}/{person}",
        data={"csrf_token": csrf_token(client, "/mail/outbox")},
    )
    runner.invoke(args=["send-mail"])

    assert f'action="/mail/outbox/resend/{programme_id}/{person}"' in page
    assert response.status_code == 302
    resent = mail_server.parsed()[1:]
    assert [m["To"].addresses[0].addr_spec for m in resent] == ["lost.calendar@example.org"]
    assert resent[0]["Subject"] == "Invitation: Pooled budgets, Tue 30 Mar 2027, 12:30 BST"
    methods = [
        p.get_param("method") for p in resent[0].walk() if p.get_content_type() == "text/calendar"
    ]
    assert methods == ["REQUEST"]


def test_organiser_resends_invitations_from_the_persons_page_with_none_in_the_outbox(
    client, db, runner, mail_server, programme_id, make_person, login
):
    seminar_ahead(db, programme_id)
    person = make_person(email="never.invited@example.org")
    login(make_person(role="organiser"))
    page = client.get(f"/people/{person}").get_data(as_text=True)

    client.post(
        f"/mail/outbox/resend/{programme_id}/{person}",
        data={"csrf_token": csrf_token(client, f"/people/{person}")},
    )
    runner.invoke(args=["send-mail"])

    assert "Resend meeting invitations for Test programme" in page
    assert f'action="/mail/outbox/resend/{programme_id}/{person}"' in page
    [message] = mail_server.parsed()
    assert message["To"].addresses[0].addr_spec == "never.invited@example.org"
    assert message["Subject"].startswith("Invitation: Pooled budgets")


def test_resend_is_for_organisers_of_that_programme_only(
    client, db, programme_id, make_person, login
):
    seminar_ahead(db, programme_id)
    person = make_person()
    other = programmes.create_programme(db, "Other programme", "2026-09-01", "2027-08-31")
    login(make_person(role="organiser", programme=other))

    response = client.post(
        f"/mail/outbox/resend/{programme_id}/{person}",
        data={"csrf_token": csrf_token(client, "/mail/outbox")},
    )

    assert response.status_code == 404
    assert rows(db, "SELECT id FROM outbox") == []


def test_resend_without_the_forms_token_changes_nothing(
    client, db, programme_id, make_person, login
):
    seminar_ahead(db, programme_id)
    person = make_person()
    login(make_person(role="organiser"))

    response = client.post(f"/mail/outbox/resend/{programme_id}/{person}")

    assert response.status_code == 400
    assert rows(db, "SELECT id FROM outbox") == []


def test_outbox_shows_meeting_changes_still_being_written(
    client, app, db, programme_id, make_person, login
):
    seminar = seminar_ahead(db, programme_id, title="Integrated care")
    for _ in range(3):
        make_person()
    with invitations.queued_for_changes(db, invitations.settings_for(app), meeting_id=seminar):
        scheduling.update_meeting(db, seminar, title="Integrated care and budgets")
    login(make_person(role="organiser"))

    page = client.get("/mail/outbox").get_data(as_text=True)

    assert "Meeting changes being written" in page
    assert "Integrated care and budgets</a>, Tue 30 Mar 2027, 12:30 BST" in page
    assert "3 people" in page
