"""Editing a pair after it was made: /pairs/<id>/edit, through the real form."""

import re

import pytest

from actionlearning import programmes
from actionlearning.journal.entries import create_entry
from actionlearning.programmes.pairs import create_learning_set, create_pair, pair, update_pair
from actionlearning.text import CONTROL_CHARACTER_MESSAGE

from .conftest import csrf_token, sign_in


@pytest.fixture
def organiser(make_person):
    return make_person(role="organiser")


@pytest.fixture
def pair_id(make_pair):
    return make_pair(priority_area="Discharge from hospital", borough="Riverside")


def pair_state(db, pair_id):
    """The pair's row and members, to show that a refused edit changed nothing."""
    return (
        db.execute("SELECT * FROM pairs WHERE id = ?", [pair_id]).fetchall(),
        db.execute(
            "SELECT person_id FROM pair_members WHERE pair_id = ? ORDER BY person_id", [pair_id]
        ).fetchall(),
    )


def edit(client, db, pair_id, **changes):
    """Send the edit form as a browser would: the pre-filled values, with some changed."""
    row = pair(db, pair_id)
    data = {
        "member_ids": row["member_ids"],
        "priority_area": row["priority_area"],
        "borough": row["borough"],
        "problem_statement": row["problem_statement"],
        "partnering_model": row["partnering_model"],
        "learning_set_id": row["learning_set_id"] or 0,
        "name": row["name"],
    }
    token = csrf_token(client, f"/pairs/{pair_id}/edit")
    return client.post(f"/pairs/{pair_id}/edit", data={**data, **changes, "csrf_token": token})


def test_pair_edit_form_is_prefilled(client, login, db, organiser, pair_id):
    login(organiser)

    page = client.get(f"/pairs/{pair_id}/edit").get_data(as_text=True)

    assert 'value="Discharge from hospital"' in page
    assert 'value="Riverside"' in page
    checked = re.findall(
        r'<input checked id="member_ids-\d+" name="member_ids" type="checkbox" '
        r'value="(\d+)"',
        page,
    )
    assert sorted(map(int, checked)) == sorted(pair(db, pair_id)["member_ids"])


def test_pairs_page_links_each_pair_to_its_edit_form(
    client, login, organiser, programme_id, pair_id
):
    login(organiser)

    page = client.get(f"/programmes/{programme_id}/pairs").get_data(as_text=True)

    assert f'href="/pairs/{pair_id}/edit"' in page


def test_pair_edit_rewords_priority_adds_third_partner_and_moves_set(
    client, login, db, organiser, programme_id, pair_id, make_person, make_set
):
    third, learning_set = make_person(), make_set()
    members = pair(db, pair_id)["member_ids"]
    login(organiser)

    response = edit(
        client,
        db,
        pair_id,
        member_ids=[*members, third],
        priority_area="Discharge to assess",
        learning_set_id=learning_set,
    )

    assert response.headers["Location"] == f"/programmes/{programme_id}/pairs"
    row = pair(db, pair_id)
    assert (row["priority_area"], row["learning_set_id"]) == ("Discharge to assess", learning_set)
    assert sorted(row["member_ids"]) == sorted([*members, third])


def test_pair_edit_with_one_member_shows_message_and_changes_nothing(
    client, login, db, organiser, pair_id
):
    login(organiser)
    before = pair_state(db, pair_id)

    response = edit(client, db, pair_id, member_ids=[pair(db, pair_id)["member_ids"][0]])

    assert response.status_code == 200
    assert "A pair has two members" in response.get_data(as_text=True)
    assert pair_state(db, pair_id) == before


def test_pair_edit_with_control_characters_in_priority_area_changes_nothing(
    client, login, db, organiser, pair_id
):
    login(organiser)
    before = pair_state(db, pair_id)

    response = edit(client, db, pair_id, priority_area="Discharge\x00 from hospital")

    assert response.status_code == 200
    assert CONTROL_CHARACTER_MESSAGE in response.get_data(as_text=True)
    assert pair_state(db, pair_id) == before


def test_update_pair_refuses_control_characters_in_priority_area(db, pair_id):
    before = pair_state(db, pair_id)
    members = pair(db, pair_id)["member_ids"]

    with pytest.raises(programmes.ProgrammeError, match="no control characters"):
        update_pair(db, pair_id, members, "Discharge\x1b[31m")

    assert pair_state(db, pair_id) == before


def test_update_pair_refuses_member_outside_programme(db, pair_id, make_person):
    before = pair_state(db, pair_id)
    members = pair(db, pair_id)["member_ids"]

    with pytest.raises(programmes.ProgrammeError, match="must be in the programme"):
        update_pair(db, pair_id, [*members, make_person(programme=None)], "Stroke")

    assert pair_state(db, pair_id) == before


def test_update_pair_refuses_another_programmes_learning_set(db, pair_id, make_person):
    other = programmes.create_programme(db, "Other borough", "2026-09-01", "2027-08-31")
    other_set = create_learning_set(db, other, "Their set")
    before = pair_state(db, pair_id)
    members = pair(db, pair_id)["member_ids"]

    with pytest.raises(programmes.ProgrammeError, match="same programme"):
        update_pair(db, pair_id, members, "Stroke", learning_set_id=other_set)

    assert pair_state(db, pair_id) == before


def test_pair_edit_without_csrf_token_changes_nothing(client, login, db, organiser, pair_id):
    login(organiser)
    before = pair_state(db, pair_id)
    members = pair(db, pair_id)["member_ids"]

    response = client.post(
        f"/pairs/{pair_id}/edit",
        data={"member_ids": members, "priority_area": "Changed", "partnering_model": "voluntary"},
    )

    assert response.status_code == 400
    assert pair_state(db, pair_id) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_pair_edit_is_404_for_another_programmes_organiser(
    client, login, db, make_person, pair_id, method
):
    outsider = make_person(role="organiser", programme=None)
    programmes.create_programme(
        db, "Other borough", "2026-09-01", "2027-08-31", organiser_id=outsider
    )
    login(outsider)
    before = pair_state(db, pair_id)

    response = getattr(client, method)(
        f"/pairs/{pair_id}/edit",
        data={"priority_area": "Changed", "csrf_token": csrf_token(client, "/people")},
    )

    assert response.status_code == 404
    assert pair_state(db, pair_id) == before


@pytest.mark.parametrize("role", ["participant", "facilitator"])
def test_pair_edit_is_404_for_anyone_but_its_organisers(
    client, login, db, programme_id, make_person, pair_id, role
):
    person = make_person(role=role)
    login(person)

    response = client.get(f"/pairs/{pair_id}/edit")

    assert response.status_code == 404


def test_pair_edit_missing_pair_is_404(client, login, organiser):
    login(organiser)

    response = client.get("/pairs/999999/edit")

    assert response.status_code == 404


def test_member_taken_off_pair_stops_seeing_its_pair_entry_at_once(
    app, client, login, db, organiser, programme_id, make_person
):
    author, partner, newcomer = make_person(), make_person(), make_person()
    pair_id = create_pair(db, programme_id, [author, partner], "Stroke")
    entry_id = create_entry(
        db, author, programme_id, title="For my partner", body="Notes", visibility="pair"
    )
    partner_client = app.test_client()
    sign_in(partner_client, db, partner)
    seen_before = partner_client.get(f"/journal/{entry_id}").status_code
    login(organiser)

    edit(client, db, pair_id, member_ids=[author, newcomer])

    assert seen_before == 200
    assert partner_client.get(f"/journal/{entry_id}").status_code == 404
