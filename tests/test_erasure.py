"""Right to erasure: `flask erase-person` leaves no trace of the person in any table, in the
file's free pages or in the WAL; case studies written with a partner stay readable."""

import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from actionlearning import audit, auth, casestudies, evaluation, feeds, mail
from actionlearning.evaluation import figures
from actionlearning.journal.entries import add_response, create_entry, update_entry
from actionlearning.scheduling import records
from tests.conftest import sign_in
from tests.test_casestudies import FULL

NAME = "Zebedee Quillfeather"
EMAIL = "zebedee.quillfeather@example.org"
MARKER = "zqxjvkmarker"  # one token, so the full-text index holds it whole
PARTNER_MARKER = "wombatfizzle"  # the partner's words, which must stay
QUOTED = "Trust takes longer than the plan allows"  # quoted in the joint case study: stays


@pytest.fixture
def world(db, app, client, programme_id, make_person, make_set, make_organisation, make_meeting):
    """The person to erase with something of theirs in every table that can hold it."""
    erased = make_person(name=NAME, email=EMAIL, organisation_id=make_organisation())
    partner = make_person(name="Pat Partner")
    organiser = make_person(role="organiser")
    set_id = make_set()
    from actionlearning.programmes.pairs import create_pair

    pair_id = create_pair(db, programme_id, [erased, partner], "Discharge", learning_set_id=set_id)
    mine = create_entry(db, erased, title=f"Private {MARKER}", body=f"I think {MARKER}.")
    update_entry(db, erased, mine, title=f"Private {MARKER} again", body=f"Still {MARKER}.")
    quoted = create_entry(
        db,
        erased,
        title="Shared",
        body=QUOTED,
        visibility="pair",
        consent_to_quote=1,
        case_study_section="learning",
    )
    theirs = create_entry(
        db, partner, title="Partner's", body=f"Partner {PARTNER_MARKER}.", visibility="pair"
    )
    add_response(db, erased, theirs, f"My reply {MARKER}.")
    add_response(db, partner, quoted, f"Reply to the erased {PARTNER_MARKER}.")
    meeting = make_meeting(
        datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 13), set_id, title="Set meeting"
    )
    records.add_action_point(db, meeting, erased, f"Call the ward {MARKER}")
    records.add_action_point(db, meeting, partner, f"Call the council {PARTNER_MARKER}")
    statuses = {erased: "attended", partner: "attended"}
    records.record_attendance(db, meeting, statuses, at="2027-02-01T00:00:00+00:00")
    casestudies.save_case_study(db, pair_id, erased, 0, {**FULL, "summary": f"By {NAME}."})
    casestudies.save_case_study(
        db,
        pair_id,
        partner,
        1,
        {**FULL, "summary": f"By {NAME}."},
        insert={"entry_id": quoted, "attribution": "named"},
    )
    round_id = evaluation.open_round(db, programme_id, "start")
    ratings = {key: 4 for key, _label, _ in evaluation.FACTORS}
    first_factor = evaluation.FACTORS[0][0]
    evaluation.save_response(db, erased, round_id, ratings, {first_factor: f"Rated {MARKER}"})
    evaluation.save_response(db, partner, round_id, ratings, {first_factor: PARTNER_MARKER})
    evaluation.close_round(db, round_id)
    figures.aggregates(db, programme_id)  # stores the sums, which count their ratings
    mail.queue_message(db, person_id=erased, kind="account", subject="Hello", text=MARKER)
    mail.queue_message(
        db, person_id=partner, kind="account", subject=f"{NAME} replied", text="A reply."
    )
    feeds.reset_feed(db, "p", erased, erased)
    auth.create_account_link(db, erased, "reset", organiser)
    auth.set_active(db, erased, False, organiser)
    auth.set_active(db, erased, True, organiser)
    sign_in(client, db, erased)
    db.execute(
        "INSERT INTO sign_in_failures (email, address, failed_at) VALUES (?, '', '2027-01-01')",
        [EMAIL],
    )
    return {
        "erased": erased,
        "partner": partner,
        "organiser": organiser,
        "pair": pair_id,
        "programme": programme_id,
    }


def erase(runner, email=EMAIL, *args):
    return runner.invoke(args=["erase-person", email, *args])


def table_dump(db):
    """Every row of every table, FTS shadow tables included, as one lower-case string."""
    tables = [
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        if not r[0].startswith("sqlite_")
    ]
    assert "journal_entries_fts_data" in tables and "journal_entries_fts_idx" in tables
    text = []
    for table in tables:
        for row in db.execute(f'SELECT * FROM "{table}"'):
            text.append(repr(row))
    return " ".join(text).lower()


def file_bytes(path):
    """The database file and its WAL, as bytes, lower-cased."""
    data = Path(path).read_bytes()
    if os.path.exists(path + "-wal"):
        data += Path(path + "-wal").read_bytes()
    return data.lower()


def test_erasure_leaves_nothing_in_any_table(runner, db, world):
    assert MARKER in table_dump(db) and EMAIL in table_dump(db)
    assert (db["outbox"].count, db["evaluation_responses"].count) == (2, 2)

    result = erase(runner, EMAIL, "--yes")

    dump = table_dump(db)
    assert result.exit_code == 0, result.output
    for trace in (NAME.lower(), EMAIL, MARKER, "quillfeather"):
        assert trace not in dump
    assert PARTNER_MARKER in dump  # the partner's own words stay
    assert (db["outbox"].count, db["evaluation_responses"].count) == (0, 1)
    assert db["evaluation_figures"].count == 0  # stored sums counted their ratings


def test_erasure_leaves_nothing_in_the_file_or_the_wal(runner, app, db, world):
    path = app.config["DATABASE"]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert MARKER.encode() in file_bytes(path)

    erase(runner, EMAIL, "--yes")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    data = file_bytes(path)
    for trace in (NAME.lower(), EMAIL, MARKER, "quillfeather"):
        assert trace.encode() not in data, trace
    assert PARTNER_MARKER.encode() in data


def test_joint_case_study_stays_with_a_former_participant(runner, client, db, world):
    erase(runner, EMAIL, "--yes")
    study = casestudies.case_study(db, world["pair"])
    history = casestudies.history(db, study["id"])

    sign_in(client, db, world["partner"])
    page = client.get(f"/case-studies/{world['pair']}").get_data(as_text=True)

    assert study["summary"] == "By a former participant."
    assert f"> {QUOTED}\n>\n> — a former participant, Organisation" in study["learning"]
    assert [h["person_name"] for h in history] == ["Pat Partner", None]
    assert "by a former participant" in page and NAME not in page


def test_case_study_written_alone_is_deleted(runner, db, world):
    db.execute("DELETE FROM pair_members WHERE person_id = ?", [world["partner"]])

    erase(runner, EMAIL, "--yes")

    assert casestudies.case_study(db, world["pair"]) is None
    assert db.execute("SELECT count(*) FROM case_study_revisions").fetchone()[0] == 0


def test_erasure_is_audited_without_the_persons_details(runner, db, world):
    before = db.execute("SELECT count(*) FROM audit_events").fetchone()[0]

    erase(runner, EMAIL, "--yes")

    events = audit.all_events(db)
    assert len(events) == before + 1
    assert (events[0]["kind"], events[0]["subject"], events[0]["programme_id"]) == (
        "person.erased",
        "a former participant",
        world["programme"],
    )
    assert world["erased"] not in {e["subject_id"] for e in events}
    assert all(e["actor_id"] != world["erased"] for e in events)


def test_erased_persons_session_no_longer_signs_in(runner, client, db, world):
    erase(runner, EMAIL, "--yes")

    assert client.get("/journal").status_code == 302


def test_erase_unknown_person_changes_nothing(runner, db, world):
    before = table_dump(db)

    result = erase(runner, "nobody@example.org", "--yes")

    assert result.exit_code == 1
    assert "No account for nobody@example.org: nothing was erased." in result.output
    assert table_dump(db) == before


def test_erase_asks_first_and_no_changes_nothing(runner, db, world):
    before = table_dump(db)

    result = runner.invoke(args=["erase-person", EMAIL], input="n\n")

    assert result.exit_code == 1
    assert f"{NAME} <{EMAIL}>: 2 journal entries, 1 responses, 1 action points" in result.output
    assert table_dump(db) == before


def test_audit_log_update_other_than_erasure_is_refused(db, world):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(
            "UPDATE audit_events SET subject_id = ? WHERE subject_id = ?", [9, world["erased"]]
        )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_events SET detail = '{}', subject_id = 0")
