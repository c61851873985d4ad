"""Account mail: sign-in links reach their owner by e-mail and no one else."""

import re
import threading

import pytest

from actionlearning import auth
from actionlearning.db import connect, rows

from .conftest import csrf_token

LINK = re.compile(r"http://localhost/account/link/[A-Za-z0-9_-]+")


@pytest.fixture
def app(mail_app):
    return mail_app


def forgot(client, email):
    return client.post(
        "/account/forgot", data={"email": email, "csrf_token": csrf_token(client, "/login")}
    )


def delivered_links(mail_server, runner):
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    return [
        (
            message["To"].addresses[0].addr_spec,
            LINK.findall(message.get_body(("plain",)).get_content()),
        )
        for message in mail_server.parsed()
    ]


def test_forgot_answers_the_same_with_or_without_an_account(client, db, make_person):
    make_person(email="known@example.org")

    known = forgot(client, "known@example.org")
    unknown = forgot(client, "unknown@example.org")

    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert "/account/link/" not in known.get_data(as_text=True)
    assert [row["to_addr"] for row in rows(db, "SELECT to_addr FROM outbox")] == [
        "known@example.org"
    ]


def test_forgot_mails_a_link_that_signs_its_owner_in(client, db, runner, mail_server, make_person):
    make_person(email="owner@example.org")

    forgot(client, "Owner@Example.org ")
    [(to, [link])] = delivered_links(mail_server, runner)

    assert to == "owner@example.org"
    assert client.get(link.removeprefix("http://localhost")).status_code == 200


def test_forgot_is_throttled_the_same_for_any_address(client, db, make_person):
    make_person(email="known@example.org")
    for _ in range(3):
        forgot(client, "known@example.org")
        forgot(client, "unknown@example.org")

    known = forgot(client, "known@example.org")
    unknown = forgot(client, "unknown@example.org")

    assert known.status_code == unknown.status_code == 429
    assert "Too many sign-in links" in known.get_data(as_text=True)
    # The form gives back the address typed, and nothing else differs.
    assert known.get_data(as_text=True).replace("known@", "X@") == unknown.get_data(
        as_text=True
    ).replace("unknown@", "X@")
    assert db["outbox"].count == 3


def test_simultaneous_forgot_requests_do_not_pass_the_limit(app, db, make_person):
    person = make_person(email="known@example.org")
    limits = {"account": 3, "address": 100, "window": 15}
    barrier = threading.Barrier(8)

    def ask():
        own = connect(app.config["DATABASE"])
        barrier.wait()
        try:
            auth.request_sign_in_link(own, "known@example.org", "10.0.0.1", limits, "http://x")
        except auth.AccountError:
            pass
        finally:
            own.conn.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert db.execute("SELECT count(*) FROM outbox WHERE person_id = ?", [person]).fetchone() == (
        3,
    )


def test_forgot_sends_nothing_to_a_deactivated_account(client, db, make_person):
    person = make_person(email="gone@example.org")
    auth.set_active(db, person, False)

    response = forgot(client, "gone@example.org")

    assert response.status_code == 200
    assert db["outbox"].count == 0
    assert db["account_links"].count == 0


def test_organiser_never_sees_the_reset_link(client, db, runner, mail_server, make_person, login):
    participant = make_person(email="participant@example.org")
    login(make_person(role="organiser"))

    response = client.post(
        f"/people/{participant}/reset-link",
        data={"csrf_token": csrf_token(client, "/people")},
        follow_redirects=True,
    )
    [(to, [link])] = delivered_links(mail_server, runner)

    page = response.get_data(as_text=True)
    assert "on its way to" in page
    assert "/account/link/" not in page
    assert to == "participant@example.org"
    token = link.rsplit("/", 1)[1]
    assert token not in page
    assert token not in client.get(f"/people/{participant}").get_data(as_text=True)
    assert auth.account_link(db, token)["person_id"] == participant


def test_sent_link_is_not_kept_in_the_outbox(client, db, runner, mail_server, make_person, login):
    participant = make_person()
    login(make_person(role="organiser"))
    client.post(
        f"/people/{participant}/reset-link", data={"csrf_token": csrf_token(client, "/people")}
    )
    queued = rows(db, "SELECT body_text FROM outbox")[0]["body_text"]

    [(_to, [link])] = delivered_links(mail_server, runner)

    assert link in queued
    [row] = rows(db, "SELECT status, body_text, body_html FROM outbox")
    assert row["status"] == "sent"
    assert "/account/link/" not in row["body_text"]
    assert row["body_html"] is None


def test_invitation_is_mailed_and_may_be_copied(
    client, db, runner, mail_server, make_person, programme_id, login
):
    login(make_person(role="organiser", name="Olive Organiser"))

    response = client.post(
        "/people",
        data={
            "email": "new@example.org",
            "name": "New Person",
            "role": "participant",
            "organisation_id": 0,
            "programme_id": programme_id,
            "csrf_token": csrf_token(client, "/people"),
        },
    )
    [(to, [link])] = delivered_links(mail_server, runner)

    assert response.status_code == 200
    assert link in response.get_data(as_text=True)
    assert to == "new@example.org"
    [message] = mail_server.parsed()
    assert message["Subject"] == "Your invitation to Test programme"
    assert "Olive Organiser has invited you" in message.get_body(("plain",)).get_content()


def test_cli_reset_link_still_prints_a_link(runner, db, make_person):
    make_person(email="someone@example.org")

    result = runner.invoke(args=["reset-link", "someone@example.org"])

    assert result.exit_code == 0
    assert "/account/link/" in result.output
    assert db["outbox"].count == 0
