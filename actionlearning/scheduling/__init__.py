"""Meetings: set meetings, seminars and the conference, stored in UTC with the programme's zone."""

import re
import uuid
from datetime import UTC
from zoneinfo import ZoneInfo

from .. import programmes
from ..db import now, one, rows, write
from ..errors import FieldError
from ..membership import (
    learning_sets_facilitated_by,
    learning_sets_of,
    members_of_learning_set,
    programmes_of,
    programmes_organised_by,
)
from ..text import has_control_characters, has_line_controls, rendered
from ..times import long_day_text, to_local, to_utc

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


class SchedulingError(FieldError):
    """A scheduling change that cannot be made; the message says why, `field` which input
    (the meeting form's names: title, on, start_time, end_time, venue, online_link...)."""


# Queries

# Every meeting row carries its programme's time zone, so pages and messages show its times
# without asking the database again (one programme lookup per row, before).
MEETING_COLUMNS = (
    "m.*, (SELECT z.time_zone FROM programmes z WHERE z.id = m.programme_id) AS time_zone"
)

# Meetings a person may see: their sets' meetings (as member of a pair in the set or as its
# facilitator) and every seminar and conference of their programmes. Organisers of a
# programme see all its meetings.
VISIBLE_MEETINGS = f"""
SELECT {MEETING_COLUMNS} FROM meetings m
WHERE m.id IN (
  -- the seminars and conference of every programme the person is in
  SELECT s.id FROM meetings s
  WHERE s.programme_id IN ({programmes_of()}) AND s.kind IN ('seminar', 'conference')
  UNION ALL
  -- every set meeting of the programmes they organise
  SELECT s.id FROM meetings s
  WHERE s.programme_id IN ({programmes_organised_by()}) AND s.kind = 'set_meeting'
  UNION ALL
  -- the meetings of the sets they facilitate or belong to through their pair
  SELECT s.id FROM meetings s
  WHERE s.learning_set_id IN ({learning_sets_of()})
    AND +s.programme_id IN ({programmes_of()}))
"""
# Written as three index lookups rather than a filter over every meeting of the person's
# programmes: a calendar's poll runs this, and a programme holds every set's meetings.
# The unary + in "+s.programme_id" keeps SQLite on the learning_set_id index there.


def meeting(db, meeting_id):
    """One meeting with its programme's time zone and set name, or None."""
    return one(
        db,
        """SELECT m.*, g.time_zone, g.name AS programme_name, s.name AS learning_set_name
           FROM meetings m JOIN programmes g ON g.id = m.programme_id
           LEFT JOIN learning_sets s ON s.id = m.learning_set_id WHERE m.id = ?""",
        [meeting_id],
    )


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
    return rows(db, sql + " ORDER BY m.starts_at", params)


def meeting_visible_to(db, person_id, meeting_id):
    """The meeting if this person may see it, else None."""
    return one(db, VISIBLE_MEETINGS + " AND m.id = :id", {"me": person_id, "id": meeting_id})


def meetings_for_set(db, learning_set_id):
    return rows(
        db,
        f"SELECT {MEETING_COLUMNS} FROM meetings m WHERE learning_set_id = ? ORDER BY starts_at",
        [learning_set_id],
    )


def meetings_for_programme(db, programme_id, kinds=None):
    """A programme's meetings, earliest first, each with its set's name (None for others)."""
    sql = f"""SELECT {MEETING_COLUMNS}, s.name AS learning_set_name FROM meetings m
        LEFT JOIN learning_sets s ON s.id = m.learning_set_id WHERE m.programme_id = ?"""
    params = [programme_id]
    if kinds:
        sql += f" AND m.kind IN ({', '.join('?' for _ in kinds)})"
        params += list(kinds)
    return rows(db, sql + " ORDER BY m.starts_at", params)


def set_member_ids(db, learning_set_id):
    """The participants in a learning set: the members of its pairs."""
    found = rows(
        db,
        f"SELECT DISTINCT person_id FROM ({members_of_learning_set(':set')}) ORDER BY person_id",
        {"set": learning_set_id},
    )
    return [r["person_id"] for r in found]


# Actions


def local_time_fault(local, time_zone):
    """None, 'missing' (skipped when the clocks go forward) or 'twice' (the hour the clocks
    go back repeats): a naive local time means nothing exact in the last two cases.

    An aware time already says which of the two it is (its fold), so only 'missing' applies.
    """
    zone = ZoneInfo(time_zone)
    wall = local.replace(tzinfo=None)
    first = wall.replace(tzinfo=zone, fold=local.fold if local.tzinfo else 0)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        return "missing"
    if local.tzinfo is None and first.utcoffset() != wall.replace(tzinfo=zone, fold=1).utcoffset():
        return "twice"
    return None


def check_local_time(local, time_zone, field):
    """Refuse a local time that does not exist, or happens twice and was not disambiguated."""
    fault = local_time_fault(local, time_zone)
    when = f"{local:%H:%M} on {long_day_text(local)}"
    if fault == "missing":
        raise SchedulingError(
            f"{when} does not exist in {time_zone}: the clocks go forward that night and skip "
            "that hour. Choose another time.",
            field,
        )
    if fault == "twice":
        raise SchedulingError(
            f"{when} happens twice in {time_zone}: the clocks go back that night. "
            "Choose the first or the second.",
            field,
        )


def _check_times(prog, starts_local, ends_local):
    check_local_time(starts_local, prog["time_zone"], "start_time")
    check_local_time(ends_local, prog["time_zone"], "end_time")
    # Compared as instants: 01:30 BST to 01:15 GMT on the night the clocks go back is 45 min.
    if to_utc(ends_local, prog["time_zone"]) <= to_utc(starts_local, prog["time_zone"]):
        raise SchedulingError(
            "The meeting ends before it starts: it must end after it starts.", "end_time"
        )


MULTI_LINE_FIELDS = ("description", "agenda", "cancel_reason")


def _check_text(fields):
    bad = [
        k
        for k, v in fields.items()
        if (has_control_characters(v) if k in MULTI_LINE_FIELDS else has_line_controls(v))
    ]
    if bad:
        raise SchedulingError(
            "Remove the control characters (such as NUL) and direction marks from: "
            + ", ".join(bad)
            + ".",
            bad[0],
        )
    link = (fields.get("online_link") or "").strip()
    # Shown as a link on the meeting page and in feeds: a javascript: or data: URL is an attack.
    if link and not re.fullmatch(r"https?://[^\s<>\"']+", link, re.IGNORECASE):
        raise SchedulingError(
            "The online link must be a web address starting https:// or http://.", "online_link"
        )


def meeting_row(
    db, programme_id, kind, title, starts_local, ends_local, learning_set_id=None, **fields
):
    """Check a meeting and build its new row (no write); raises SchedulingError."""
    prog = programmes.programme(db, programme_id)
    if prog is None:
        raise SchedulingError("There is no such programme.")
    if kind not in MEETING_KINDS:
        raise SchedulingError(f"Meeting kind must be one of {', '.join(MEETING_KINDS)}.")
    if kind == "set_meeting" and not learning_set_id:
        raise SchedulingError("A set meeting belongs to a learning set.")
    if not (title or "").strip():
        raise SchedulingError("A meeting needs a title.", "title")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise SchedulingError(f"Unknown meeting fields: {', '.join(sorted(unknown))}.")
    _check_text({"title": title, **fields})
    _check_times(prog, starts_local, ends_local)
    fields = {k: v for k, v in fields.items() if v is not None}
    stamp = now()
    return {
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
        **fields,
        "venue": fields.get("venue") or prog["default_venue"] or "",
        "agenda_html": rendered(fields["agenda"], SchedulingError) if fields.get("agenda") else "",
        "created_at": stamp,
        "updated_at": stamp,
    }


def create_meeting(
    db, programme_id, kind, title, starts_local, ends_local, learning_set_id=None, **fields
):
    """Schedule one meeting from local (naive) start and end times; returns its id."""
    row = meeting_row(
        db, programme_id, kind, title, starts_local, ends_local, learning_set_id, **fields
    )
    with write(db):
        return db["meetings"].insert(row).last_pk


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
        raise SchedulingError("A meeting needs a title.", "title")
    zone = current["time_zone"]
    if starts_local or ends_local:
        start = starts_local or to_local(current["starts_at"], zone).replace(tzinfo=None)
        end = ends_local or to_local(current["ends_at"], zone).replace(tzinfo=None)
        _check_times(programmes.programme(db, current["programme_id"]), start, end)
        changes.update(starts_at=to_utc(start, zone), ends_at=to_utc(end, zone))
    if "agenda" in changes:
        changes["agenda_html"] = rendered(changes["agenda"], SchedulingError)
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
        raise SchedulingError("Give a reason for cancelling, so members know why.", "reason")
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


# Who may change a meeting


# Who manages a set's meetings: its facilitator, or an organiser of its programme.
MANAGED_LEARNING_SETS = f"""SELECT ms.id FROM learning_sets ms
WHERE ms.id IN ({learning_sets_facilitated_by()})
   OR ms.programme_id IN ({programmes_organised_by()})"""


def can_manage_learning_set(db, person_id, learning_set_id):
    """The set's facilitator or an organiser of its programme."""
    managed = one(
        db,
        f"SELECT 1 FROM ({MANAGED_LEARNING_SETS}) WHERE id = :set",
        {"me": person_id, "set": learning_set_id},
    )
    return managed is not None


def can_manage_meeting(db, person_id, row):
    """Organisers of the programme manage every meeting; a facilitator manages their set's."""
    if programmes.organised_programme(db, person_id, row["programme_id"]):
        return True
    if row["kind"] != "set_meeting" or not row["learning_set_id"]:
        return False
    return can_manage_learning_set(db, person_id, row["learning_set_id"])


# Who a meeting concerns: everyone expected there, invited to it and told when it changes. A
# set meeting's facilitator and the members of the set's pairs; a seminar's or the
# conference's whole programme. Only people in the programme: the rest could not open the
# meeting (VISIBLE_MEETINGS), so it concerns no one outside it. Keyed by kind, programme and
# set rather than a meeting id, so that a meeting not yet saved (a series preview) has
# people too.
MEETING_PEOPLE = f"""
SELECT pm.person_id FROM programme_members pm
WHERE pm.programme_id = :programme AND (
  :kind != 'set_meeting'
  OR pm.person_id = (SELECT facilitator_id FROM learning_sets WHERE id = :learning_set)
  OR pm.person_id IN ({members_of_learning_set(":learning_set")}))
"""


def meeting_people(db, row):
    """Ids of everyone a meeting (a row, or a dict with its kind, programme and set) concerns."""
    params = {
        "programme": row["programme_id"],
        "kind": row["kind"],
        "learning_set": row.get("learning_set_id"),
    }
    return {r[0] for r in db.execute(MEETING_PEOPLE, params)}
