"""Bad input answers with a clear message and changes nothing: NULs in the address, and
direction marks ("evil" shown as "live") in single-line fields."""

import pytest

from actionlearning import auth

from .conftest import client_for, page_token, snapshot


@pytest.mark.parametrize("path", ["/journal/search?q=%00x", "/journal?tag=a%00", "/journal?%00=1"])
def test_nul_in_the_address_is_a_clear_400(app, db, world, path):
    alice = client_for(app, db, world["people"]["alice"])

    response = alice.get(path)

    assert response.status_code == 400
    assert "control characters (such as NUL)" in response.get_data(as_text=True)


@pytest.mark.parametrize("mark", ["\u202e", "\u2066", "\u200f", "\u061c"])
def test_direction_marks_in_a_title_are_refused(app, db, world, mark):
    alice = client_for(app, db, world["people"]["alice"])
    before = snapshot(db)

    response = alice.post(
        "/journal/new",
        data={
            "title": f"Report {mark}evil",
            "body": "Body",
            "visibility": "private",
            "csrf_token": page_token(alice),
        },
    )

    assert response.status_code == 200
    assert "direction marks" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_direction_marks_in_a_name_are_refused_by_the_domain(db):
    with pytest.raises(auth.AccountError, match="direction marks"):
        auth.create_person(db, "rlo@example.org", "Ma\u202elory")


def test_direction_marks_stay_allowed_in_a_body(app, db, world):
    alice = client_for(app, db, world["people"]["alice"])

    response = alice.post(
        "/journal/new",
        data={
            "title": "Arabic quotation",
            "body": "He said \u200fمرحبا\u200f to the set.",
            "visibility": "private",
            "csrf_token": page_token(alice),
        },
    )

    assert response.status_code == 302
