"""The audit log: when, who, what, about whom, in which programme.

Each action records its event inside its own write(), so an event exists exactly when the
action committed. Events hold ids and counts, never journal or case-study text. The table
is append-only (triggers in m010_governance); erasure alone turns an erased person's id
into ERASED.
"""

import json

from .db import now, rows, write
from .membership import people_organised_by, programmes_organised_by

ERASED = 0  # the id left where an erased person's was: "a former participant"

KINDS = {
    "sign_in_link.issued": "sign-in link issued",
    "sign_in_link.used": "sign-in link used",
    "account.created": "account created",
    "account.deactivated": "account deactivated",
    "account.reactivated": "account reactivated",
    "account.changed": "name, organisation or job title changed",
    "membership.added": "added to programme",
    "membership.changed": "programme role changed",
    "membership.removed": "removed from programme",
    "feed.reset": "calendar feed link reset",
    "export.journal": "journal exported",
    "export.case_study": "case study downloaded",
    "export.case_studies": "case studies exported",
    "export.pack": "conference pack downloaded",
    "case_study.approved": "case study approved",
    "case_study.returned": "case study returned",
    "case_study.reopened": "case study reopened",
    "import.people": "people imported from CSV",
    "person.erased": "person erased",
    "retention.applied": "journals deleted after retention",
    "journal.keep_chosen": "chose to keep journal",
    "journal.keep_withdrawn": "withdrew keeping journal",
    "database.backed_up": "database backed up",
    "database.restored": "database restored from replica",
}


def record(db, kind, actor_id=None, subject_id=None, programme_id=None, **detail):
    """Append one event; inside a caller's write() it commits or rolls back with the action.

    actor_id None means the server itself (a command run on it). detail holds ids,
    counts and short codes only.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown audit event kind {kind!r}.")
    with write(db):
        db.execute(
            """INSERT INTO audit_events (at, actor_id, kind, subject_id, programme_id, detail)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [now(), actor_id, kind, subject_id, programme_id, json.dumps(detail, sort_keys=True)],
        )


# Queries

_EVENTS = """SELECT e.id, e.at, e.kind, e.actor_id, e.subject_id, e.programme_id, e.detail,
                a.name AS actor_name, s.name AS subject_name, g.name AS programme_name
             FROM audit_events e
             LEFT JOIN people a ON a.id = e.actor_id
             LEFT JOIN people s ON s.id = e.subject_id
             LEFT JOIN programmes g ON g.id = e.programme_id"""

# The one statement of who may read which event: an organiser reads the events of the
# programmes they organise, and the programme-less ones (an account deactivated, a journal
# exported) about people in those programmes.
ORGANISER_VISIBLE = f"""(
    e.programme_id IN ({programmes_organised_by()})
    OR (e.programme_id IS NULL AND e.subject_id IN ({people_organised_by()})))"""


def _filtered(db, where, params, person_id=None, kind=None, limit=500):
    clauses = [where]
    if person_id is not None:
        clauses.append("(e.actor_id = :person OR e.subject_id = :person)")
    if kind:
        clauses.append("e.kind = :kind")
    sql = f"{_EVENTS} WHERE {' AND '.join(clauses)} ORDER BY e.id DESC LIMIT :limit"
    found = rows(db, sql, {**params, "person": person_id, "kind": kind, "limit": limit})
    return [_event(row) for row in found]


def events_for_organiser(db, organiser_id, person_id=None, kind=None):
    """Events an organiser may read, newest first, optionally about or by one person."""
    return _filtered(db, ORGANISER_VISIBLE, {"me": organiser_id}, person_id, kind)


def events_about(db, person_id):
    """Events about this person (what was done to their account and data), newest first."""
    return _filtered(db, "e.subject_id = :me", {"me": person_id})


def all_events(db, programme_id=None, person_id=None, limit=10_000):
    """Every event, for the command line on the server."""
    where = "e.programme_id = :programme" if programme_id is not None else "1"
    return _filtered(db, where, {"programme": programme_id}, person_id, limit=limit)


def _who(person_id, name):
    if person_id is None:
        return "the server"
    if person_id == ERASED:
        return "a former participant"
    return name or f"person {person_id}"


def _event(row):
    row["detail"] = json.loads(row["detail"] or "{}")
    row["label"] = KINDS.get(row["kind"], row["kind"])
    row["actor"] = _who(row["actor_id"], row["actor_name"])
    row["subject"] = (
        "" if row["subject_id"] is None else _who(row["subject_id"], row["subject_name"])
    )
    return row


def event_line(event):
    """One event as one line of text: when, who, what, about whom, where, detail."""
    parts = [event["at"], event["actor"], event["kind"]]
    if event["subject"]:
        parts.append(f"about {event['subject']}")
    if event["programme_name"]:
        parts.append(f"in {event['programme_name']} ({event['programme_id']})")
    if event["detail"]:
        parts.append(" ".join(f"{k}={v}" for k, v in sorted(event["detail"].items())))
    return "  ".join(parts)
