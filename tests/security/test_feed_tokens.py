"""Feed tokens: guessed, truncated, stretched, re-aimed and revoked links all answer 404."""

import secrets

import pytest

from actionlearning import auth, feeds

from .conftest import CASE_STUDY_SECRET, SECRET


def token_for(app, db, scope, subject_id):
    return feeds.feed_token(db, app.config["SECRET_KEY"], scope, subject_id)


def tamper(token, how):
    scope_and_id, mac = token.split("-", 1)
    return {
        "truncated by one": token[:-1],
        "truncated by half": token[: len(token) // 2],
        "mac only": mac,
        "stretched": token + "A",
        "other scope": ("s" if scope_and_id[0] != "s" else "g") + scope_and_id[1:] + "-" + mac,
        "other subject": scope_and_id[0] + str(int(scope_and_id[1:]) + 1) + "-" + mac,
        "random mac": scope_and_id + "-" + secrets.token_urlsafe(24)[:32],
        "uppercased": token.upper(),
        "traversal": "../" + token,
        "huge id": scope_and_id[0] + "9" * 30 + "-" + mac,
        "empty mac": scope_and_id + "-",
    }[how]


def test_feed_the_real_token_works(app, client, db, world):
    token = token_for(app, db, "p", world["people"]["alice"])
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"


@pytest.mark.parametrize(
    "how",
    [
        "truncated by one",
        "truncated by half",
        "mac only",
        "stretched",
        "other scope",
        "other subject",
        "random mac",
        "uppercased",
        "traversal",
        "huge id",
        "empty mac",
    ],
)
def test_feed_tampered_token_is_404(app, client, db, world, how):
    token = token_for(app, db, "p", world["people"]["alice"])
    response = client.get(f"/feeds/{tamper(token, how)}.ics")
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.data


def test_feed_guessing_a_thousand_tokens_finds_nothing(client, world):
    statuses = {
        client.get(f"/feeds/p{n % 9 + 1}-{secrets.token_urlsafe(24)}.ics").status_code
        for n in range(1000)
    }
    assert statuses == {404}


def test_feed_token_from_another_installation_is_404(app, client, db, world):
    forged = feeds.feed_token(db, "someone-elses-secret", "p", world["people"]["alice"])
    assert client.get(f"/feeds/{forged}.ics").status_code == 404


@pytest.mark.parametrize("scope", ["p", "s", "g"])
def test_feed_reset_revokes_the_old_link(app, client, db, world, scope):
    subject = {
        "p": world["people"]["alice"],
        "s": world["learning_set_id"],
        "g": world["programme_id"],
    }[scope]
    old = token_for(app, db, scope, subject)
    feeds.reset_feed(db, scope, subject)
    new = token_for(app, db, scope, subject)

    assert new != old
    assert client.get(f"/feeds/{old}.ics").status_code == 404
    assert client.get(f"/feeds/{new}.ics").status_code == 200


def test_feed_of_a_deactivated_person_is_404(app, client, db, world):
    token = token_for(app, db, "p", world["people"]["alice"])
    auth.set_active(db, world["people"]["alice"], False)
    assert client.get(f"/feeds/{token}.ics").status_code == 404


def test_feed_never_carries_journal_or_case_study_text(app, client, db, world):
    for scope, subject in (
        ("p", world["people"]["alice"]),
        ("p", world["people"]["facilitator"]),
        ("s", world["learning_set_id"]),
        ("g", world["programme_id"]),
    ):
        text = client.get(f"/feeds/{token_for(app, db, scope, subject)}.ics").get_data(as_text=True)
        assert "BEGIN:VCALENDAR" in text
        assert SECRET not in text and CASE_STUDY_SECRET not in text
        assert "Pair entry" not in text
