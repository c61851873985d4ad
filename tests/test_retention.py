"""Retention: a programme's journals are deleted a retention period after it ends, except
for authors who chose to keep theirs; authors are told beforehand."""

from datetime import date

import pytest

from actionlearning import audit, programmes, retention
from actionlearning.journal.entries import add_response, create_entry
from tests.conftest import sign_in

# The test programme ends 2027-08-31; with the default 12 months its journals go on 2028-08-31.
DELETE_ON = date(2028, 8, 31)


@pytest.fixture
def authors(db, make_person):
    leaver, keeper = make_person(), make_person()
    retention.set_keep_journal(db, keeper, True)
    entries = [
        create_entry(db, p, title="Reflection", body="What I learned.", visibility="programme")
        for p in (leaver, keeper)
    ]
    add_response(db, keeper, entries[0], "A reply to the leaver.")
    add_response(db, leaver, entries[1], "A reply to the keeper.")
    return {"leaver": leaver, "keeper": keeper}


def entry_authors(db):
    return sorted(r[0] for r in db.execute("SELECT author_id FROM journal_entries"))


@pytest.mark.parametrize(
    ("ends_on", "months", "expected"),
    [("2027-08-31", 12, date(2028, 8, 31)), ("2027-08-31", 6, date(2028, 2, 29))],
)
def test_deletion_date_counts_months_from_the_end(ends_on, months, expected):
    assert retention.deletion_date({"ends_on": ends_on, "retention_months": months}) == expected


def test_nothing_is_deleted_before_the_date(db, authors):
    plan = retention.apply_retention(db, date(2028, 8, 30))

    assert entry_authors(db) == [authors["leaver"], authors["keeper"]]
    assert [(p["delete_on"], p["due"]) for p in plan] == [(DELETE_ON, False)]


def test_journals_go_on_the_date_except_for_keepers(db, authors, programme_id):
    plan = retention.apply_retention(db, DELETE_ON)

    assert entry_authors(db) == [authors["keeper"]]
    assert db.execute("SELECT count(*) FROM journal_responses").fetchone()[0] == 1
    assert [(p["entries"], p["authors"]) for p in plan] == [(1, 1)]
    event = audit.all_events(db, limit=1)[0]
    assert (event["kind"], event["programme_id"], event["detail"]) == (
        "retention.applied",
        programme_id,
        {"authors": 1, "entries": 1},
    )


def test_deleted_journals_leave_the_search_index(db, authors):
    retention.apply_retention(db, DELETE_ON)

    found = db.execute(
        "SELECT count(*) FROM journal_entries_fts WHERE journal_entries_fts MATCH 'learned'"
    ).fetchone()[0]

    assert found == 1  # the keeper's


def test_programme_retention_period_is_its_own(db, authors, programme_id):
    db.execute("UPDATE programmes SET retention_months = 24 WHERE id = ?", [programme_id])

    retention.apply_retention(db, DELETE_ON)

    assert entry_authors(db) == [authors["leaver"], authors["keeper"]]


def test_dry_run_says_what_it_would_delete_and_deletes_nothing(runner, db, authors, programme_id):
    db.execute("UPDATE programmes SET ends_on = '2020-01-31' WHERE id = ?", [programme_id])

    result = runner.invoke(args=["apply-retention", "--dry-run"])

    assert result.exit_code == 0
    assert result.output == (
        "Test programme (1): retention ended 2021-01-31; would delete 1 journal entries by "
        "1 people (those who chose to keep their journal keep it).\n"
    )
    assert entry_authors(db) == [authors["leaver"], authors["keeper"]]


def test_apply_retention_command_deletes(runner, db, authors, programme_id):
    db.execute("UPDATE programmes SET ends_on = '2020-01-31' WHERE id = ?", [programme_id])

    result = runner.invoke(args=["apply-retention"])

    assert "deleted 1 journal entries by 1 people" in result.output
    assert entry_authors(db) == [authors["keeper"]]


def test_programme_without_end_date_is_refused(runner, db, authors, programme_id):
    db.execute("UPDATE programmes SET ends_on = '' WHERE id = ?", [programme_id])

    result = runner.invoke(args=["apply-retention", "--programme", str(programme_id)])

    assert result.exit_code == 1
    assert "has no end date, so its retention period has no start" in result.output
    assert entry_authors(db) == [authors["leaver"], authors["keeper"]]


def test_notice_shown_from_sixty_days_before(db, authors):
    early = retention.retention_notices(db, authors["leaver"], date(2028, 7, 1))
    due = retention.retention_notices(db, authors["leaver"], date(2028, 7, 2))
    keeper = retention.retention_notices(db, authors["keeper"], date(2028, 8, 1))

    assert (early, keeper) == ([], [])
    assert due == [{"name": "Test programme", "delete_on": DELETE_ON, "entries": 1}]


def test_keep_journal_choice_on_account_page(client, db, authors):
    sign_in(client, db, authors["leaver"])
    page = client.get("/account/password").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    response = client.post("/account/keep-journal", data={"csrf_token": token, "keep": "1"})

    assert response.status_code == 302
    assert retention.keeps_journal(db, authors["leaver"])
    assert audit.all_events(db, limit=1)[0]["kind"] == "journal.keep_chosen"


def test_other_programmes_are_not_touched(db, authors, make_person):
    later = programmes.create_programme(db, "Later", "2028-09-01", "2029-08-31")
    other = make_person(programme=later)
    create_entry(db, other, programme_id=later, title="Later", body="Kept.")

    retention.apply_retention(db, DELETE_ON)

    assert other in entry_authors(db)
