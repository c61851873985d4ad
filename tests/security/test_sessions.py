"""Sign-in attacks: open redirects, session fixation, replay after logout, look-alike e-mails."""

import pytest

from actionlearning import auth
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.live import flask_command

from .conftest import page_token, snapshot

OFF_SITE = [
    "//evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "///evil.example",
    "https:/\\/evil.example",
]


def post_login(client, email, password=PASSWORD, next_path=None):
    path = "/login" + (f"?next={next_path}" if next_path is not None else "")
    token = csrf_token(client, path)
    return client.post(path, data={"email": email, "password": password, "csrf_token": token})


@pytest.mark.parametrize("target", OFF_SITE)
def test_open_redirect_login_next_never_leaves_the_site(client, db, world, target):
    response = post_login(client, "alice@example.org", next_path=target)

    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil" not in location and "javascript" not in location


def test_session_fixation_a_planted_cookie_is_not_signed_in_by_the_victim(app, db, world):
    attacker = app.test_client()
    attacker.get("/login")  # the attacker gets a session cookie...
    planted = attacker.get_cookie("session").value
    victim = app.test_client()
    victim.set_cookie("session", planted)  # ...and plants it in the victim's browser
    sign_in(victim, db, world["people"]["alice"])

    assert victim.get_cookie("session").value != planted
    assert attacker.get("/journal").status_code == 302  # the planted cookie is still nobody


def test_session_replay_after_logout_is_refused(app, db, world):
    client = app.test_client()
    sign_in(client, db, world["people"]["alice"])
    stolen = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": page_token(client)})

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get(f"/journal/{world['private_entry_id']}")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_session_replay_after_password_change_is_refused(app, db, world):
    client = app.test_client()
    sign_in(client, db, world["people"]["alice"])
    stolen = client.get_cookie("session").value
    auth.set_password(db, world["people"]["alice"], "a-brand-new-password")

    thief = app.test_client()
    thief.set_cookie("session", stolen)

    assert thief.get("/journal").status_code == 302


def test_session_cookie_forged_with_another_key_is_nobody(app, db, world):
    from flask import Flask

    forger = Flask("forger")
    forger.secret_key = "not-the-real-key"
    serializer = forger.session_interface.get_signing_serializer(forger)
    forged = serializer.dumps({"_user_id": "anything", "_fresh": True})
    thief = app.test_client()
    thief.set_cookie("session", forged)

    assert thief.get("/journal").status_code == 302


CONFUSABLES = [
    "\u0430lice@example.org",  # Cyrillic a
    "alice@examp\u04cfe.org",  # Cyrillic palochka for l
    "\uff41lice@example.org",  # fullwidth a
    "alice@example.org\u200b",  # zero-width space
    "ALİCE@example.org",  # dotted capital I
]


@pytest.mark.parametrize("email", CONFUSABLES)
def test_confusable_email_with_the_right_password_does_not_sign_in(client, db, world, email):
    before = snapshot(db)
    response = post_login(client, email)

    assert response.status_code == 200  # the form again, with a message
    assert client.get("/journal").status_code == 302
    assert snapshot(db) == before


@pytest.mark.parametrize("email", CONFUSABLES[:3])
def test_confusable_email_cannot_be_registered(db, world, email):
    with pytest.raises(auth.AccountError):
        auth.create_person(db, email, "Mallory", "participant", None, PASSWORD)


def test_confusable_email_refused_by_create_user_command(tmp_path):
    result = flask_command(
        tmp_path / "x.db",
        "create-user",
        CONFUSABLES[0],
        "--name",
        "Mallory",
        "--password",
        PASSWORD,
        check=False,
    )
    assert result.returncode != 0
    assert "ASCII" in result.stderr + result.stdout
