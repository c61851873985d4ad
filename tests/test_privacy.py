"""Who sees which journal entry, on every surface, for every role and every visibility.

One entry of each visibility is written by the same author; then each role
(author, pair partner, same-set member, set facilitator, other-set member,
other-set facilitator, organiser, person outside the programme) looks at it
through every surface, and what they saw must equal EXPECTED exactly.
A final test walks the app's URL map: a route that is not classified in ROUTES
fails, so a new page cannot slip past this matrix.
"""

import functools
import io
import json
import re
import zipfile

import pytest

from actionlearning import auth, journal, programmes
from actionlearning.db import write
from actionlearning.journal.entries import add_response, create_entry, update_entry
from actionlearning.journal.export import own_journal
from actionlearning.journal.search import search_entries
from tests.conftest import csrf_token, sign_in

VISIBILITIES = ("private", "pair", "set", "programme")
ROLES = (
    "author",
    "partner",
    "set_member",
    "set_facilitator",
    "other_set_member",
    "other_set_facilitator",
    "organiser",
    "outsider",
)
EXPECTED = {
    "author": {"private", "pair", "set", "programme"},
    "partner": {"pair", "set", "programme"},
    "set_member": {"set", "programme"},
    "set_facilitator": {"set", "programme"},
    "other_set_member": {"programme"},
    "other_set_facilitator": {"programme"},
    "organiser": {"programme"},  # no super-reader: private stays private
    "outsider": set(),
}
SECRET = "quokka"  # a word in every entry, for search and leak checks


@pytest.fixture
def world(db, programme_id, make_person, make_pair, make_set):
    """The eight roles around one author, and one entry of each visibility by the author."""
    make_person = functools.partial(make_person, password=None)
    people = {}
    people["set_facilitator"] = make_person(role="facilitator")
    people["other_set_facilitator"] = make_person(role="facilitator")
    set_a = make_set(facilitator_id=people["set_facilitator"])
    set_b = make_set(facilitator_id=people["other_set_facilitator"])
    people["author"], people["partner"] = make_person(), make_person()
    make_pair([people["author"], people["partner"]], learning_set_id=set_a)
    people["set_member"] = make_person()
    make_pair([people["set_member"], make_person()], learning_set_id=set_a)
    people["other_set_member"] = make_person()
    make_pair([people["other_set_member"], make_person()], learning_set_id=set_b)
    people["organiser"] = make_person(role="organiser")
    other_programme = programmes.create_programme(db, "Elsewhere", "2026-09-01", "2027-08-31")
    people["outsider"] = make_person(programme=other_programme)
    entries = {
        visibility: create_entry(
            db,
            people["author"],
            title=f"{visibility.capitalize()} {SECRET} entry",
            body=f"The {visibility} body about {SECRET}.",
            what_happened=f"{visibility}-happened",
            visibility=visibility,
            consent_to_quote=True,
            case_study_section="learning",
        )
        for visibility in VISIBILITIES
    }
    # Each entry has a response from its author and an edit, so responses and
    # revisions exist for every visibility.
    for visibility, entry_id in entries.items():
        if visibility != "private":
            add_response(db, people["author"], entry_id, f"{visibility}-response")
        update_entry(
            db,
            people["author"],
            entry_id,
            title=f"{visibility.capitalize()} {SECRET} entry",
            body=f"The {visibility} body about {SECRET}, edited.",
            what_happened=f"{visibility}-happened",
            visibility=visibility,
            consent_to_quote=True,
            case_study_section="learning",
        )
    pair_id = journal.pair_of(db, people["author"], programme_id)
    return {"people": people, "entries": entries, "programme_id": programme_id, "pair_id": pair_id}


def add_set_meeting(db, programme_id, learning_set_id):
    """A past set meeting row (inserted directly: scheduling's functions are tested there)."""
    with write(db):
        return (
            db["meetings"]
            .insert(
                {
                    "programme_id": programme_id,
                    "learning_set_id": learning_set_id,
                    "kind": "set_meeting",
                    "title": "Set meeting",
                    "starts_at": "2026-10-13T09:00:00+00:00",
                    "ends_at": "2026-10-13T12:00:00+00:00",
                    "status": "scheduled",
                    "uid": "privacy-matrix-meeting@test",
                    "sequence": 0,
                    "created_at": "2026-09-01T00:00:00+00:00",
                    "updated_at": "2026-09-01T00:00:00+00:00",
                }
            )
            .last_pk
        )


def response_text(response):
    """A response's text, with every file inside a zip download opened too; closed after,
    so a static file's handle is not left for the garbage collector to warn about."""
    with response:
        if response.mimetype == "application/zip":
            archive = zipfile.ZipFile(io.BytesIO(response.data))
            names = archive.namelist()
            return "".join(archive.read(name).decode(errors="replace") for name in names)
        return response.get_data().decode(errors="replace")


def visibility_of_title(title):
    return title.split()[0].lower()


def seen_by_each_role(world, app, db, look):
    """{role: set of visibilities seen}, with look(client, person_id) -> visibilities."""
    seen = {}
    for role in ROLES:
        client = app.test_client()
        sign_in(client, db, world["people"][role], through_form=False)
        seen[role] = set(look(client, world["people"][role]))
    return seen


# Domain functions


def test_matrix_entries_visible_to(world, db):
    seen = {
        role: {
            visibility_of_title(e["title"])
            for e in journal.entries_visible_to(db, world["people"][role], limit=-1)
        }
        for role in ROLES
    }

    assert seen == EXPECTED


def test_matrix_visible_entry(world, db):
    seen = {
        role: {
            v
            for v, entry_id in world["entries"].items()
            if journal.visible_entry(db, world["people"][role], entry_id)
        }
        for role in ROLES
    }

    assert seen == EXPECTED


def test_matrix_search_entries(world, db):
    seen = {
        role: {
            visibility_of_title(e["title"])
            for e in search_entries(db, world["people"][role], SECRET)
        }
        for role in ROLES
    }

    assert seen == EXPECTED


def test_matrix_responses(world, db):
    seen = {
        role: {
            r["body"].split("-")[0]
            for entry_id in world["entries"].values()
            for r in journal.responses_to(db, world["people"][role], entry_id)
        }
        for role in ROLES
    }

    assert seen == {role: EXPECTED[role] - {"private"} for role in ROLES}


def test_matrix_revisions_author_only(world, db):
    seen = {
        role: {
            v
            for v, entry_id in world["entries"].items()
            if journal.revisions_of(db, world["people"][role], entry_id)
        }
        for role in ROLES
    }

    assert seen == {role: set(VISIBILITIES) if role == "author" else set() for role in ROLES}


def test_matrix_own_export_only_own_entries(world, db):
    seen = {
        role: {visibility_of_title(e["title"]) for e in own_journal(db, world["people"][role])}
        for role in ROLES
    }

    assert seen == {role: set(VISIBILITIES) if role == "author" else set() for role in ROLES}


def test_consented_entries_never_private(world, db):
    pair_id = journal.pair_of(db, world["people"]["author"], world["programme_id"])

    entries = journal.consented_entries_for_pair(db, pair_id)

    assert {visibility_of_title(e["title"]) for e in entries} == {"pair", "set", "programme"}


def test_consented_entries_ordered_by_section(db, world):
    author = world["people"]["author"]
    for section in ("outcomes", "problem"):
        create_entry(
            db,
            author,
            title=f"Section {section}",
            body="B",
            visibility="pair",
            consent_to_quote=True,
            case_study_section=section,
        )
    pair_id = journal.pair_of(db, author, world["programme_id"])

    sections = [e["case_study_section"] for e in journal.consented_entries_for_pair(db, pair_id)]

    assert sections == ["problem", "outcomes", "learning", "learning", "learning"]


# Pages


def test_matrix_entry_page(world, app, db):
    def look(client, _person_id):
        for visibility, entry_id in world["entries"].items():
            response = client.get(f"/journal/{entry_id}")
            assert response.status_code in (200, 404)
            if response.status_code == 200:
                yield visibility

    assert seen_by_each_role(world, app, db, look) == EXPECTED


def test_matrix_lists(world, app, db):
    def look(client, _person_id):
        pages = client.get("/journal").get_data(as_text=True)
        pages += client.get("/journal/shared").get_data(as_text=True)
        return [v for v in VISIBILITIES if f"{v.capitalize()} {SECRET} entry" in pages]

    assert seen_by_each_role(world, app, db, look) == EXPECTED


def test_matrix_shared_list_excludes_own_entries(world, app, db):
    def look(client, _person_id):
        page = client.get("/journal/shared").get_data(as_text=True)
        return [v for v in VISIBILITIES if f"{v.capitalize()} {SECRET} entry" in page]

    assert seen_by_each_role(world, app, db, look) == {
        role: set() if role == "author" else EXPECTED[role] for role in ROLES
    }


def test_matrix_search_page(world, app, db):
    def look(client, _person_id):
        page = client.get(f"/journal/search?q={SECRET}").get_data(as_text=True)
        return [v for v in VISIBILITIES if f"{v.capitalize()} {SECRET} entry" in page]

    assert seen_by_each_role(world, app, db, look) == EXPECTED


def test_matrix_history_page(world, app, db):
    def look(client, _person_id):
        for visibility, entry_id in world["entries"].items():
            if client.get(f"/journal/{entry_id}/history").status_code == 200:
                yield visibility

    assert seen_by_each_role(world, app, db, look) == {
        role: set(VISIBILITIES) if role == "author" else set() for role in ROLES
    }


def test_matrix_responses_on_entry_page(world, app, db):
    def look(client, _person_id):
        for visibility, entry_id in world["entries"].items():
            if f"{visibility}-response" in client.get(f"/journal/{entry_id}").get_data(
                as_text=True
            ):
                yield visibility

    assert seen_by_each_role(world, app, db, look) == {
        role: EXPECTED[role] - {"private"} for role in ROLES
    }


def test_matrix_response_posting(world, app, db):
    def look(client, person_id):
        token = csrf_token(client, "/journal/new")
        for entry_id in world["entries"].values():
            client.post(f"/journal/{entry_id}/responses", data={"body": "hi", "csrf_token": token})
        rows = db.execute(
            """SELECT e.visibility FROM journal_responses r JOIN journal_entries e
            ON e.id = r.entry_id WHERE r.author_id = ? AND r.body = 'hi'""",
            [person_id],
        )
        return [row[0] for row in rows]

    assert seen_by_each_role(world, app, db, look) == {
        role: EXPECTED[role] - {"private"} for role in ROLES
    }


def test_matrix_edit_and_delete_pages_author_only(world, app, db):
    def look(client, _person_id):
        for visibility, entry_id in world["entries"].items():
            edit = client.get(f"/journal/{entry_id}/edit").status_code
            delete = client.get(f"/journal/{entry_id}/delete").status_code
            assert edit == delete
            if edit == 200:
                yield visibility

    assert seen_by_each_role(world, app, db, look) == {
        role: set(VISIBILITIES) if role == "author" else set() for role in ROLES
    }


def test_matrix_export_download(world, app, db):
    def look(client, _person_id):
        archive = zipfile.ZipFile(io.BytesIO(client.get("/journal/export.zip").data))
        entries = json.loads(archive.read("journal.json"))["entries"]
        markdown = archive.read("journal.md").decode()
        found = {visibility_of_title(e["title"]) for e in entries}
        assert found == {v for v in VISIBILITIES if f"{v.capitalize()} {SECRET}" in markdown}
        return found

    assert seen_by_each_role(world, app, db, look) == {
        role: set(VISIBILITIES) if role == "author" else set() for role in ROLES
    }


def test_matrix_every_other_page(world, app, db):
    """Outside the journal's own pages no page shows entry text to anyone (dashboards,
    feeds...); case-study pages may quote consented shared entries, never a private one."""

    learning_set_id = db.execute(
        "SELECT learning_set_id FROM pairs WHERE id = ?", [world["pair_id"]]
    ).fetchone()[0]
    values = {
        "programme_id": world["programme_id"],
        "learning_set_id": learning_set_id,
        "pair_id": world["pair_id"],
        "meeting_id": add_set_meeting(db, world["programme_id"], learning_set_id),
    }

    visited = set()

    def look(client, _person_id):
        for rule in app.url_map.iter_rules():
            kind = ROUTES.get(rule.rule)
            if (
                "GET" not in rule.methods
                or kind in (JOURNAL, STATIC)
                or rule.arguments - set(values)
            ):
                continue
            path = app.url_map.bind("localhost").build(
                rule.endpoint, {k: values[k] for k in rule.arguments}
            )
            try:
                text = response_text(client.get(path))
            except Exception:  # a page that crashes shows nothing; its own tests catch that
                continue
            assert "private-happened" not in text, f"{rule.rule} shows a private entry"
            if kind != CASE_STUDY:
                assert SECRET not in text, f"{rule.rule} shows journal text"
            visited.add(rule.rule)
        return []

    seen_by_each_role(world, app, db, look)

    assert {"/", "/meetings/<int:meeting_id>"} <= visited


# Changes take effect at once


def test_lowering_visibility_hides_entry_at_once(world, app, db):
    entry_id = world["entries"]["programme"]
    partner = app.test_client()
    sign_in(partner, db, world["people"]["partner"], through_form=False)
    assert partner.get(f"/journal/{entry_id}").status_code == 200

    update_entry(
        db,
        world["people"]["author"],
        entry_id,
        title=f"Now {SECRET}",
        body="B",
        visibility="private",
    )

    found = [e["id"] for e in search_entries(db, world["people"]["partner"], SECRET)]
    assert partner.get(f"/journal/{entry_id}").status_code == 404
    assert entry_id not in found


def test_leaving_programme_removes_access_at_once(world, db):
    member = world["people"]["set_member"]
    db.execute(
        "DELETE FROM programme_members WHERE person_id = ? AND programme_id = ?",
        [member, world["programme_id"]],
    )

    assert journal.entries_visible_to(db, member) == []


def test_missing_and_forbidden_entries_answer_alike(world, app, db):
    client = app.test_client()
    sign_in(client, db, world["people"]["organiser"], through_form=False)

    forbidden = client.get(f"/journal/{world['entries']['private']}")
    missing = client.get("/journal/999999")

    # The sign-out form's CSRF token carries a timestamp: a second may pass between the two.
    token = re.compile(rb'name="csrf_token" value="[^"]*"')
    assert (forbidden.status_code, token.sub(b"", forbidden.data)) == (
        missing.status_code,
        token.sub(b"", missing.data),
    )


def test_deactivated_author_entries_still_follow_rules(world, db):
    auth.set_active(db, world["people"]["author"], False)

    titles = {e["title"] for e in journal.entries_visible_to(db, world["people"]["organiser"])}

    assert titles == {f"Programme {SECRET} entry"}


# The URL map: every route classified

JOURNAL = "journal: covered by the matrix above"
NO_JOURNAL = "shows no journal text (checked by test_matrix_every_other_page)"
CASE_STUDY = "may quote consented, shared entries via journal.consented_entries_for_pair only"
FEED = "calendar data: logistics only, never journal text"
ACTION = "POST only: changes data, shows no page of its own"
PUBLIC = "no sign-in: no journal data"
STATIC = "static files"
EVALUATION = "ratings: own answers, or aggregates with small groups suppressed (test_evaluation)"

ROUTES = {
    "/static/<path:filename>": STATIC,
    "/favicon.ico": STATIC,
    "/help": PUBLIC,
    "/help/<role>": PUBLIC,
    "/healthz": PUBLIC,
    "/login": PUBLIC,
    "/logout": ACTION,
    "/account/password": NO_JOURNAL,
    "/account/link/<token>": PUBLIC,
    "/account/forgot": PUBLIC,
    "/account/mail": NO_JOURNAL,
    "/mail/outbox": NO_JOURNAL,
    "/mail/outbox/resend/<int:programme_id>/<int:person_id>": ACTION,
    "/mail/unsubscribe/<token>": PUBLIC,
    "/import-template.csv": PUBLIC,
    # journal
    "/journal": JOURNAL,
    "/journal/shared": JOURNAL,
    "/journal/new": JOURNAL,
    "/journal/search": JOURNAL,
    "/journal/export.zip": JOURNAL,
    "/journal/<int:entry_id>": JOURNAL,
    "/journal/<int:entry_id>/edit": JOURNAL,
    "/journal/<int:entry_id>/history": JOURNAL,
    "/journal/<int:entry_id>/responses": JOURNAL,
    "/journal/<int:entry_id>/delete": JOURNAL,
    # programmes and people
    "/": NO_JOURNAL,
    "/people": NO_JOURNAL,
    "/people/<int:person_id>": NO_JOURNAL,
    "/people/<int:person_id>/edit": NO_JOURNAL,
    "/people/<int:person_id>/reset-link": ACTION,
    "/people/<int:person_id>/deactivate": NO_JOURNAL,
    "/people/<int:person_id>/activate": ACTION,
    "/people/<int:person_id>/programmes": ACTION,
    "/organisations": NO_JOURNAL,
    # governance
    "/audit": NO_JOURNAL,
    "/data-protection": PUBLIC,
    "/account/keep-journal": ACTION,
    "/programmes": NO_JOURNAL,
    "/programmes/<int:programme_id>": NO_JOURNAL,
    "/programmes/<int:programme_id>/import": NO_JOURNAL,
    "/programmes/<int:programme_id>/pairs": NO_JOURNAL,
    "/programmes/<int:programme_id>/sets": NO_JOURNAL,
    "/learning-sets/<int:learning_set_id>/edit": NO_JOURNAL,
    "/pairs/<int:pair_id>/edit": NO_JOURNAL,
    # scheduling
    "/programmes/<int:programme_id>/conference": NO_JOURNAL,
    "/programmes/<int:programme_id>/meetings": NO_JOURNAL,
    "/programmes/<int:programme_id>/calendar": NO_JOURNAL,
    "/month": NO_JOURNAL,
    "/programmes/<int:programme_id>/seminars/new": NO_JOURNAL,
    "/learning-sets/<int:learning_set_id>/ground-rules": NO_JOURNAL,
    "/learning-sets/<int:learning_set_id>/meetings": NO_JOURNAL,
    "/learning-sets/<int:learning_set_id>/series": NO_JOURNAL,
    "/meetings/<int:meeting_id>": NO_JOURNAL,
    "/meetings/<int:meeting_id>/edit": NO_JOURNAL,
    "/meetings/<int:meeting_id>/action-points": ACTION,
    "/meetings/<int:meeting_id>/action-points/<int:action_point_id>/review": ACTION,
    "/meetings/<int:meeting_id>/apologies": ACTION,
    "/meetings/<int:meeting_id>/attendance": ACTION,
    "/meetings/<int:meeting_id>/cancel": ACTION,
    "/meetings/<int:meeting_id>/reinstate": ACTION,
    "/meetings/<int:meeting_id>/presenters": ACTION,
    "/meetings/<int:meeting_id>/presenters/<int:slot_id>/remove": ACTION,
    "/action-points/<int:action_point_id>/status": ACTION,
    # feeds
    "/calendar": NO_JOURNAL,
    "/calendar/reset": ACTION,
    "/calendar/<any(sets, programmes):kind>/<int:subject_id>/reset": ACTION,
    "/feeds/<token>.ics": FEED,
    "/meetings/<int:meeting_id>.ics": FEED,
    # case studies
    "/case-studies/": CASE_STUDY,
    "/case-studies/<int:pair_id>": CASE_STUDY,
    "/case-studies/<int:pair_id>/edit": CASE_STUDY,
    "/case-studies/<int:pair_id>/case-study.<any(md, docx, pdf):fmt>": CASE_STUDY,
    "/case-studies/<int:pair_id>/<any(submit, approve, return, reopen):step>": ACTION,
    "/case-studies/export": CASE_STUDY,
    "/case-studies/export.zip": CASE_STUDY,
    "/case-studies/export/conference-pack.<any(md, docx, pdf):fmt>": CASE_STUDY,
    # evaluation
    "/evaluation": EVALUATION,
    "/evaluation/rounds/<int:round_id>": EVALUATION,
    "/programmes/<int:programme_id>/evaluation": EVALUATION,
    "/programmes/<int:programme_id>/evaluation/rounds/<int:round_id>/close": ACTION,
    "/programmes/<int:programme_id>/evaluation/<kind>.svg": EVALUATION,
    "/programmes/<int:programme_id>/evaluation.csv": EVALUATION,
}


def test_every_route_is_classified(app):
    # The feeds are answered in front of Flask (feeds/server.py), but their rule is listed too.
    rules = {rule.rule for rule in app.url_map.iter_rules()}

    unclassified = sorted(rules - set(ROUTES))
    gone = sorted(set(ROUTES) - rules)

    assert unclassified == [], "classify these routes in tests/test_privacy.py ROUTES"
    assert gone == [], "these routes no longer exist: remove them from ROUTES"


def test_matrix_cli_export_only_own_entries(world, runner, db, tmp_path):
    seen = {}
    for role in ROLES:
        email = auth.person(db, world["people"][role])["email"]
        out = tmp_path / f"{role}.zip"

        result = runner.invoke(args=["export-journal", email, "--out", str(out)])

        assert result.exit_code == 0, result.output
        entries = json.loads(zipfile.ZipFile(out).read("journal.json"))["entries"]
        seen[role] = {visibility_of_title(e["title"]) for e in entries}
    assert seen == {role: set(VISIBILITIES) if role == "author" else set() for role in ROLES}


def test_cli_export_unknown_person_fails_clearly(runner, tmp_path):
    result = runner.invoke(
        args=["export-journal", "nobody@example.org", "--out", str(tmp_path / "x.zip")]
    )

    assert result.exit_code == 1
    assert "No account for nobody@example.org." in result.output
    assert not (tmp_path / "x.zip").exists()
