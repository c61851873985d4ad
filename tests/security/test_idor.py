"""IDOR: every route with an id in it, requested by someone who has no business there.

The routes come from the app's URL map, so a route added tomorrow is attacked too. Each
request must be refused (403 or 404), must not show the private entry's or the draft case
study's text, and (for POST, sent with a valid CSRF token so that CSRF is not what stops
it) must change nothing.
"""

import pytest

from actionlearning import create_app

from .conftest import (
    CASE_STUDY_SECRET,
    FORM_FIELDS,
    SECRET,
    int_rules,
    page_token,
    snapshot,
    url_for_rule,
)

RULES = int_rules(create_app({"DATABASE": ":memory:", "SECRET_KEY": "x", "TESTING": True}))
REQUESTS = [
    pytest.param(rule.rule, method, id=f"{method} {rule.rule}")
    for rule in sorted(RULES, key=lambda r: r.rule)
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
]
# Routes about one person's or one pair's own things: a colleague in the same learning
# set is as much an outsider there as someone from another programme.
PERSONAL = ("<int:entry_id>", "<int:pair_id>", "<int:person_id>", "<int:action_point_id>")


def attack(arena, attacker, rule_text, method):
    app, db, world = arena.app, arena.db, arena.world
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    url = url_for_rule(rule, world)
    client = arena.client(attacker)
    before = snapshot(db)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={**FORM_FIELDS, "csrf_token": page_token(client)})
    text = response.get_data(as_text=True)
    assert response.status_code in (403, 404), f"{method} {url} as {attacker}"
    assert SECRET not in text
    assert CASE_STUDY_SECRET not in text
    assert snapshot(db) == before


def test_there_are_routes_with_ids_to_attack():
    assert len(REQUESTS) >= 30


@pytest.mark.parametrize(("rule_text", "method"), REQUESTS)
def test_idor_someone_from_another_programme_is_refused(arena, rule_text, method):
    attack(arena, "outsider", rule_text, method)


@pytest.mark.parametrize(
    ("rule_text", "method"),
    [p for p in REQUESTS if any(part in p.values[0] for part in PERSONAL)],
)
def test_idor_a_colleague_in_the_same_set_is_refused(arena, rule_text, method):
    attack(arena, "carol", rule_text, method)


@pytest.mark.parametrize(("rule_text", "method"), REQUESTS)
def test_idor_another_programmes_organiser_is_refused(arena, rule_text, method):
    attack(arena, "outsider_organiser", rule_text, method)


def test_idor_the_organiser_cannot_open_a_private_entry_by_id(arena):
    client = arena.client("organiser")
    for path in ("", "/edit", "/history", "/delete"):
        response = client.get(f"/journal/{arena.world['private_entry_id']}{path}")
        assert response.status_code == 404
        assert SECRET not in response.get_data(as_text=True)
