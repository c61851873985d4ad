"""Side channels: what an attacker learns without being shown it. Sign-in answers must not
tell which accounts exist or are deactivated, another person's private entry must change
no page or count someone else sees, and a feed's ETag must move only with meetings its
reader may see."""

import re
from datetime import datetime

import pytest

from actionlearning import auth, feeds, scheduling
from actionlearning.journal.entries import create_entry
from actionlearning.programmes.pairs import create_learning_set
from tests.conftest import PASSWORD

from .conftest import client_for, page_token

CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+')


def _page(client, path):
    response = client.get(path)
    return response.status_code, CSRF_VALUE.sub(r"\1", response.get_data(as_text=True))


def _sign_in_answer(app, email, password):
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": page_token(client, "/login")},
    )
    # The form keeps what was typed; everything else must be the same.
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return response.status_code, CSRF_VALUE.sub(r"\1", page)


def test_sign_in_answers_alike_for_unknown_wrong_and_deactivated(app, db, world):
    auth.set_active(db, world["people"]["dan"], False)

    unknown = _sign_in_answer(app, "nobody@example.org", PASSWORD)
    wrong = _sign_in_answer(app, "carol@example.org", "not-the-password")
    deactivated = _sign_in_answer(app, "dan@example.org", PASSWORD)

    assert unknown == wrong == deactivated
    assert unknown[0] == 200


@pytest.mark.parametrize("who", ["bob", "carol", "facilitator", "organiser"])
def test_private_entry_changes_no_page_anyone_else_sees(app, db, world, who):
    client = client_for(app, db, world["people"][who])
    paths = ["/", "/journal", "/journal/shared", "/journal/search?q=Marmalade"]
    before = [_page(client, path) for path in paths]

    create_entry(
        db,
        world["people"]["alice"],
        world["programme_id"],
        title="Marmalade plans",
        body="Marmalade",
        visibility="private",
        tags="marmalade",
    )

    assert [_page(client, path) for path in paths] == before


def _etag(app, db, client, scope, subject_id):
    token = feeds.feed_token(db, app.config["SECRET_KEY"], scope, subject_id)
    return client.get(f"/feeds/{token}.ics").headers["ETag"]


def test_feed_etag_does_not_move_for_meetings_the_reader_cannot_see(app, client, db, world):
    other_set = create_learning_set(
        db, world["programme_id"], "Severn set", world["people"]["facilitator"]
    )
    feeds_watched = [("p", world["people"]["alice"]), ("s", world["learning_set_id"])]
    before = [_etag(app, db, client, *feed) for feed in feeds_watched]

    hidden = scheduling.create_meeting(
        db,
        world["programme_id"],
        "set_meeting",
        "Severn set meeting",
        datetime(2026, 10, 20, 10),
        datetime(2026, 10, 20, 13),
        learning_set_id=other_set,
    )
    scheduling.cancel_meeting(db, hidden, "Facilitator ill")

    assert [_etag(app, db, client, *feed) for feed in feeds_watched] == before


def test_feed_etag_moves_for_a_meeting_the_reader_can_see(app, client, db, world):
    before = _etag(app, db, client, "p", world["people"]["alice"])

    scheduling.cancel_meeting(db, world["meeting_id"], "Room flooded")

    assert _etag(app, db, client, "p", world["people"]["alice"]) != before
