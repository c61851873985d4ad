"""Each access rule against two programmes side by side: who organises, who facilitates,
who may see a meeting, a case study, a person, an e-mail or an audit event.

Both programmes hold the same things (two sets, pairs, set meetings, a seminar, case
studies, mail, audit events), so a query that skips a rule shows the other programme's or
the other set's rows and the exact answers below change. Everything is made before anyone
looks (pretalx's rule: first create what could leak).
"""

import re
from datetime import datetime

import pytest

from actionlearning import (
    audit,
    auth,
    casestudies,
    create_app,
    mail,
    programmes,
    scheduling,
)
from actionlearning.casestudies.pages import case_studies_for
from actionlearning.db import connect, migrate, write
from actionlearning.evaluation.figures import sets_for_facilitator
from actionlearning.feeds.publishing import publishable_learning_sets, publishable_programmes
from actionlearning.journal import meeting_choices
from actionlearning.mail.notifications import queue_case_study_notices
from actionlearning.programmes.pairs import create_learning_set, create_pair
from actionlearning.programmes.people import (
    may_change_account,
    may_issue_sign_in_link,
    people_listing,
    person_for_organiser,
)
from actionlearning.scheduling import dashboard, records
from tests.conftest import _password_hash, sign_in

from .conftest import FORM_FIELDS, int_rules, page_token, snapshot


def _build(db):
    """Programmes A and B, each: an organiser, a co-organiser, two sets (1 and 2) with a
    facilitator and a pair each, a set meeting per set, a seminar, a case study per pair,
    an e-mail and an audit event; plus an account in no programme. Returns ids by name."""
    ids = {}

    def person(key, role, programme=None):
        ids[key] = auth.create_person(db, f"{key}@example.org", key, role)
        if programme:
            programmes.add_member(db, ids[programme], ids[key], role)

    person("unplaced", "participant")
    for side in "AB":
        ids[side] = programmes.create_programme(db, f"Programme {side}", "2026-09-01", "2027-08-31")
        person(f"organiser{side}", "organiser", side)
        person(f"coorganiser{side}", "organiser", side)
        ids[f"seminar{side}"] = scheduling.create_meeting(
            db, ids[side], "seminar", f"Seminar {side}", _at(3, 12), _at(3, 13)
        )
        for number in "12":
            name = f"{side}{number}"
            person(f"facilitator{name}", "facilitator", side)
            person(f"alice{name}", "participant", side)
            person(f"bob{name}", "participant", side)
            ids[f"set{name}"] = create_learning_set(
                db, ids[side], f"Set {name}", ids[f"facilitator{name}"], "Confidential."
            )
            ids[f"pair{name}"] = create_pair(
                db,
                ids[side],
                [ids[f"alice{name}"], ids[f"bob{name}"]],
                f"Priority {name}",
                learning_set_id=ids[f"set{name}"],
            )
            ids[f"meeting{name}"] = scheduling.create_meeting(
                db,
                ids[side],
                "set_meeting",
                f"Meeting {name}",
                _at(int(number) + 4, 10),
                _at(int(number) + 4, 12),
                learning_set_id=ids[f"set{name}"],
            )
            casestudies.save_case_study(
                db, ids[f"pair{name}"], ids[f"alice{name}"], 0, {"title": f"Study {name}"}
            )
        with write(db):
            mail.queue_message(
                db,
                person_id=ids[f"alice{side}1"],
                kind="invitation",
                subject=f"Mail {side}",
                text="Logistics only.",
                programme_id=ids[side],
            )
            mail.queue_message(
                db,
                person_id=ids[f"bob{side}1"],
                kind="account",
                subject=f"Link {side}",
                text="A link.",
            )
            audit.record(db, "export.pack", ids[f"organiser{side}"], None, ids[side])
            # Programme-less: about a person, seen by organisers of the person's programmes.
            audit.record(db, "account.deactivated", ids[f"organiser{side}"], ids[f"bob{side}1"])
    return ids


def _at(day, hour):
    return datetime(2026, 10, day, hour)


@pytest.fixture(scope="module")
def rules_world(tmp_path_factory):
    db = connect(str(tmp_path_factory.mktemp("rules") / "rules.db"))
    migrate(db)
    try:
        yield db, _build(db)
    finally:
        db.conn.close()


@pytest.fixture
def db(rules_world):
    return rules_world[0]


@pytest.fixture
def ids(rules_world):
    return rules_world[1]


PEOPLE = ("unplaced", "organiser", "coorganiser", "facilitator", "alice", "bob")


def _names(ids, found, kinds):
    """The names in `ids` of the ids found (of one table: names starting with `kinds`),
    sorted: what a reader of the test compares."""
    by_id = {v: k for k, v in ids.items() if k.startswith(kinds)}
    return sorted(by_id[i] for i in found)


# Who organises a programme


def test_organised_programme_only_the_programmes_own_organisers(db, ids):
    answers = {
        who: [side for side in "AB" if programmes.organised_programme(db, ids[who], ids[side])]
        for who in ("organiserA", "coorganiserB", "facilitatorA1", "aliceA1", "unplaced")
    }

    assert answers == {
        "organiserA": ["A"],
        "coorganiserB": ["B"],
        "facilitatorA1": [],
        "aliceA1": [],
        "unplaced": [],
    }


def test_organised_programmes_and_overview_list_only_ones_own(db, ids):
    listed = [g["name"] for g in programmes.organised_programmes(db, ids["organiserB"])]
    overview = [g["name"] for g in programmes.programme_overview(db, ids["organiserB"])]
    seminar_feeds = [g["name"] for g in publishable_programmes(db, ids["organiserB"])]

    assert (listed, overview, seminar_feeds) == (["Programme B"],) * 3


# Who may see and manage a meeting


def _meetings_seen(db, ids, who):
    found = [m["id"] for m in scheduling.meetings_for_person(db, ids[who])]
    return _names(ids, found, ("meeting", "seminar"))


def test_organiser_sees_every_meeting_of_their_programme_only(db, ids):
    assert _meetings_seen(db, ids, "organiserA") == ["meetingA1", "meetingA2", "seminarA"]


def test_facilitator_sees_only_their_sets_meetings_and_the_seminar(db, ids):
    assert _meetings_seen(db, ids, "facilitatorB2") == ["meetingB2", "seminarB"]


def test_participant_sees_only_their_sets_meetings_and_the_seminar(db, ids):
    assert _meetings_seen(db, ids, "bobA1") == ["meetingA1", "seminarA"]


def test_meeting_visible_to_follows_the_same_rule(db, ids):
    meetings = ("meetingA1", "meetingA2", "seminarA", "meetingB1", "seminarB")

    seen = [m for m in meetings if scheduling.meeting_visible_to(db, ids["aliceA2"], ids[m])]

    assert seen == ["meetingA2", "seminarA"]


def test_who_manages_which_meeting(db, ids):
    meetings = ("meetingA1", "meetingA2", "seminarA", "meetingB1", "seminarB")

    managed = {
        who: [
            m
            for m in meetings
            if scheduling.can_manage_meeting(db, ids[who], scheduling.meeting(db, ids[m]))
        ]
        for who in ("organiserA", "facilitatorA1", "aliceA1", "organiserB")
    }

    assert managed == {
        "organiserA": ["meetingA1", "meetingA2", "seminarA"],
        "facilitatorA1": ["meetingA1"],
        "aliceA1": [],
        "organiserB": ["meetingB1", "seminarB"],
    }


def test_who_manages_which_learning_set(db, ids):
    sets = ("setA1", "setA2", "setB1", "setB2")

    managed = {
        who: [s for s in sets if scheduling.can_manage_learning_set(db, ids[who], ids[s])]
        for who in ("organiserB", "facilitatorA2", "bobA2")
    }

    assert managed == {"organiserB": ["setB1", "setB2"], "facilitatorA2": ["setA2"], "bobA2": []}


def test_set_feeds_published_by_the_sets_facilitator_or_its_organisers(db, ids):
    def published(who):
        return sorted(s["name"] for s in publishable_learning_sets(db, ids[who]))

    assert published("organiserA") == ["Set A1", "Set A2"]
    assert published("facilitatorB1") == ["Set B1"]
    assert published("aliceB1") == []


def test_journal_entries_follow_only_meetings_of_ones_own_sets(db, ids):
    choices = meeting_choices(db, ids["facilitatorA2"], ids["A"])

    assert sorted(label.split(" · ")[0] for _, label in choices) == ["Meeting A2", "Seminar A"]


def test_facilitator_pages_show_only_their_sets(db, ids):
    dashboard_sets = [
        s["learning_set"]["name"] for s in dashboard.facilitator_dashboard(db, ids["facilitatorB2"])
    ]
    evaluation_sets = [s["name"] for s in sets_for_facilitator(db, ids["facilitatorB2"])]

    assert (dashboard_sets, evaluation_sets) == (["Set B2"], ["Set B2"])


def test_ground_rules_asked_only_of_the_sets_members(db, ids):
    sets = [s["name"] for s in records.unacknowledged_sets_for(db, ids["bobB2"])]

    assert sets == ["Set B2"]


def test_seminar_attendance_expects_the_programme_but_not_its_organisers(db, ids):
    expected = [r["person_id"] for r in records.attendance_for_meeting(db, ids["seminarA"])]

    assert _names(ids, expected, PEOPLE) == sorted(
        f"{who}A{n}" for who in ("alice", "bob", "facilitator") for n in "12"
    )


# Who may see a case study


def test_case_study_access_by_role_and_programme(db, ids):
    pairs = ("pairA1", "pairA2", "pairB1")

    levels = {
        who: [casestudies.access(db, ids[who], ids[p]) for p in pairs]
        for who in ("aliceA1", "facilitatorA1", "organiserA", "organiserB", "unplaced")
    }

    assert levels == {
        "aliceA1": ["edit", None, None],
        "facilitatorA1": ["read", None, None],
        "organiserA": ["review", "review", None],
        "organiserB": [None, None, "review"],
        "unplaced": [None, None, None],
    }


def test_case_study_list_is_what_access_allows(db, ids):
    def listed(who):
        return _names(ids, [r["pair_id"] for r in case_studies_for(db, ids[who])], "pair")

    assert listed("organiserB") == ["pairB1", "pairB2"]
    assert listed("facilitatorA2") == ["pairA2"]
    assert listed("bobB1") == ["pairB1"]


def test_submitted_case_study_is_announced_to_its_programmes_organisers_only(db, ids):
    with write(db):
        queued = queue_case_study_notices(
            db,
            pair_id=ids["pairA2"],
            event="submitted",
            actor_id=ids["aliceA2"],
            base_url="http://localhost",
        )
        recipients = [
            r[0]
            for r in db.execute(
                f"SELECT person_id FROM outbox WHERE id IN ({', '.join('?' for _ in queued)})",
                queued,
            )
        ]
        db.conn.rollback()  # leave the shared world as it was

    assert _names(ids, recipients, PEOPLE) == ["coorganiserA", "organiserA"]


# Who may see a person


def test_organiser_sees_their_programmes_people_and_unplaced_accounts_only(db, ids):
    listed = [p["id"] for p in people_listing(db, ids["organiserB"])]

    assert _names(ids, listed, PEOPLE) == sorted(
        ["unplaced", "organiserB", "coorganiserB"]
        + [f"{who}B{n}" for who in ("alice", "bob", "facilitator") for n in "12"]
    )


def test_person_for_organiser_refuses_another_programmes_people(db, ids):
    people = ("aliceA1", "facilitatorA2", "coorganiserA", "aliceB1", "organiserB", "unplaced")

    found = [p for p in people if person_for_organiser(db, ids["organiserA"], ids[p])]

    assert found == ["aliceA1", "facilitatorA2", "coorganiserA", "unplaced"]


def test_sign_in_links_only_for_people_wholly_in_ones_programmes(db, ids):
    people = ("aliceA1", "facilitatorA2", "coorganiserA", "aliceB1", "unplaced")

    allowed = [p for p in people if may_issue_sign_in_link(db, ids["organiserA"], ids[p])]

    assert allowed == ["aliceA1", "facilitatorA2"]


def test_organiser_accounts_changed_only_by_fellow_organisers(db, ids):
    def may(who, whom):
        person = person_for_organiser(db, ids[who], ids[whom]) or auth.person(db, ids[whom])
        return may_change_account(db, ids[who], person)

    assert [may("organiserA", "coorganiserA"), may("organiserA", "organiserB")] == [True, False]


# Who may see an e-mail or an audit event


def test_outbox_shows_an_organiser_their_programmes_mail_only(db, ids):
    subjects = sorted(m["subject"] for m in mail.outbox_for_organiser(db, ids["organiserA"]))

    assert subjects == ["Link A", "Mail A"]


def test_audit_log_shows_an_organiser_their_programmes_events_only(db, ids):
    events = audit.events_for_organiser(db, ids["coorganiserB"])

    seen = {(e["kind"], e["programme_id"], e["subject_id"]) for e in events}

    assert {s for s in seen if s[0] in ("export.pack", "account.deactivated")} == {
        ("export.pack", ids["B"], None),
        ("account.deactivated", None, ids["bobB1"]),
    }


# The same rules at the pages: the facilitator of another set in the same programme, and a
# participant in that other set, against set A1's pages

ATTACKERS = ("facilitatorA2", "aliceA2")
SET_ROUTE_IDS = ("meeting_id", "learning_set_id", "pair_id", "action_point_id", "slot_id")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """An app on a world of its own, with set A1's action point and presenter slot."""
    path = str(tmp_path_factory.mktemp("rule-pages") / "pages.db")
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "DATABASE": path})
    db = connect(path)
    try:
        ids = _build(db)
        meeting = ids["meetingA1"]
        ids["action_point"] = records.add_action_point(db, meeting, ids["aliceA1"], "Call")
        ids["slot"] = records.add_presenter_slot(db, meeting, ids["aliceA1"], 20)
        clients = {}
        for attacker in ATTACKERS:
            db.execute(
                "UPDATE people SET password_hash = ? WHERE id = ?",
                [_password_hash(), ids[attacker]],
            )
            clients[attacker] = app.test_client()
            sign_in(clients[attacker], db, ids[attacker])
        yield app, db, ids, clients
    finally:
        db.conn.close()


SET_RULES = [
    pytest.param(rule.rule, method, id=f"{method} {rule.rule}")
    for rule in sorted(
        int_rules(create_app({"DATABASE": ":memory:", "SECRET_KEY": "x", "TESTING": True})),
        key=lambda r: r.rule,
    )
    if set(rule.arguments) - {"fmt", "step"} <= set(SET_ROUTE_IDS)
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
]


def test_there_are_set_routes_to_attack():
    assert len(SET_RULES) >= 15


@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize(("rule_text", "method"), SET_RULES)
def test_another_set_of_the_programme_is_refused(pages, attacker, rule_text, method):
    app, db, ids, clients = pages
    client = clients[attacker]
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    victim = {
        "meeting_id": ids["meetingA1"],
        "learning_set_id": ids["setA1"],
        "pair_id": ids["pairA1"],
        "action_point_id": ids["action_point"],
        "slot_id": ids["slot"],
        "fmt": "md",
        "step": "approve",
    }
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<[^>]*\b{name}>", str(victim[name]), url)
    before = snapshot(db)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={**FORM_FIELDS, "csrf_token": page_token(client)})

    assert response.status_code in (403, 404), f"{method} {url} as {attacker}"
    assert snapshot(db) == before
