"""Meetings: set meetings, seminars and the conference, stored in UTC with the programme's zone."""

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint

from . import programmes
from .db import now, write
from .text import has_control_characters

MEETING_KINDS = {"set_meeting": "Set meeting", "seminar": "Seminar", "conference": "Conference"}
EDITABLE_FIELDS = (
    "title",
    "venue",
    "online_link",
    "speaker",
    "speaker_organisation",
    "topic",
    "description",
    "agenda",
)


class SchedulingError(ValueError):
    """A scheduling change that cannot be made; the message says why."""


# Queries

# Meetings a person may see: their sets' meetings (as member of a pair in the set or as its
# facilitator) and every seminar and conference of their programmes. Organisers of a
# programme see all its meetings.
VISIBLE_MEETINGS = """
SELECT m.* FROM meetings m
WHERE m.programme_id IN (SELECT programme_id FROM programme_members WHERE person_id = :me)
  AND (m.kind != 'set_meeting'
       OR EXISTS (SELECT 1 FROM programme_members om WHERE om.programme_id = m.programme_id
                  AND om.person_id = :me AND om.role = 'organiser')
       OR m.learning_set_id IN (SELECT id FROM learning_sets WHERE facilitator_id = :me)
       OR m.learning_set_id IN (SELECT p.learning_set_id FROM pairs p
                                JOIN pair_members pm ON pm.pair_id = p.id
                                WHERE pm.person_id = :me))
"""


def meeting(db, meeting_id):
    """One meeting with its programme's time zone and set name, or None."""
    rows = list(
        db.query(
            """SELECT m.*, g.time_zone, g.name AS programme_name, s.name AS learning_set_name
           FROM meetings m JOIN programmes g ON g.id = m.programme_id
           LEFT JOIN learning_sets s ON s.id = m.learning_set_id WHERE m.id = ?""",
            [meeting_id],
        )
    )
    return rows[0] if rows else None


def meetings_for_person(db, person_id, starts_after=None, ends_before=None):
    """The meetings a person may see, earliest first, optionally within a UTC window."""
    sql = VISIBLE_MEETINGS
    params = {"me": person_id}
    if starts_after:
        sql += " AND m.ends_at > :after"
        params["after"] = starts_after
    if ends_before:
        sql += " AND m.starts_at < :before"
        params["before"] = ends_before
    return list(db.query(sql + " ORDER BY m.starts_at", params))


def meeting_visible_to(db, person_id, meeting_id):
    """The meeting if this person may see it, else None."""
    rows = list(db.query(VISIBLE_MEETINGS + " AND m.id = :id", {"me": person_id, "id": meeting_id}))
    return rows[0] if rows else None


def meetings_for_set(db, learning_set_id):
    return list(
        db.query(
            "SELECT * FROM meetings WHERE learning_set_id = ? ORDER BY starts_at", [learning_set_id]
        )
    )


def meetings_for_programme(db, programme_id, kinds=None):
    sql = "SELECT * FROM meetings WHERE programme_id = ?"
    params = [programme_id]
    if kinds:
        sql += f" AND kind IN ({', '.join('?' for _ in kinds)})"
        params += list(kinds)
    return list(db.query(sql + " ORDER BY starts_at", params))


def set_member_ids(db, learning_set_id):
    """The participants in a learning set: the members of its pairs."""
    return [
        r["person_id"]
        for r in db.query(
            """SELECT DISTINCT pm.person_id FROM pair_members pm JOIN pairs p ON p.id = pm.pair_id
           WHERE p.learning_set_id = ? ORDER BY pm.person_id""",
            [learning_set_id],
        )
    ]


# Times


def to_utc(local, time_zone):
    """A naive local datetime in the programme's zone, as a UTC ISO string."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(time_zone))
    return local.astimezone(UTC).isoformat()


def to_local(utc_iso, time_zone):
    """A stored UTC ISO string as an aware datetime in the programme's zone."""
    return datetime.fromisoformat(utc_iso).astimezone(ZoneInfo(time_zone))


# Actions


def _check_times(prog, starts_local, ends_local):
    if ends_local <= starts_local:
        raise SchedulingError("The meeting ends before it starts.")
    if not prog["starts_on"] <= starts_local.date().isoformat() <= prog["ends_on"]:
        raise SchedulingError(
            f"The meeting is outside the programme's dates ({prog['starts_on']} to "
            f"{prog['ends_on']})."
        )


def _check_text(fields):
    bad = [k for k, v in fields.items() if has_control_characters(v)]
    if bad:
        raise SchedulingError(
            "Remove the control characters (such as NUL) from: " + ", ".join(bad) + "."
        )


def create_meeting(
    db, programme_id, kind, title, starts_local, ends_local, learning_set_id=None, **fields
):
    """Schedule one meeting from local (naive) start and end times; returns its id."""
    prog = programmes.programme(db, programme_id)
    if prog is None:
        raise SchedulingError("There is no such programme.")
    if kind not in MEETING_KINDS:
        raise SchedulingError(f"Meeting kind must be one of {', '.join(MEETING_KINDS)}.")
    if kind == "set_meeting" and not learning_set_id:
        raise SchedulingError("A set meeting belongs to a learning set.")
    if not (title or "").strip():
        raise SchedulingError("A meeting needs a title.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise SchedulingError(f"Unknown meeting fields: {', '.join(sorted(unknown))}.")
    _check_text({"title": title, **fields})
    _check_times(prog, starts_local, ends_local)
    stamp = now()
    with write(db):
        return (
            db["meetings"]
            .insert(
                {
                    "programme_id": programme_id,
                    "learning_set_id": learning_set_id,
                    "kind": kind,
                    "title": title.strip(),
                    "starts_at": to_utc(starts_local, prog["time_zone"]),
                    "ends_at": to_utc(ends_local, prog["time_zone"]),
                    "status": "scheduled",
                    # A stable UID: calendar clients match every later change to it.
                    "uid": f"{uuid.uuid4()}@actionlearning",
                    "sequence": 0,
                    "venue": fields.pop("venue", None) or prog["default_venue"] or "",
                    **fields,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            .last_pk
        )


def update_meeting(db, meeting_id, starts_local=None, ends_local=None, **fields):
    """Move, re-time or re-venue one meeting; every change bumps its SEQUENCE."""
    current = meeting(db, meeting_id)
    if current is None:
        raise SchedulingError("There is no such meeting.")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise SchedulingError(f"Unknown meeting fields: {', '.join(sorted(unknown))}.")
    _check_text(fields)
    changes = {k: v for k, v in fields.items() if v is not None}
    if "title" in changes and not changes["title"].strip():
        raise SchedulingError("A meeting needs a title.")
    zone = current["time_zone"]
    if starts_local or ends_local:
        start = starts_local or to_local(current["starts_at"], zone).replace(tzinfo=None)
        end = ends_local or to_local(current["ends_at"], zone).replace(tzinfo=None)
        _check_times(programmes.programme(db, current["programme_id"]), start, end)
        changes.update(starts_at=to_utc(start, zone), ends_at=to_utc(end, zone))
    changes = {k: v for k, v in changes.items() if current[k] != v}
    if not changes:
        return False
    with write(db):
        db["meetings"].update(meeting_id, {**changes, "updated_at": now()})
        db.execute("UPDATE meetings SET sequence = sequence + 1 WHERE id = ?", [meeting_id])
    return True


def cancel_meeting(db, meeting_id, reason):
    """Cancel one meeting with a reason; it stays listed, as cancelled."""
    if not (reason or "").strip():
        raise SchedulingError("Give a reason for cancelling, so members know why.")
    _check_text({"reason": reason})
    with write(db):
        changed = db.execute(
            """UPDATE meetings SET status = 'cancelled', cancel_reason = ?, updated_at = ?,
               sequence = sequence + 1 WHERE id = ? AND status != 'cancelled'""",
            [reason.strip(), now(), meeting_id],
        ).rowcount
    return bool(changed)


def reinstate_meeting(db, meeting_id):
    """Undo a cancellation."""
    with write(db):
        changed = db.execute(
            """UPDATE meetings SET status = 'scheduled', cancel_reason = '', updated_at = ?,
               sequence = sequence + 1 WHERE id = ? AND status = 'cancelled'""",
            [now(), meeting_id],
        ).rowcount
    return bool(changed)


bp = Blueprint("scheduling", __name__)
