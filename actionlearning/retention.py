"""Retention: a programme's journals are kept a number of months (12 unless set) after it
ends, then deleted, except those of authors who chose to keep their journal. Authors are told
from RETENTION_NOTICE_DAYS before, and offered their export."""

from datetime import date

from . import audit
from .db import one, rows, write

RETENTION_NOTICE_DAYS = 60


class RetentionError(ValueError):
    """A retention step that cannot be done; the message says why."""


# Journals (shared by erasure and retention)

_ENTRY_TABLES = ("journal_revisions", "journal_entry_themes", "journal_entry_tags")


def delete_entries(db, where, params):
    """Delete journal entries matching where (on journal_entries e) with all that hangs off
    them; returns how many entries went."""
    ids = [r[0] for r in db.execute(f"SELECT e.id FROM journal_entries e WHERE {where}", params)]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for table in (*_ENTRY_TABLES, "journal_responses"):
            db.execute(f"DELETE FROM {table} WHERE entry_id IN ({marks})", chunk)
        # The delete trigger takes each entry out of journal_entries_fts.
        db.execute(f"DELETE FROM journal_entries WHERE id IN ({marks})", chunk)
    if ids:
        # FTS5 only marks deletions; merging the index drops the deleted terms themselves.
        db.execute("INSERT INTO journal_entries_fts (journal_entries_fts) VALUES ('optimize')")
    return len(ids)


# Retention


def add_months(day, months):
    """The same day of the month, months later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def deletion_date(programme):
    """The day a programme's journals are deleted, or None when it has no end date."""
    if not (programme.get("ends_on") or "").strip():
        return None
    ends = date.fromisoformat(programme["ends_on"])
    return add_months(ends, programme.get("retention_months") or 12)


# The entries retention deletes, once a programme's period has run out: the one statement of it.
RETAINED_ENTRIES = """e.programme_id = :programme AND e.author_id IN (
    SELECT id FROM people WHERE keep_journal = 0)"""


def retention_plan(db, today, programme_id=None):
    """Per programme: its deletion date, whether it is due today, and the entries that would go.

    A programme with no end date is listed with no date and nothing to delete.
    """
    where = "WHERE id = :programme" if programme_id is not None else ""
    plan = []
    for programme in rows(
        db, f"SELECT * FROM programmes {where} ORDER BY id", {"programme": programme_id}
    ):
        due_on = deletion_date(programme)
        entries = authors = 0
        if due_on is not None and due_on <= today:
            counted = one(
                db,
                "SELECT count(*) AS entries, count(DISTINCT e.author_id) AS authors "
                f"FROM journal_entries e WHERE {RETAINED_ENTRIES}",
                {"programme": programme["id"]},
            )
            entries, authors = counted["entries"], counted["authors"]
        plan.append(
            {
                "id": programme["id"],
                "name": programme["name"],
                "delete_on": due_on,
                "due": due_on is not None and due_on <= today,
                "entries": entries,
                "authors": authors,
            }
        )
    return plan


def check_retention_programme(db, programme_id):
    """Refuse a programme that does not exist or has no end date to count from."""
    programme = one(db, "SELECT * FROM programmes WHERE id = ?", [programme_id])
    if programme is None:
        raise RetentionError(f"No programme with id {programme_id}.")
    if deletion_date(programme) is None:
        raise RetentionError(
            f"Programme {programme_id} ({programme['name']}) has no end date, so its "
            "retention period has no start: set its end date first. Nothing was deleted."
        )


def apply_retention(db, today, programme_id=None):
    """Delete the journals whose retention has run out (keepers' excepted); returns the plan
    with the counts deleted."""
    if programme_id is not None:
        check_retention_programme(db, programme_id)
    with write(db):
        plan = retention_plan(db, today, programme_id)
        for item in plan:
            if item["due"] and item["entries"]:
                delete_entries(db, RETAINED_ENTRIES, {"programme": item["id"]})
                audit.record(
                    db,
                    "retention.applied",
                    None,
                    None,
                    item["id"],
                    entries=item["entries"],
                    authors=item["authors"],
                )
    return plan


def retention_notices(db, person_id, today, days=RETENTION_NOTICE_DAYS):
    """The person's programmes whose journals (with entries by them) go within `days`,
    unless they chose to keep their journal: [{name, delete_on, entries}]."""
    person = one(db, "SELECT keep_journal FROM people WHERE id = ?", [person_id])
    if person is None or person["keep_journal"]:
        return []
    notices = []
    for programme in rows(
        db,
        """SELECT g.*, count(e.id) AS entries FROM programmes g
           JOIN journal_entries e ON e.programme_id = g.id AND e.author_id = ?
           GROUP BY g.id ORDER BY g.ends_on""",
        [person_id],
    ):
        due_on = deletion_date(programme)
        if due_on is not None and (due_on - today).days <= days:
            notices.append(
                {"name": programme["name"], "delete_on": due_on, "entries": programme["entries"]}
            )
    return notices


def keeps_journal(db, person_id):
    row = one(db, "SELECT keep_journal FROM people WHERE id = ?", [person_id])
    return bool(row and row["keep_journal"])


def set_keep_journal(db, person_id, keep):
    """The person's choice to keep their account and journal after their programmes'
    retention period."""
    with write(db):
        db.execute("UPDATE people SET keep_journal = ? WHERE id = ?", [int(keep), person_id])
        kind = "journal.keep_chosen" if keep else "journal.keep_withdrawn"
        audit.record(db, kind, person_id, person_id)
