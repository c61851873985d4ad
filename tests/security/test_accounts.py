"""Accounts an attacker tries to keep or bring back: links issued before a deactivation,
half-finished invitations and learning sets left behind by a failed action."""

import sqlite3

import pytest

from actionlearning import auth
from actionlearning.programmes import ProgrammeError, invite_person
from actionlearning.programmes.pairs import create_learning_set
from tests.conftest import PASSWORD

from .conftest import client_for, page_token


def _use_link(client, token, password="a-brand-new-password"):
    return client.post(
        f"/account/link/{token}",
        data={
            "password": password,
            "confirm": password,
            "csrf_token": page_token(client, "/login"),
        },
    )


@pytest.mark.parametrize("purpose", ["reset", "invite"])
def test_deactivation_voids_links_issued_before_it(app, db, world, purpose):
    alice = world["people"]["alice"]
    token = auth.create_account_link(db, alice, purpose, world["people"]["organiser"])

    auth.set_active(db, alice, False)
    response = _use_link(app.test_client(), token)

    assert response.status_code == 404
    assert auth.person(db, alice)["is_active"] == 0
    assert auth.account_link(db, token) is None


def test_link_never_reactivates_an_account(app, db, world):
    alice = world["people"]["alice"]
    auth.set_active(db, alice, False)
    # A link made after the deactivation (by mistake, or by a future code path) is no key.
    token = auth.create_account_link(db, alice, "reset", world["people"]["organiser"])

    response = _use_link(app.test_client(), token)

    assert response.status_code == 404
    assert auth.person(db, alice)["is_active"] == 0
    with pytest.raises(auth.AccountError):
        auth.use_account_link(db, token, "a-brand-new-password")


def test_deactivation_ends_every_session(app, db, world):
    alice = world["people"]["alice"]
    client = client_for(app, db, alice)
    assert client.get("/journal").status_code == 200

    auth.set_active(db, alice, False)

    assert client.get("/journal").status_code == 302
    assert (
        db.execute("SELECT count(*) FROM login_sessions WHERE person_id = ?", [alice]).fetchone()[0]
        == 0
    )


def test_reactivation_does_not_revive_voided_links(app, db, world):
    alice = world["people"]["alice"]
    token = auth.create_account_link(db, alice, "reset", world["people"]["organiser"])
    auth.set_active(db, alice, False)

    auth.set_active(db, alice, True)

    assert _use_link(app.test_client(), token).status_code == 404
    client = app.test_client()
    client.post(
        "/login",
        data={
            "email": "alice@example.org",
            "password": PASSWORD,
            "csrf_token": page_token(client, "/login"),
        },
    )
    assert client.get("/journal").status_code == 200


def test_invite_is_one_transaction_and_leaves_no_account_when_it_fails(db, world):
    with pytest.raises(sqlite3.IntegrityError):
        invite_person(db, 999999, "ghost@example.org", "Ghost", "participant", None, None)

    assert auth.person_by_email(db, "ghost@example.org") is None


def test_learning_set_is_created_with_its_pairs_in_one_transaction(db, world):
    before = db["learning_sets"].count

    with pytest.raises(ProgrammeError):
        create_learning_set(
            db, world["other_programme_id"], "Poached set", pair_ids=[world["pair_id"]]
        )

    assert db["learning_sets"].count == before


def _wrong_sign_ins(client, email, count):
    for n in range(count):
        client.post(
            "/login",
            data={
                "email": email,
                "password": f"wrong-{n}-password",
                "csrf_token": page_token(client, "/login"),
            },
        )


def _change_password(client, current):
    return client.post(
        "/account/password",
        data={
            "current": current,
            "password": "a-brand-new-password",
            "confirm": "a-brand-new-password",
            "csrf_token": page_token(client, "/account/password"),
        },
    )


def test_change_password_is_locked_when_sign_in_is(app, db, world):
    alice = world["people"]["alice"]
    client = client_for(app, db, alice)
    _wrong_sign_ins(app.test_client(), "alice@example.org", 10)
    before = auth.person(db, alice)["password_hash"]

    response = _change_password(client, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert auth.person(db, alice)["password_hash"] == before


def test_change_password_guesses_count_against_sign_in(app, db, world):
    alice = world["people"]["alice"]
    client = client_for(app, db, alice)
    statuses = [_change_password(client, f"guess-{n}-password").status_code for n in range(11)]

    stranger = app.test_client()
    response = stranger.post(
        "/login",
        data={
            "email": "alice@example.org",
            "password": PASSWORD,
            "csrf_token": page_token(stranger, "/login"),
        },
    )

    assert statuses == [200] * 10 + [429]
    assert response.status_code == 429
