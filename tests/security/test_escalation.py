"""Role escalation: forged form fields, and organiser-only actions sent without the role."""

import pytest

from actionlearning import auth, casestudies, journal
from actionlearning.casestudies.workflow import submit_case_study

from .conftest import page_token, snapshot

FORGED = {"role": "organiser", "is_active": "1", "author_id": "1", "person_id": "1"}


@pytest.mark.parametrize(
    ("who", "path", "fields"),
    [
        ("carol", "/people", {"name": "Mallory", "email": "mallory@example.org"}),
        ("carol", "/people/{carol}/programmes", {"programme_id": "{programme}"}),
        ("carol", "/programmes", {"name": "My programme", "starts_on": "2026-09-01"}),
        ("carol", "/programmes/{programme}", {"name": "Renamed by a participant"}),
        ("carol", "/meetings/{meeting}/attendance", {"status-{alice}": "absent"}),
        ("carol", "/meetings/{meeting}/cancel", {"reason": "Participant cancelled it"}),
        ("carol", "/calendar/sets/{set}/reset", {}),
        ("facilitator", "/people", {"name": "Mallory", "email": "mallory@example.org"}),
        ("facilitator", "/programmes/{programme}", {"name": "Renamed by a facilitator"}),
        ("facilitator", "/people/{alice}/deactivate", {}),
        ("alice", "/case-studies/{pair}/approve", {"base_revision": "1"}),
        ("facilitator", "/action-points/{action_point}/status", {"status": "done"}),
        ("organiser", "/action-points/{action_point}/status", {"status": "done"}),
    ],
)
def test_escalation_without_the_role_is_refused_and_changes_nothing(arena, who, path, fields):
    world = arena.world
    names = {
        "carol": world["people"]["carol"],
        "alice": world["people"]["alice"],
        "programme": world["programme_id"],
        "meeting": world["meeting_id"],
        "set": world["learning_set_id"],
        "pair": world["pair_id"],
        "action_point": world["action_point_id"],
    }
    client = arena.client(who)
    data = {k.format(**names): v.format(**names) for k, v in {**FORGED, **fields}.items()}
    before = snapshot(arena.db)

    response = client.post(path.format(**names), data={**data, "csrf_token": page_token(client)})

    assert response.status_code in (403, 404)
    assert snapshot(arena.db) == before


def test_escalation_forged_role_on_sign_in_changes_nothing(client, db, world):
    token = page_token(client, "/login")
    client.post(
        "/login",
        data={
            "email": "carol@example.org",
            "password": "correct-horse-battery",
            "csrf_token": token,
            **FORGED,
        },
    )
    assert auth.person(db, world["people"]["carol"])["role"] == "participant"
    assert client.get("/people").status_code == 403


def test_escalation_forged_author_on_a_new_entry_is_ignored(app, db, world):
    from tests.conftest import sign_in

    client = app.test_client()
    sign_in(client, db, world["people"]["carol"])
    response = client.post(
        "/journal/new",
        data={
            "title": "Whose entry?",
            "body": "Mine",
            "visibility": "private",
            "author_id": str(world["people"]["alice"]),
            "programme_id": str(world["other_programme_id"]),
            "csrf_token": page_token(client),
        },
    )
    rows = list(
        db.query(
            "SELECT author_id, programme_id FROM journal_entries WHERE title = ?", ["Whose entry?"]
        )
    )
    # Either refused (a programme Carol is not in) or saved as Carol's, in her programme.
    assert rows in (
        [],
        [{"author_id": world["people"]["carol"], "programme_id": world["programme_id"]}],
    )
    assert response.status_code in (200, 302)
    assert (
        journal.entries_visible_to(db, world["people"]["alice"], author="me")[0]["title"]
        != "Whose entry?"
    )


def test_escalation_forged_author_on_an_edit_keeps_the_author(app, db, world):
    from tests.conftest import sign_in

    client = app.test_client()
    sign_in(client, db, world["people"]["alice"])
    entry_id = world["pair_entry_id"]
    client.post(
        f"/journal/{entry_id}/edit",
        data={
            "title": "Edited",
            "body": "Edited",
            "visibility": "pair",
            "author_id": str(world["people"]["carol"]),
            "pair_id": str(world["other_pair_id"]),
            "csrf_token": page_token(client, f"/journal/{entry_id}/edit"),
        },
    )
    row = db.execute(
        "SELECT author_id, pair_id FROM journal_entries WHERE id = ?", [entry_id]
    ).fetchone()
    assert tuple(row) == (world["people"]["alice"], world["pair_id"])


def test_escalation_a_pair_cannot_approve_its_own_submitted_case_study(app, db, world):
    from tests.conftest import sign_in

    pair = world["pair_id"]
    study = casestudies.case_study(db, pair)
    submit_case_study(db, pair, world["people"]["alice"], study["revision"])
    client = app.test_client()
    sign_in(client, db, world["people"]["bob"])
    before = snapshot(db)

    response = client.post(
        f"/case-studies/{pair}/approve",
        data={"base_revision": str(study["revision"]), "csrf_token": page_token(client)},
    )

    assert response.status_code in (403, 404)
    assert casestudies.case_study(db, pair)["status"] == "submitted"
    assert snapshot(db) == before


def test_escalation_password_change_with_forged_role_keeps_the_role(app, db, world):
    from tests.conftest import sign_in

    client = app.test_client()
    sign_in(client, db, world["people"]["carol"])
    client.post(
        "/account/password",
        data={
            "current": "correct-horse-battery",
            "password": "another-long-password",
            "confirm": "another-long-password",
            "csrf_token": page_token(client, "/account/password"),
            **FORGED,
        },
    )
    row = auth.person(db, world["people"]["carol"])
    assert (row["role"], row["id"]) == ("participant", world["people"]["carol"])
    organisers = db.execute("SELECT count(*) FROM people WHERE role = 'organiser'").fetchone()[0]
    assert organisers == 2  # the world's two, no more


def test_escalation_another_programmes_organiser_cannot_take_over_an_account(arena):
    client = arena.client("outsider_organiser")
    alice = arena.world["people"]["alice"]
    before = snapshot(arena.db)

    response = client.post(f"/people/{alice}/reset-link", data={"csrf_token": page_token(client)})

    assert response.status_code in (403, 404)
    assert snapshot(arena.db) == before
