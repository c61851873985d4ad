"""What happens at a meeting: attendance, presenter slots, action points and their review,
and each set's ground rules with who has agreed to them."""

from ..db import now, one, rows, write
from ..membership import learning_sets_of_member, organisers_of
from ..text import has_control_characters
from . import SchedulingError, meeting, meeting_people, set_member_ids

ATTENDANCE_STATUSES = {"attended": "Attended", "apologies": "Apologies", "absent": "Absent"}
ACTION_STATUSES = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
    "carried_forward": "Carried forward",
}
UNRESOLVED = ("open", "in_progress", "carried_forward")  # these come back at the next meeting
# What an owner may set between meetings; carried forward is the set's decision at a review.
OWNER_STATUSES = ("in_progress", "done", "dropped")
MAX_PRESENTER_MINUTES = 180


def _meeting_or_fail(db, meeting_id):
    row = meeting(db, meeting_id)
    if row is None:
        raise SchedulingError("There is no such meeting.")
    return row


def _expected(db, row):
    """The people whose attendance is recorded: set members, or everyone but organisers."""
    if row["kind"] == "set_meeting":
        return set(set_member_ids(db, row["learning_set_id"]))
    organisers = rows(db, organisers_of(":programme"), {"programme": row["programme_id"]})
    return meeting_people(db, row) - {r["person_id"] for r in organisers}


# Attendance


def attendance_for_meeting(db, meeting_id):
    """Everyone expected at the meeting with their status ('' when not recorded), by name."""
    row = _meeting_or_fail(db, meeting_id)
    ids = sorted(_expected(db, row))
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return rows(
        db,
        f"""SELECT p.id AS person_id, p.name, coalesce(a.status, '') AS status
            FROM people p LEFT JOIN attendance a ON a.person_id = p.id AND a.meeting_id = ?
            WHERE p.id IN ({marks}) ORDER BY p.name""",
        [meeting_id, *ids],
    )


def record_attendance(db, meeting_id, statuses, at=None):
    """Record attended/apologies/absent for several people ({person_id: status}); '' clears."""
    row = _meeting_or_fail(db, meeting_id)
    if row["status"] == "cancelled":
        raise SchedulingError("This meeting was cancelled; there is no attendance to record.")
    expected = _expected(db, row)
    for person_id, status in statuses.items():
        if status and status not in ATTENDANCE_STATUSES:
            raise SchedulingError(f"Attendance must be one of {', '.join(ATTENDANCE_STATUSES)}.")
        if person_id not in expected:
            raise SchedulingError("Attendance is recorded only for the meeting's members.")
        if status in ("attended", "absent") and row["starts_at"] > (at or now()):
            raise SchedulingError("Attended and absent can be recorded once the meeting starts.")
    stamp = now()
    with write(db):
        for person_id, status in statuses.items():
            if status:
                db["attendance"].upsert(
                    {
                        "meeting_id": meeting_id,
                        "person_id": person_id,
                        "status": status,
                        "recorded_at": stamp,
                    },
                    pk=("meeting_id", "person_id"),
                )
            else:
                db.execute(
                    "DELETE FROM attendance WHERE meeting_id = ? AND person_id = ?",
                    [meeting_id, person_id],
                )


def send_apologies(db, meeting_id, person_id, at=None):
    """A member says in advance that they cannot come."""
    row = _meeting_or_fail(db, meeting_id)
    if row["status"] == "cancelled":
        raise SchedulingError("This meeting was cancelled, so no apologies are needed.")
    if row["starts_at"] <= (at or now()):
        raise SchedulingError("Apologies can be sent only before the meeting starts.")
    if person_id not in _expected(db, row):
        raise SchedulingError("You are not a member of this meeting.")
    with write(db):
        db["attendance"].upsert(
            {
                "meeting_id": meeting_id,
                "person_id": person_id,
                "status": "apologies",
                "recorded_at": now(),
            },
            pk=("meeting_id", "person_id"),
        )


# Presenter slots


def presenter_slots(db, meeting_id):
    return rows(
        db,
        """SELECT s.*, p.name FROM presenter_slots s JOIN people p ON p.id = s.person_id
            WHERE s.meeting_id = ? ORDER BY s.id""",
        [meeting_id],
    )


def add_presenter_slot(db, meeting_id, person_id, minutes):
    """Give a set member protected time to present at a set meeting; returns the slot id."""
    row = _meeting_or_fail(db, meeting_id)
    if row["kind"] != "set_meeting":
        raise SchedulingError("Presenter slots belong to set meetings.")
    if person_id not in set_member_ids(db, row["learning_set_id"]):
        raise SchedulingError("The presenter must be a member of this set.")
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_PRESENTER_MINUTES:
        raise SchedulingError(f"A slot lasts 1 to {MAX_PRESENTER_MINUTES} minutes.")
    with write(db):
        return (
            db["presenter_slots"]
            .insert({"meeting_id": meeting_id, "person_id": person_id, "minutes": minutes})
            .last_pk
        )


def remove_presenter_slot(db, meeting_id, slot_id):
    with write(db):
        db.execute(
            "DELETE FROM presenter_slots WHERE id = ? AND meeting_id = ?", [slot_id, meeting_id]
        )


# Action points


def add_action_point(db, meeting_id, owner_id, text):
    """A commitment made at a set meeting by one of its members; returns its id."""
    row = _meeting_or_fail(db, meeting_id)
    if row["kind"] != "set_meeting":
        raise SchedulingError("Action points are made at set meetings.")
    if owner_id not in set_member_ids(db, row["learning_set_id"]):
        raise SchedulingError("The owner of an action point must be a member of this set.")
    text = (text or "").strip()
    if not text:
        raise SchedulingError("Write what the action point is.")
    if has_control_characters(text):
        raise SchedulingError("Remove the control characters (such as NUL) from the text.")
    stamp = now()
    with write(db):
        return (
            db["action_points"]
            .insert(
                {
                    "meeting_id": meeting_id,
                    "owner_id": owner_id,
                    "text": text,
                    "status": "open",
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            .last_pk
        )


# With the programme's zone, so that pages show made_at without a query of their own.
ACTION_POINT_COLUMNS = """a.*, p.name AS owner_name, m.starts_at AS made_at,
    m.learning_set_id, m.title AS meeting_title,
    (SELECT pr.time_zone FROM programmes pr WHERE pr.id = m.programme_id) AS time_zone"""


def action_points_made_at(db, meeting_id):
    return rows(
        db,
        f"""SELECT {ACTION_POINT_COLUMNS} FROM action_points a
            JOIN people p ON p.id = a.owner_id JOIN meetings m ON m.id = a.meeting_id
            WHERE a.meeting_id = ? ORDER BY a.id""",
        [meeting_id],
    )


def action_points_to_review(db, meeting_id):
    """The set's earlier action points due at this meeting: those still unresolved (open, in
    progress, carried forward) or closed by their owner since the last review, and those
    already reviewed at it."""
    return rows(
        db,
        f"""SELECT {ACTION_POINT_COLUMNS} FROM action_points a
            JOIN people p ON p.id = a.owner_id JOIN meetings m ON m.id = a.meeting_id
            JOIN meetings here ON here.id = :meeting
            LEFT JOIN meetings reviewed ON reviewed.id = a.reviewed_at_meeting_id
            WHERE m.learning_set_id = here.learning_set_id AND m.starts_at < here.starts_at
              AND (a.reviewed_at_meeting_id = here.id
                   OR ((a.status IN ('open', 'in_progress', 'carried_forward')
                        OR a.owner_updated_at IS NOT NULL)
                       AND (reviewed.id IS NULL OR reviewed.starts_at < here.starts_at)))
            ORDER BY m.starts_at, a.id""",
        {"meeting": meeting_id},
    )


def review_action_point(db, action_point_id, status, meeting_id):
    """Record an action point's status as reviewed at a later meeting of the same set."""
    if status not in ACTION_STATUSES or status == "open":
        raise SchedulingError("Review as done, in progress, dropped or carried forward.")
    due = {a["id"] for a in action_points_to_review(db, meeting_id)}
    if action_point_id not in due:
        raise SchedulingError("That action point is not due for review at this meeting.")
    with write(db):
        db["action_points"].update(
            action_point_id,
            {
                "status": status,
                "reviewed_at_meeting_id": meeting_id,
                "updated_at": now(),
                "owner_updated_at": None,  # the set's review now stands, not the owner's tick
            },
        )


def own_action_point(db, person_id, action_point_id):
    """The action point if this person owns it, else None."""
    return one(
        db,
        f"""SELECT {ACTION_POINT_COLUMNS} FROM action_points a
            JOIN people p ON p.id = a.owner_id JOIN meetings m ON m.id = a.meeting_id
            WHERE a.id = ? AND a.owner_id = ?""",
        [action_point_id, person_id],
    )


def update_own_action_point(db, person_id, action_point_id, status):
    """The owner marks their action point in progress, done or dropped between meetings, or
    reopens one they closed themselves that has not been reviewed since; the facilitator
    still reviews it at the next meeting. Returns False when it already had that status."""
    if status not in (*OWNER_STATUSES, "open"):
        raise SchedulingError("Mark an action point in progress, done or dropped, or reopen it.")
    with write(db):  # read and change under one lock, so a review cannot slip in between
        point = own_action_point(db, person_id, action_point_id)
        if point is None:
            raise SchedulingError("That is not one of your action points.")
        if point["status"] == status:
            return False
        if point["status"] in ("done", "dropped") and point["owner_updated_at"] is None:
            label = ACTION_STATUSES[point["status"]].lower()
            raise SchedulingError(f"Your set has reviewed this action point as {label}.")
        if status == "open" and point["owner_updated_at"] is None:
            raise SchedulingError("Only an action point you changed yourself can be reopened.")
        stamp = now()
        db.execute(
            """UPDATE action_points SET status = ?, owner_updated_at = ?, updated_at = ?
            WHERE id = ? AND owner_id = ?""",
            [status, stamp, stamp, action_point_id, person_id],
        )
    return True


def action_points_closed_by_owner(db, person_id):
    """A person's action points they marked done or dropped themselves, not yet reviewed."""
    return rows(
        db,
        f"""SELECT {ACTION_POINT_COLUMNS}, s.name AS learning_set_name FROM action_points a
            JOIN people p ON p.id = a.owner_id JOIN meetings m ON m.id = a.meeting_id
            LEFT JOIN learning_sets s ON s.id = m.learning_set_id
            WHERE a.owner_id = ? AND a.status IN ('done', 'dropped')
              AND a.owner_updated_at IS NOT NULL
            ORDER BY a.owner_updated_at DESC, a.id""",
        [person_id],
    )


def open_action_points_for(db, person_id):
    """A person's own unresolved action points, oldest first."""
    marks = ", ".join(f"'{s}'" for s in UNRESOLVED)
    return rows(
        db,
        f"""SELECT {ACTION_POINT_COLUMNS}, s.name AS learning_set_name FROM action_points a
            JOIN people p ON p.id = a.owner_id JOIN meetings m ON m.id = a.meeting_id
            LEFT JOIN learning_sets s ON s.id = m.learning_set_id
            WHERE a.owner_id = ? AND a.status IN ({marks}) ORDER BY m.starts_at, a.id""",
        [person_id],
    )


# Ground rules


def has_acknowledged(db, learning_set_id, person_id):
    found = one(
        db,
        """SELECT 1 FROM ground_rule_acknowledgements
        WHERE learning_set_id = ? AND person_id = ?""",
        [learning_set_id, person_id],
    )
    return found is not None


def acknowledge_ground_rules(db, learning_set_id, person_id):
    """A member agrees to their set's ground rules (once; agreeing again changes nothing)."""
    if person_id not in set_member_ids(db, learning_set_id):
        raise SchedulingError("Only the set's members agree to its ground rules.")
    with write(db):
        db["ground_rule_acknowledgements"].insert(
            {"learning_set_id": learning_set_id, "person_id": person_id, "acknowledged_at": now()},
            pk=("learning_set_id", "person_id"),
            ignore=True,
        )


def ground_rule_acknowledgements(db, learning_set_id):
    """Each member of the set with when they agreed to the ground rules (None if not yet)."""
    ids = set_member_ids(db, learning_set_id)
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return rows(
        db,
        f"""SELECT p.id AS person_id, p.name, g.acknowledged_at FROM people p
            LEFT JOIN ground_rule_acknowledgements g
              ON g.person_id = p.id AND g.learning_set_id = ?
            WHERE p.id IN ({marks}) ORDER BY p.name""",
        [learning_set_id, *ids],
    )


def unacknowledged_sets_for(db, person_id):
    """The sets whose ground rules this member has not agreed to yet."""
    return rows(
        db,
        f"""SELECT s.* FROM learning_sets s WHERE s.id IN ({learning_sets_of_member()})
            AND NOT EXISTS (SELECT 1 FROM ground_rule_acknowledgements g
                            WHERE g.learning_set_id = s.id AND g.person_id = :me)
            ORDER BY s.name""",
        {"me": person_id},
    )


def meeting_record(db, meeting_id, person_id):
    """Everything the meeting page shows to this person (who may see the meeting)."""
    from . import can_manage_meeting
    from .checks import clashes

    row = meeting(db, meeting_id)
    manages = can_manage_meeting(db, person_id, row)
    page = {
        "meeting": row,
        "can_manage": manages,
        "is_past": row["starts_at"] <= now(),
        "presenters": presenter_slots(db, meeting_id),
        "clashes": clashes(db, row, exclude_meeting_id=meeting_id) if manages else [],
        "attendance": attendance_for_meeting(db, meeting_id),
        "action_points": [],
        "to_review": [],
        "learning_set": None,
        "ground_rules_agreed": True,
        "acknowledgements": [],
    }
    mine = [a for a in page["attendance"] if a["person_id"] == person_id]
    page["my_status"] = mine[0]["status"] if mine else None
    if not manages:  # members see only their own attendance line
        page["attendance"] = mine
    if row["kind"] == "set_meeting":
        set_id = row["learning_set_id"]
        page["learning_set"] = db["learning_sets"].get(set_id)
        page["action_points"] = action_points_made_at(db, meeting_id)
        page["to_review"] = action_points_to_review(db, meeting_id)
        page["members"] = ground_rule_acknowledgements(db, set_id)
        if person_id in set_member_ids(db, set_id):
            page["ground_rules_agreed"] = has_acknowledged(db, set_id, person_id)
        if manages:
            page["acknowledgements"] = page["members"]
    return page
