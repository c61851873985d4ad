"""E-mail preferences and one-click unsubscribe (RFC 8058)."""

import re

import pytest

from actionlearning.db import rows, write
from actionlearning.mail import person_opt_outs, queue_message, unsubscribe_token

from .conftest import csrf_token


@pytest.fixture
def app(mail_app):
    return mail_app


def queue_reminder(db, person):
    with write(db):
        return queue_message(
            db, person_id=person, kind="reminder", subject="Set meeting in 3 days", text="Hi"
        )


def test_unticked_kind_is_no_longer_queued(client, db, make_person, login):
    person = make_person()
    login(person)

    response = client.post(
        "/account/mail",
        data={"kinds": ["nudge"], "csrf_token": csrf_token(client, "/account/mail")},
    )

    assert response.status_code == 302
    assert queue_reminder(db, person) is None
    assert person_opt_outs(db, person) == {
        "reminder",
        "facilitator_briefing",
        "notification_response",
        "notification_case_study",
    }


def test_preferences_page_shows_what_is_on(client, db, make_person, login):
    person = make_person()
    login(person)
    client.post(
        "/account/mail",
        data={"kinds": ["nudge"], "csrf_token": csrf_token(client, "/account/mail")},
    )

    page = client.get("/account/mail").get_data(as_text=True)

    ticked = re.findall(r'<input checked[^>]*value="([a-z_]+)"', page)
    assert ticked == ["nudge"]


def test_one_click_post_from_the_message_header_unsubscribes(
    app, db, runner, mail_server, make_person
):
    person = make_person()
    queue_reminder(db, person)
    runner.invoke(args=["send-mail"])
    [message] = mail_server.parsed()
    url = message["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")

    # As a mail provider sends it: no cookies, no CSRF token, the RFC 8058 body.
    response = app.test_client().post(
        url,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert person_opt_outs(db, person) == {"reminder"}
    assert queue_reminder(db, person) is None


def test_opening_the_link_turns_nothing_off(client, db, make_person):
    person = make_person()
    token = unsubscribe_token("test-secret-key", person, "reminder")

    response = client.get(f"/mail/unsubscribe/{token}")

    assert response.status_code == 200
    assert person_opt_outs(db, person) == set()


@pytest.mark.parametrize(
    "token",
    [
        "{person}.reminder.{signature}x",
        "{other}.reminder.{signature}",
        "{person}.nudge.{signature}",
        "{person}.invitation.{signature}",
    ],
)
def test_forged_token_changes_nothing(client, db, make_person, token):
    person, other = make_person(), make_person()
    signature = unsubscribe_token("test-secret-key", person, "reminder").rsplit(".", 1)[1]

    response = client.post(
        "/mail/unsubscribe/" + token.format(person=person, other=other, signature=signature),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 404
    assert rows(db, "SELECT * FROM mail_opt_outs") == []
