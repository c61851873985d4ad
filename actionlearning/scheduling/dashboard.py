"""Home-page summaries: a participant's schedule and a facilitator's view of their sets.

The facilitator dashboard reads meetings, attendance, presenter slots and action points
only; it never touches journal tables.
"""

from ..db import now, one, rows
from ..membership import (
    learning_sets_facilitated_by,
    learning_sets_of_member,
    members_of_learning_set,
)
from . import meetings_for_person
from .records import (
    action_points_closed_by_owner,
    open_action_points_for,
    unacknowledged_sets_for,
)

UPCOMING_LIMIT = 10


def upcoming_meetings_for(db, person_id, at=None, limit=UPCOMING_LIMIT):
    """The next meetings this person may see (cancelled ones too, marked), with their own
    attendance status and whether they are expected there (so may send apologies)."""
    upcoming = meetings_for_person(db, person_id, starts_after=at or now())[:limit]
    marks = {
        r["meeting_id"]: r["status"]
        for r in rows(
            db, "SELECT meeting_id, status FROM attendance WHERE person_id = ?", [person_id]
        )
    }
    members = _member_sets(db, person_id)
    result = []
    for row in upcoming:
        expected = row["kind"] != "set_meeting" or row["learning_set_id"] in members
        result.append({**row, "my_status": marks.get(row["id"], ""), "expected": expected})
    return result


def _member_sets(db, person_id):
    found = rows(db, learning_sets_of_member(), {"me": person_id})
    return {r["learning_set_id"] for r in found}


def my_schedule(db, person_id, at=None):
    """Everything a participant's home page shows."""
    return {
        "meetings": upcoming_meetings_for(db, person_id, at),
        "action_points": open_action_points_for(db, person_id),
        "closed_action_points": action_points_closed_by_owner(db, person_id),
        "ground_rules_due": unacknowledged_sets_for(db, person_id),
    }


def facilitator_dashboard(db, facilitator_id, at=None):
    """For each set this person facilitates: members' attendance rate and presenter turns,
    overdue action points and the next meeting."""
    at = at or now()
    sets = rows(
        db,
        f"SELECT * FROM learning_sets WHERE id IN ({learning_sets_facilitated_by()}) ORDER BY name",
        {"me": facilitator_id},
    )
    return [_set_summary(db, s, at) for s in sets]


def _set_summary(db, learning_set, at):
    set_id = learning_set["id"]
    held = one(
        db,
        """SELECT count(*) AS n FROM meetings WHERE learning_set_id = ? AND status = 'scheduled'
        AND starts_at <= ?""",
        [set_id, at],
    )["n"]
    members = _member_summaries(db, set_id, at, held)
    next_meeting = one(
        db,
        """SELECT m.*, g.time_zone FROM meetings m JOIN programmes g ON g.id = m.programme_id
        WHERE m.learning_set_id = ? AND m.status = 'scheduled' AND m.starts_at > ?
        ORDER BY m.starts_at LIMIT 1""",
        [set_id, at],
    )
    return {
        "learning_set": learning_set,
        "meetings_held": held,
        "members": members,
        "overdue": overdue_action_points(db, set_id, at),
        "next_meeting": next_meeting,
    }


HELD = "m.learning_set_id = :set AND m.status = 'scheduled' AND m.starts_at <= :at"


def _member_summaries(db, set_id, at, held):
    """Attendance and presenter turns of every member of a set, by name, in one query."""
    found = rows(
        db,
        f"""SELECT p.id AS person_id, p.name,
          (SELECT count(*) FROM attendance a JOIN meetings m ON m.id = a.meeting_id
           WHERE a.person_id = p.id AND {HELD} AND a.status = 'attended') AS attended,
          (SELECT count(*) FROM attendance a JOIN meetings m ON m.id = a.meeting_id
           WHERE a.person_id = p.id AND {HELD} AND a.status = 'apologies') AS apologies,
          (SELECT count(*) FROM presenter_slots s JOIN meetings m ON m.id = s.meeting_id
           WHERE s.person_id = p.id AND {HELD}) AS presenter_turns,
          (SELECT coalesce(sum(s.minutes), 0) FROM presenter_slots s
           JOIN meetings m ON m.id = s.meeting_id WHERE s.person_id = p.id AND {HELD})
           AS presenter_minutes
        FROM people p WHERE p.id IN ({members_of_learning_set(":set")})
        ORDER BY p.name, p.id""",
        {"set": set_id, "at": at},
    )
    for member in found:
        member["meetings_held"] = held
        member["attendance_rate"] = round(100 * member["attended"] / held) if held else None
    return found


def overdue_action_points(db, learning_set_id, at=None):
    """Unresolved action points that a later meeting of the set has already passed over:
    made (or last reviewed) at one meeting, and another meeting has been held since."""
    return rows(
        db,
        """SELECT a.*, p.name AS owner_name, m.starts_at AS made_at,
          (SELECT pr.time_zone FROM programmes pr WHERE pr.id = m.programme_id) AS time_zone
        FROM action_points a
            JOIN people p ON p.id = a.owner_id JOIN meetings m ON m.id = a.meeting_id
            LEFT JOIN meetings r ON r.id = a.reviewed_at_meeting_id
            WHERE m.learning_set_id = :set
              AND a.status IN ('open', 'in_progress', 'carried_forward')
              AND EXISTS (SELECT 1 FROM meetings later WHERE later.learning_set_id = :set
                          AND later.status = 'scheduled' AND later.starts_at <= :at
                          AND later.starts_at > coalesce(r.starts_at, m.starts_at))
            ORDER BY m.starts_at, a.id""",
        {"set": learning_set_id, "at": at or now()},
    )


def programme_dashboard(db, programme_id, at=None, limit=UPCOMING_LIMIT):
    """An organiser's view of one programme: the meetings ahead (cancelled ones marked) and,
    for each learning set, its facilitator, attendance across its held meetings, overdue
    action points and next meeting. Callers check that the person organises it."""
    at = at or now()
    ahead = rows(
        db,
        """SELECT m.*, g.time_zone, s.name AS learning_set_name FROM meetings m
            JOIN programmes g ON g.id = m.programme_id
            LEFT JOIN learning_sets s ON s.id = m.learning_set_id
            WHERE m.programme_id = ? AND m.ends_at > ? ORDER BY m.starts_at LIMIT ?""",
        [programme_id, at, limit],
    )
    sets = rows(
        db,
        """SELECT s.*, f.name AS facilitator_name FROM learning_sets s
            LEFT JOIN people f ON f.id = s.facilitator_id
            WHERE s.programme_id = ? ORDER BY s.name""",
        [programme_id],
    )
    summaries = []
    for learning_set in sets:
        summary = _set_summary(db, learning_set, at)
        expected = summary["meetings_held"] * len(summary["members"])
        attended = sum(m["attended"] for m in summary["members"])
        summaries.append(
            {
                **summary,
                "attended": attended,
                "apologies": sum(m["apologies"] for m in summary["members"]),
                "expected": expected,
                "attendance_rate": round(100 * attended / expected) if expected else None,
            }
        )
    return {"ahead": ahead, "learning_sets": summaries}
