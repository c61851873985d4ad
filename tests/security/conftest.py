"""A small world to attack: a programme with a set, two pairs, meetings, a private journal
entry, a case study, and an outsider from another programme.

`world` holds the ids; `snapshot(db)` is every row of every table the attacks could touch,
so a test can assert that an attack changed nothing.
"""

import re
from datetime import datetime

import pytest

from actionlearning import auth, casestudies, create_app, evaluation, programmes, scheduling
from actionlearning.db import connect
from actionlearning.journal.entries import create_entry
from actionlearning.programmes.pairs import create_learning_set, create_pair
from actionlearning.scheduling import records
from tests.conftest import _password_hash, sign_in

SECRET = "Zanzibar-private-reflection"
CASE_STUDY_SECRET = "Quokka-draft-case-study"
# Tables whose rows change on every request whatever happens (sessions, throttling).
BOOKKEEPING = {"login_sessions", "sign_in_failures"}


def build_world(db):
    """The victims' side (programme, set, pairs, meetings, entries, a case study) and the
    attackers (a colleague in the same set, people from another programme); returns ids."""
    programme_id = programmes.create_programme(
        db, "Test programme", "2026-09-01", "2027-08-31", "Europe/London", "Room 1", "2027-07-08"
    )
    other_programme = programmes.create_programme(
        db, "Other programme", "2026-09-01", "2027-08-31", "Europe/London", "Elsewhere"
    )
    nhs = programmes.create_organisation(db, "Riverside NHS Trust", "nhs")
    council = programmes.create_organisation(db, "Riverside Council", "local_authority")

    def person(key, name, role="participant", programme=programme_id, organisation=None):
        person_id = auth.create_person(db, f"{key}@example.org", name, role, organisation)
        # scrypt is slow on purpose: the shared test password is hashed once per run.
        db.execute(
            "UPDATE people SET password_hash = ? WHERE id = ?", [_password_hash(), person_id]
        )
        programmes.add_member(db, programme, person_id, role)
        return person_id

    people = {
        "organiser": person("organiser", "Olive Organiser", "organiser"),
        "facilitator": person("facilitator", "Fran Facilitator", "facilitator"),
        "alice": person("alice", "Alice Author", organisation=nhs),
        "bob": person("bob", "Bob Partner", organisation=council),
        "carol": person("carol", "Carol Colleague", organisation=nhs),
        "dan": person("dan", "Dan Colleague", organisation=council),
        "outsider": person("eve", "Eve Outsider", programme=other_programme),
        "outsider_organiser": person(
            "otto", "Otto Other-Organiser", "organiser", programme=other_programme
        ),
    }
    learning_set = create_learning_set(
        db, programme_id, "Thames set", people["facilitator"], "What is said here stays here."
    )
    pair = create_pair(
        db,
        programme_id,
        [people["alice"], people["bob"]],
        "Discharge from hospital",
        learning_set_id=learning_set,
    )
    other_pair = create_pair(
        db,
        programme_id,
        [people["carol"], people["dan"]],
        "Stroke rehabilitation",
        learning_set_id=learning_set,
    )
    meeting = scheduling.create_meeting(
        db,
        programme_id,
        "set_meeting",
        "Thames set meeting",
        datetime(2026, 10, 13, 10),
        datetime(2026, 10, 13, 13),
        learning_set_id=learning_set,
        venue="Room 2",
    )
    seminar = scheduling.create_meeting(
        db,
        programme_id,
        "seminar",
        "Seminar on pooled budgets",
        datetime(2026, 11, 3, 12),
        datetime(2026, 11, 3, 13),
        topic="Pooled budgets",
    )
    alice = people["alice"]
    action_point = records.add_action_point(db, meeting, alice, "Call the discharge team")
    slot = records.add_presenter_slot(db, meeting, alice, 20)
    private_entry = create_entry(
        db, alice, programme_id, title=f"{SECRET} title", body=f"{SECRET} body"
    )
    pair_entry = create_entry(
        db, alice, programme_id, title="Pair entry", body="For Bob", visibility="pair"
    )
    casestudies.save_case_study(
        db,
        pair,
        alice,
        0,
        {"title": f"{CASE_STUDY_SECRET} title"}
        | {field: f"{CASE_STUDY_SECRET} {field}" for field in casestudies.MARKDOWN_FIELDS},
    )
    # An evaluation round with Alice's answers: her comment is as private as her journal.
    evaluation_round = evaluation.open_round(db, programme_id, "start")
    evaluation.save_response(
        db,
        alice,
        evaluation_round,
        dict.fromkeys(evaluation.FACTOR_LABELS, 4),
        comments={"culture": f"{SECRET} rating comment"},
    )
    return {
        "programme_id": programme_id,
        "other_programme_id": other_programme,
        "round_id": evaluation_round,
        "learning_set_id": learning_set,
        "pair_id": pair,
        "other_pair_id": other_pair,
        "meeting_id": meeting,
        "seminar_id": seminar,
        "action_point_id": action_point,
        "slot_id": slot,
        "private_entry_id": private_entry,
        "pair_entry_id": pair_entry,
        "people": people,
    }


@pytest.fixture
def world(db):
    """A fresh world on the test's own database, for attacks that need to change things."""
    return build_world(db)


class Arena:
    """One world shared by a whole test module (attacks that must change nothing), with a
    signed-in test client per person, made once."""

    def __init__(self, app, db, ids):
        self.app, self.db, self.world = app, db, ids
        self._clients = {}

    def client(self, who):
        if who not in self._clients:
            self._clients[who] = client_for(self.app, self.db, self.world["people"][who])
        return self._clients[who]


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("attacks") / "attacks.db")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE": path,
            "BASE_URL": "http://localhost",
        }
    )
    db = connect(path)
    try:
        yield Arena(app, db, build_world(db))
    finally:
        db.conn.close()


def snapshot(db):
    """Every row of every table (but session bookkeeping), to compare before and after."""
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            " AND name NOT LIKE 'sqlite_%'"
        )
        if name not in BOOKKEEPING
    ]
    return {name: db.execute(f"SELECT * FROM [{name}] ORDER BY 1").fetchall() for name in tables}


def client_for(app, db, person_id):
    client = app.test_client()
    sign_in(client, db, person_id)
    return client


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def page_token(client, path="/journal/new"):
    """A valid CSRF token for this client's session, from any form page."""
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def url_for_rule(rule, world):
    """A concrete URL for a rule, every id taken from the victim's side of the world."""
    ids = {
        "entry_id": world["private_entry_id"],
        "meeting_id": world["meeting_id"],
        "action_point_id": world["action_point_id"],
        "slot_id": world["slot_id"],
        "pair_id": world["pair_id"],
        "learning_set_id": world["learning_set_id"],
        "programme_id": world["programme_id"],
        "person_id": world["people"]["alice"],
        "subject_id": world["learning_set_id"],
        "round_id": world["round_id"],
        "role": "participant",  # /help/<role>
        "token": "A" * 43,
    }
    url = rule.rule
    for name in rule.arguments:
        converter = rule._converters[name]
        if name in ids:
            value = ids[name]
        elif name == "kind" and "sets" in getattr(converter, "items", ()):
            value = "sets"  # subject_id is the learning set
        elif getattr(converter, "items", None):
            value = sorted(converter.items)[0]
        elif name == "kind":
            value = "ratings"  # an evaluation chart
        else:
            raise AssertionError(f"no value for <{name}> in {rule.rule}")
        url = re.sub(rf"<[^>]*\b{name}>", str(value), url)
    return url


def int_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(type(c).__name__ == "IntegerConverter" for c in rule._converters.values())
    ]


# Reasonable form fields for every POST, so that an attack is refused for the right reason
# (not because the form was empty).
FORM_FIELDS = {
    "title": "Changed by an attacker",
    "body": "Changed by an attacker",
    "name": "Changed by an attacker",
    "role": "organiser",
    "status": "attended",
    "text": "Attacker's action point",
    "owner_id": "1",
    "person_id": "1",
    "minutes": "10",
    "reason": "Attacker cancelled it",
    "comment": "Attacker's comment",
    "base_revision": "1",
    "visibility": "programme",
    "priority_area": "Attack",
    "programme_id": "1",
    "ground_rules": "None",
    "acknowledge": "y",
    "confirm": "y",
}
