"""CSRF: every POST route, sent by a signed-in person allowed to use it but without the
form's token (or with someone else's), is refused with 400 and changes nothing."""

import pytest

from actionlearning import create_app
from actionlearning.security import CSRF_EXEMPT

from .conftest import FORM_FIELDS, page_token, snapshot, url_for_rule

APP = create_app({"DATABASE": ":memory:", "SECRET_KEY": "x", "TESTING": True})
# One-click unsubscribe is token-authenticated by design (RFC 8058; tests/test_mail_preferences.py).
POST_RULES = sorted(
    r.rule
    for r in APP.url_map.iter_rules()
    if "POST" in r.methods and r.endpoint not in CSRF_EXEMPT
)


def owner_of(rule_text):
    """Who could legitimately send this form: the entry's, pair's or action point's member,
    else the organiser."""
    personal = ("/journal", "/case-studies/<", "/action-points/")
    return "alice" if rule_text.startswith(personal) else "organiser"


def test_every_post_route_is_covered():
    assert len(POST_RULES) >= 20


@pytest.mark.parametrize("rule_text", POST_RULES)
def test_csrf_post_without_token_is_refused_and_changes_nothing(arena, rule_text):
    rule = next(r for r in arena.app.url_map.iter_rules() if r.rule == rule_text)
    client = arena.client(owner_of(rule_text))
    before = snapshot(arena.db)

    response = client.post(url_for_rule(rule, arena.world), data=FORM_FIELDS)

    assert response.status_code == 400
    assert snapshot(arena.db) == before


@pytest.mark.parametrize(
    "rule_text", [r for r in POST_RULES if r in ("/journal/new", "/people", "/logout")]
)
def test_csrf_token_from_another_session_is_refused(arena, rule_text):
    rule = next(r for r in arena.app.url_map.iter_rules() if r.rule == rule_text)
    stolen = page_token(arena.client("carol"))
    client = arena.client(owner_of(rule_text))
    before = snapshot(arena.db)

    response = client.post(
        url_for_rule(rule, arena.world), data={**FORM_FIELDS, "csrf_token": stolen}
    )

    assert response.status_code == 400
    assert snapshot(arena.db) == before
    assert client.get("/journal").status_code == 200  # still signed in: logout was refused too
