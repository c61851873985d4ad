"""Information governance: erasing a person, and the data-protection contact. The audit log
(audit.py) and retention (retention.py) sit below every domain, which use them.

Erasure decisions (also on the data-protection page):
- everything the person wrote in their journal goes: entries, revisions, responses (theirs,
  and others' replies to their entries), themes, tags and the full-text index rows;
- action points they own are deleted, not reassigned: nobody else agreed to carry them;
- a case study they wrote alone is deleted; one written with a partner stays readable, with
  their name and address in its text and history replaced by "a former participant" (the
  excerpts of their journal the pair quoted in it stay, signed that way);
- the audit log keeps its events, with the person's id replaced by audit.ERASED, and one
  "person erased" event per programme they were in, without their details.
"""

import re

from .. import audit
from ..casestudies import MARKDOWN_FIELDS, TEXT_FIELDS, render_section
from ..db import one, rows, write
from ..retention import delete_entries
from ..text import has_control_characters

FORMER = "a former participant"
# Bidi overrides make an address read differently from what it is.
BIDI_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")
CONTACT_KEYS = ("controller", "contact_email", "contact_address")


class GovernanceError(ValueError):
    """A governance action that cannot be done; the message says why."""


# Erasure


def erasure_summary(db, person_id):
    """What erasing this person would remove, as counts; None for an unknown person."""
    if one(db, "SELECT id FROM people WHERE id = ?", [person_id]) is None:
        return None
    counted = {
        "journal entries": "SELECT id FROM journal_entries WHERE author_id = :p",
        "responses": "SELECT id FROM journal_responses WHERE author_id = :p",
        "action points": "SELECT id FROM action_points WHERE owner_id = :p",
        "attendance records": "SELECT meeting_id FROM attendance WHERE person_id = :p",
        "programme memberships": "SELECT programme_id FROM programme_members WHERE person_id = :p",
        "case studies written alone": _SOLE_CASE_STUDIES,
    }
    return {
        label: one(db, f"SELECT count(*) AS n FROM ({sql})", {"p": person_id})["n"]
        for label, sql in counted.items()
    }


_SOLE_CASE_STUDIES = """SELECT c.id FROM case_studies c
    JOIN pair_members m ON m.pair_id = c.pair_id AND m.person_id = :p
    WHERE NOT EXISTS (SELECT 1 FROM pair_members o
                      WHERE o.pair_id = c.pair_id AND o.person_id != :p)"""


def erase_person(db, person_id):
    """Remove a person and everything they wrote, in one transaction; returns the counts.

    The caller makes the freed space unreadable afterwards (wipe_free_space), which cannot
    run inside a transaction.
    """
    person = one(db, "SELECT id, name, email FROM people WHERE id = ?", [person_id])
    if person is None:
        raise GovernanceError("No such person.")
    counts = erasure_summary(db, person_id)
    params = {"p": person_id, "email": person["email"], "name": person["name"]}
    with write(db):
        member_of = [
            r["programme_id"]
            for r in rows(
                db, "SELECT programme_id FROM programme_members WHERE person_id = :p", params
            )
        ]
        delete_entries(db, "e.author_id = :p", params)
        db.execute("DELETE FROM journal_responses WHERE author_id = :p", params)
        _erase_from_case_studies(db, person, params)
        for sql in _ERASE_STATEMENTS:
            db.execute(sql, params)
        _erase_from_other_tables(db, params)
        db.execute("UPDATE audit_events SET actor_id = 0 WHERE actor_id = :p", params)
        db.execute("UPDATE audit_events SET subject_id = 0 WHERE subject_id = :p", params)
        db.execute("DELETE FROM people WHERE id = :p", params)
        for programme_id in member_of or [None]:
            audit.record(
                db,
                "person.erased",
                None,
                audit.ERASED,
                programme_id,
                **{label.replace(" ", "_"): n for label, n in counts.items()},
            )
    return counts


_ERASE_STATEMENTS = (
    "DELETE FROM action_points WHERE owner_id = :p",
    "DELETE FROM attendance WHERE person_id = :p",
    "DELETE FROM presenter_slots WHERE person_id = :p",
    "DELETE FROM ground_rule_acknowledgements WHERE person_id = :p",
    "DELETE FROM pair_members WHERE person_id = :p",
    "UPDATE learning_sets SET facilitator_id = NULL WHERE facilitator_id = :p",
    "DELETE FROM login_sessions WHERE person_id = :p",
    "DELETE FROM account_links WHERE person_id = :p",
    "UPDATE account_links SET created_by = NULL WHERE created_by = :p",
    "DELETE FROM sign_in_failures WHERE email = :email",
    "DELETE FROM feed_versions WHERE scope = 'p' AND subject_id = :p",
    "DELETE FROM feed_changes WHERE scope = 'p' AND subject_id = :p",
    "DELETE FROM programme_members WHERE person_id = :p",
    # Stored sums of ratings (evaluation, m015) may still count theirs, even a group of
    # one; they are worked out again from what is left on the next view.
    "DELETE FROM evaluation_figures",
    # Invitations not yet written name their people inside JSON, which the walk over foreign
    # keys cannot see; a later person given the same id must not get them.
    """UPDATE invitation_fanouts SET recipients = json_remove(recipients, '$."' || :p || '"')""",
)


def _erase_from_case_studies(db, person, params):
    """Delete the case studies they wrote alone; elsewhere replace their name and address."""
    sole = [r["id"] for r in rows(db, _SOLE_CASE_STUDIES, params)]
    for case_study_id in sole:
        for table in ("case_study_themes", "case_study_revisions"):
            db.execute(f"DELETE FROM {table} WHERE case_study_id = ?", [case_study_id])
        db.execute("DELETE FROM case_studies WHERE id = ?", [case_study_id])
    db.execute("UPDATE case_study_revisions SET person_id = NULL WHERE person_id = :p", params)
    pattern = re.compile(
        "|".join(re.escape(v) for v in (person["email"], person["name"]) if v), re.IGNORECASE
    )
    for study in rows(db, "SELECT * FROM case_studies"):
        changed = {f: pattern.sub(FORMER, study[f] or "") for f in TEXT_FIELDS}
        changed = {f: v for f, v in changed.items() if v != (study[f] or "")}
        changed.update(
            {f + "_html": render_section(changed[f]) for f in MARKDOWN_FIELDS if f in changed}
        )
        if changed:
            db["case_studies"].update(study["id"], changed)
    for revision in rows(db, "SELECT * FROM case_study_revisions"):
        fields = [*TEXT_FIELDS, "comment", "key_outcomes"]
        changed = {f: pattern.sub(FORMER, revision[f] or "") for f in fields}
        changed = {f: v for f, v in changed.items() if v != (revision[f] or "")}
        if changed:
            db["case_study_revisions"].update(revision["id"], changed)


def _erase_from_other_tables(db, params):
    """Rows in tables this module does not name (added later, such as the outbox or the
    evaluation) that point at the person or carry their address, with the rows that hang
    off those. The foreign key on people refuses the erasure if any is left."""
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        if name not in ("people", "audit_events")
    ]
    keys = {t: db.execute(f"PRAGMA foreign_key_list('{t}')").fetchall() for t in tables}
    if "outbox" in tables:  # messages to them, and messages to others that name them
        db.execute(
            """DELETE FROM outbox WHERE to_addr = :email OR instr(to_name, :name)
               OR instr(subject, :name) OR instr(body_text, :name)""",
            params,
        )
    for table in tables:
        for key in keys[table]:
            if key[2] == "people":
                _delete_rows(db, keys, table, f'"{key[3]}" = :p', params)
        for column in db.execute(f"PRAGMA table_info('{table}')").fetchall():
            if column[1] in ("email", "to_addr", "recipient"):
                _delete_rows(db, keys, table, f'"{column[1]}" = :email', params)


def _delete_rows(db, keys, table, condition, params):
    """Delete a table's rows matching condition, after the rows in other tables that refer
    to them (evaluation ratings before the response they belong to)."""
    for child, child_keys in keys.items():
        for key in child_keys:
            if key[2] == table and child != table:
                parent_column = key[4] or "rowid"
                _delete_rows(
                    db,
                    keys,
                    child,
                    f'"{key[3]}" IN (SELECT "{parent_column}" FROM "{table}" WHERE {condition})',
                    params,
                )
    db.execute(f'DELETE FROM "{table}" WHERE {condition}', params)


def wipe_free_space(db):
    """Rewrite the file so no free page or old WAL frame still holds erased bytes.

    secure_delete zeroes what the erasure freed; VACUUM also drops what earlier deletes
    (made before secure_delete was on) left behind; the TRUNCATE checkpoint empties the
    WAL, whose old frames would otherwise keep the pages as they were. Returns True when
    the WAL could be emptied (a long-running reader can hold it; run again later).
    """
    db.execute("VACUUM")
    busy, _frames, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


# The data-protection contact


def contact(db):
    """The controller's name and contact details, as organisers set them ('' when unset)."""
    found = {r["key"]: r["value"] for r in rows(db, "SELECT key, value FROM settings")}
    return {key: found.get(key, "") for key in CONTACT_KEYS}


def set_contact(db, values, actor_id=None):
    """Store the controller's contact details."""
    cleaned = {key: (values.get(key) or "").strip() for key in CONTACT_KEYS}
    if any(
        has_control_characters(v) or BIDI_OVERRIDES.search(v) or len(v) > 500
        for v in cleaned.values()
    ):
        raise GovernanceError("Remove the control characters, or shorten the text.")
    with write(db):
        for key, value in cleaned.items():
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
