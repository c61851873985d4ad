"""A hostile organiser of another programme, on every path that writes about people: the
spreadsheet import (web and command line), adding to a programme, inviting, sign-in links
and deactivation. Each must refuse to reach people outside the programmes they organise,
and change nothing."""

import io

import pytest

from actionlearning import auth
from actionlearning.programmes import importer, role_in_programme

from .conftest import client_for, page_token, snapshot

HEADER = "email,name,role,organisation,organisation_kind,pair,priority_area\r\n"


def _upload(client, programme_id, text):
    return client.post(
        f"/programmes/{programme_id}/import",
        data={
            "file": (io.BytesIO(text.encode()), "people.csv"),
            "csrf_token": page_token(client),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("victim", ["alice", "organiser"])
def test_import_cannot_pull_another_programmes_people_into_the_importers(app, db, world, victim):
    otto = client_for(app, db, world["people"]["outsider_organiser"])
    email = auth.person(db, world["people"][victim])["email"]
    text = (
        HEADER
        + f"{email},Pulled In,participant,,,,\r\nnew@example.org,New Person,participant,,,,\r\n"
    )
    before = snapshot(db)

    response = _upload(otto, world["other_programme_id"], text)

    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    assert f"Row 2: {email} already has an account in a programme you do not organise" in page
    assert snapshot(db) == before
    people_page = otto.get("/people").get_data(as_text=True)
    assert email not in people_page
    deactivate = otto.post(
        f"/people/{world['people'][victim]}/deactivate", data={"csrf_token": page_token(otto)}
    )
    assert deactivate.status_code == 404


def test_import_by_an_organiser_places_their_own_and_unplaced_people(db, world):
    organiser = world["people"]["organiser"]
    unplaced = auth.create_person(db, "unplaced@example.org", "Una Placed")
    text = (
        HEADER
        + "carol@example.org,Carol,participant,,,,\r\nunplaced@example.org,Una,participant,,,,\r\n"
    )

    counts = importer.import_people(db, text, world["programme_id"], by=organiser)

    assert counts["memberships"] == 1
    assert role_in_programme(db, unplaced, world["programme_id"]) == "participant"


def test_import_by_an_organiser_refuses_a_programme_they_do_not_organise(db, world):
    text = (
        "programme_id,"
        + HEADER
        + f"{world['programme_id']},new@example.org,New,participant,,,,\r\n"
    )
    before = snapshot(db)

    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_people(db, text, by=world["people"]["outsider_organiser"])

    assert rejected.value.problems == [
        f"Row 2: you do not organise programme {world['programme_id']}."
    ]
    assert snapshot(db) == before


def test_import_command_is_the_operators_and_may_place_anyone(runner, db, world, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "alice@example.org,Alice,participant,,,,\r\n")

    result = runner.invoke(
        args=["import-people", str(path), "--programme", str(world["other_programme_id"])]
    )

    assert result.exit_code == 0, result.output
    assert role_in_programme(db, world["people"]["alice"], world["other_programme_id"]) == (
        "participant"
    )


def test_import_authority_must_be_chosen_by_the_caller(db, world):
    with pytest.raises(TypeError):
        importer.import_people(db, HEADER, world["programme_id"])  # no `by`


def test_invite_into_another_programme_is_refused_and_creates_no_account(app, db, world):
    otto = client_for(app, db, world["people"]["outsider_organiser"])
    before = snapshot(db)

    response = otto.post(
        "/people",
        data={
            "name": "Mallory",
            "email": "mallory@example.org",
            "role": "participant",
            "organisation_id": "0",
            "programme_id": str(world["programme_id"]),
            "csrf_token": page_token(otto),
        },
    )

    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/people/{alice}/programmes", {"programme_id": "{other}", "role": "participant"}),
        ("/people/{alice}/reset-link", {}),
        ("/people/{alice}/deactivate", {}),
        ("/people/{organiser}/deactivate", {}),
        ("/people/{organiser}/reset-link", {}),
    ],
)
def test_other_programmes_organiser_cannot_add_link_or_deactivate(app, db, world, path, fields):
    otto = client_for(app, db, world["people"]["outsider_organiser"])
    names = {
        "alice": world["people"]["alice"],
        "organiser": world["people"]["organiser"],
        "other": world["other_programme_id"],
    }
    before = snapshot(db)

    response = otto.post(
        path.format(**names),
        data={**{k: v.format(**names) for k, v in fields.items()}, "csrf_token": page_token(otto)},
    )

    assert response.status_code == 404
    assert snapshot(db) == before
