"""The audit log: each listed action writes its event in its own transaction, the log refuses
to be changed, and each organiser reads only their programmes' events."""

import io
import sqlite3

import pytest

from actionlearning import audit, auth, casestudies, programmes
from actionlearning.casestudies.workflow import (
    approve_case_study,
    return_case_study,
    submit_case_study,
)
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.test_casestudies import FULL


def latest(db):
    return audit.all_events(db, limit=1)[0]


def post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})


def submitted(db, world):
    casestudies.save_case_study(db, world["pair"], world["members"][0], 0, FULL)
    submit_case_study(db, world["pair"], world["members"][0], 1)


def issue_link(client, db, world):
    sign_in(client, db, world["organiser"])
    post(client, f"/people/{world['members'][0]}/reset-link")
    return "sign_in_link.issued", world["organiser"], world["members"][0], None


def use_link(client, db, world):
    token = auth.create_account_link(db, world["members"][0], "reset", world["organiser"])
    auth.use_account_link(db, token, "a-new-password-1")
    return "sign_in_link.used", world["members"][0], world["members"][0], None


def invite(client, db, world):
    sign_in(client, db, world["organiser"])
    data = {"name": "Ada New", "email": "ada@example.org", "role": "participant"}
    post(client, "/people", organisation_id="0", programme_id=world["programme"], **data)
    created = auth.person_by_email(db, "ada@example.org")["id"]
    kinds = [e["kind"] for e in audit.all_events(db, person_id=created)]
    assert kinds == ["sign_in_link.issued", "membership.added", "account.created"]
    return "sign_in_link.issued", world["organiser"], created, None


def deactivate(client, db, world):
    sign_in(client, db, world["organiser"])
    post(client, f"/people/{world['members'][0]}/deactivate", confirm="yes")
    return "account.deactivated", world["organiser"], world["members"][0], None


def reactivate(client, db, world):
    auth.set_active(db, world["members"][0], False)
    sign_in(client, db, world["organiser"])
    post(client, f"/people/{world['members'][0]}/activate")
    return "account.reactivated", world["organiser"], world["members"][0], None


def change_role(client, db, world):
    sign_in(client, db, world["organiser"])
    post(
        client,
        f"/people/{world['members'][0]}/programmes",
        programme_id=world["programme"],
        role="facilitator",
    )
    return "membership.changed", world["organiser"], world["members"][0], world["programme"]


def reset_feed(client, db, world):
    sign_in(client, db, world["members"][0])
    post(client, "/calendar/reset")
    return "feed.reset", world["members"][0], world["members"][0], None


def export_journal(client, db, world):
    sign_in(client, db, world["members"][0])
    assert client.get("/journal/export.zip").status_code == 200
    return "export.journal", world["members"][0], world["members"][0], None


def export_case_studies(client, db, world):
    sign_in(client, db, world["organiser"])
    url = f"/case-studies/export.zip?programme={world['programme']}&status=all"
    assert client.get(url).status_code == 200
    return "export.case_studies", world["organiser"], None, world["programme"]


def export_pack(client, db, world):
    sign_in(client, db, world["organiser"])
    url = f"/case-studies/export/conference-pack.md?programme={world['programme']}"
    assert client.get(url).status_code == 200
    return "export.pack", world["organiser"], None, world["programme"]


def download_case_study(client, db, world):
    casestudies.save_case_study(db, world["pair"], world["members"][0], 0, FULL)
    sign_in(client, db, world["members"][1])
    assert client.get(f"/case-studies/{world['pair']}/case-study.md").status_code == 200
    return "export.case_study", world["members"][1], None, world["programme"]


def approve(client, db, world):
    submitted(db, world)
    approve_case_study(db, world["pair"], world["organiser"], 1)
    return "case_study.approved", world["organiser"], None, world["programme"]


def return_(client, db, world):
    submitted(db, world)
    return_case_study(db, world["pair"], world["organiser"], 1, "Say more about outcomes.")
    return "case_study.returned", world["organiser"], None, world["programme"]


def import_people(client, db, world):
    sign_in(client, db, world["organiser"])
    csv = "name,email,role,organisation,organisation_kind\nBea,bea@example.org,participant,,\n"
    html = client.get(f"/programmes/{world['programme']}/import").get_data(as_text=True)
    assert "csrf_token" in html
    response = client.post(
        f"/programmes/{world['programme']}/import",
        data={
            "csrf_token": csrf_token(client, f"/programmes/{world['programme']}/import"),
            "file": (io.BytesIO(csv.encode()), "people.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return "import.people", world["organiser"], None, world["programme"]


ACTIONS = [
    issue_link,
    use_link,
    invite,
    deactivate,
    reactivate,
    change_role,
    reset_feed,
    export_journal,
    export_case_studies,
    export_pack,
    download_case_study,
    approve,
    return_,
    import_people,
]


@pytest.mark.parametrize("action", ACTIONS, ids=[a.__name__ for a in ACTIONS])
def test_action_writes_its_audit_event(client, db, world, action):
    kind, actor, subject, programme = action(client, db, world)

    event = latest(db)

    assert (event["kind"], event["actor_id"], event["subject_id"]) == (kind, actor, subject)
    if programme is not None:
        assert event["programme_id"] == programme


def test_events_hold_no_journal_or_case_study_text(client, db, world):
    approve(client, db, world)
    export_journal(client, db, world)

    stored = db.execute("SELECT group_concat(detail, ' ') FROM audit_events").fetchone()[0]

    assert FULL["summary"] not in stored and FULL["title"] not in stored


def test_failed_action_leaves_no_event(db, world):
    before = db["audit_events"].count

    with pytest.raises(auth.AccountError):
        auth.create_person(db, "bad address", "X")
    with pytest.raises(programmes.ProgrammeError):
        programmes.invite_person(db, world["programme"], "dup@example.org", "", "x", None, None)

    assert db["audit_events"].count == before


def test_cli_commands_write_events(runner, db, world, tmp_path):
    email = auth.person(db, world["members"][0])["email"]

    runner.invoke(args=["deactivate", email])
    runner.invoke(args=["reset-link", email])
    runner.invoke(args=["backup", str(tmp_path / "copy.db")])

    kinds = [(e["kind"], e["actor"]) for e in audit.all_events(db, limit=3)]
    assert kinds == [
        ("database.backed_up", "the server"),
        ("sign_in_link.issued", "the server"),
        ("account.deactivated", "the server"),
    ]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET kind = 'export.pack'", "DELETE FROM audit_events"],
)
def test_audit_log_refuses_changes(db, world, statement):
    before = db.execute("SELECT * FROM audit_events ORDER BY id").fetchall()

    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(statement)

    assert db.execute("SELECT * FROM audit_events ORDER BY id").fetchall() == before


def test_audit_page_shows_organisers_events_with_filters(client, db, world):
    reset_feed(client, db, world)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    deactivate(client, db, world)

    everything = client.get("/audit").get_data(as_text=True)
    only_resets = client.get("/audit?kind=feed.reset").get_data(as_text=True)
    other = client.get(f"/audit?person={world['members'][1]}").get_data(as_text=True)

    assert "account deactivated" in everything and "calendar feed link reset" in everything
    assert "calendar feed link reset" in only_resets and "account deactivated" not in only_resets
    assert "account deactivated" not in other


def test_organiser_of_another_programme_sees_none_of_the_events(client, db, world, make_person):
    deactivate(client, db, world)
    approve(client, db, world)
    elsewhere = programmes.create_programme(db, "Elsewhere", "2026-09-01", "2027-08-31")
    stranger = make_person(role="organiser", programme=elsewhere)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    sign_in(client, db, stranger)
    page = client.get("/audit").get_data(as_text=True)

    kinds = {e["kind"] for e in audit.events_for_organiser(db, stranger)}
    assert kinds == {"account.created", "membership.added"}  # their own, in Elsewhere
    assert "account deactivated" not in page and "case study approved" not in page
    assert client.get("/audit").status_code == 200


def test_participant_may_not_open_audit_page(client, db, world):
    sign_in(client, db, world["members"][0])

    assert client.get("/audit").status_code in (403, 404)


def test_person_sees_events_about_themselves_on_account_page(client, db, world):
    deactivate(client, db, world)
    reactivate(client, db, world)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, db, world["members"][0], PASSWORD)

    page = client.get("/account/password").get_data(as_text=True)

    assert "account deactivated" in page and "account reactivated" in page


def test_flask_audit_prints_one_line_per_event(runner, db, world):
    email = auth.person(db, world["members"][0])["email"]
    auth.set_active(db, world["members"][0], False, world["organiser"])

    result = runner.invoke(args=["audit", "--person", email])

    lines = result.output.splitlines()
    assert result.exit_code == 0
    assert "account.deactivated" in lines[-1] and "about Grace Okafor" in lines[-1]
    assert all(email not in line for line in lines)


def test_flask_audit_unknown_person_is_refused(runner, world):
    result = runner.invoke(args=["audit", "--person", "nobody@example.org"])

    assert (result.exit_code, "No account for nobody@example.org" in result.output) == (1, True)
