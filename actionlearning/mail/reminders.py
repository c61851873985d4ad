"""Reminders and nudges, queued by the sender on each pass (queue_due), each at most once.

- A reminder, REMINDER_DAYS (default 3) before each set meeting, to each member expected
  there: the meeting, their open action points and their presenter slot.
- To the facilitator, a day before a set meeting: who has sent apologies so far.
- After a set meeting someone attended: an invitation to reflect, linking to a new journal
  entry tied to that meeting (not when they have written one already).

mail_reminders records what was queued, in the same write, so a pass that runs twice (two
senders, a crash, a clock that stands still in a test) never queues one twice. A kind the
person has turned off is recorded too and simply not sent. It records the start time each
reminder and briefing was for: a meeting moved after them (its invitation has told people)
is reminded again when its new time falls in the window, so no one is left with only a
reminder of the old time.
"""

import json
from datetime import timedelta

from .. import feeds, scheduling
from ..db import rows, write
from ..scheduling import records
from ..times import meeting_when
from . import MailError, queue_message
from .invitations import bodies

DEFAULT_REMINDER_DAYS = 3
BRIEFING_BEFORE = timedelta(days=1)
NUDGE_WITHIN = timedelta(days=7)  # a nudge for an older meeting would be noise

# Set meetings ahead, starting within a window, with what a message needs to name them.
MEETINGS_STARTING = """SELECT m.*, g.time_zone, g.name AS programme_name,
  s.name AS learning_set_name, s.facilitator_id
FROM meetings m JOIN programmes g ON g.id = m.programme_id
JOIN learning_sets s ON s.id = m.learning_set_id
WHERE m.kind = 'set_meeting' AND m.status = 'scheduled'
  AND m.starts_at > :at AND m.starts_at <= :until
ORDER BY m.starts_at, m.id"""
# Who attended a set meeting that ended in the window and has not written about it yet.
ATTENDED_NOT_REFLECTED = """SELECT m.*, g.time_zone, g.name AS programme_name,
  s.name AS learning_set_name, a.person_id
FROM meetings m JOIN programmes g ON g.id = m.programme_id
JOIN learning_sets s ON s.id = m.learning_set_id
JOIN attendance a ON a.meeting_id = m.id AND a.status = 'attended'
WHERE m.kind = 'set_meeting' AND m.status = 'scheduled'
  AND m.ends_at <= :at AND m.ends_at > :since
  AND NOT EXISTS (SELECT 1 FROM journal_entries e
                  WHERE e.meeting_id = m.id AND e.author_id = a.person_id)
ORDER BY m.ends_at, m.id, a.person_id"""
ALREADY_QUEUED = """SELECT meeting_id, person_id, starts_at FROM mail_reminders
WHERE kind = :kind AND meeting_id IN (SELECT value FROM json_each(:ids))"""
# Kinds about a meeting ahead, sent again for its new time when it moves; a nudge is about a
# meeting that has happened, once.
AGAIN_WHEN_MOVED = ("reminder", "facilitator_briefing")
RECORD = """INSERT INTO mail_reminders (kind, meeting_id, person_id, queued_at, starts_at)
VALUES (:kind, :meeting_id, :person_id, :queued_at, :starts_at)
ON CONFLICT (kind, meeting_id, person_id) DO UPDATE SET
  queued_at = excluded.queued_at, starts_at = excluded.starts_at"""


def queue_due(db, base_url, at, reminder_days=DEFAULT_REMINDER_DAYS):
    """Queue every reminder, briefing and nudge due at `at` (an aware datetime) that has not
    been queued before; returns how many were recorded."""
    with write(db):
        due = [
            *_reminders(db, at, reminder_days),
            *_briefings(db, at),
            *_nudges(db, at),
        ]
        sent = {kind: _already_queued(db, kind, due) for kind in {d[0] for d in due}}
        fresh = [d for d in due if not _sent_for(sent[d[0]], *d)]
        for kind, meeting, person_id in fresh:
            text, html = BODIES[kind](db, meeting, person_id, base_url)
            subject = f"{SUBJECTS[kind]}: {feeds.clean(meeting['title'])}, "
            subject += meeting_when(meeting, short=True)
            try:
                queue_message(
                    db,
                    person_id=person_id,
                    kind=kind,
                    subject=subject,
                    text=text,
                    html=html,
                    programme_id=meeting["programme_id"],
                )
            except MailError:  # an address stored before addresses were checked
                pass  # skipped and recorded: one bad address must not stop every reminder
            record = {"kind": kind, "meeting_id": meeting["id"], "person_id": person_id}
            db.execute(
                RECORD, {**record, "queued_at": at.isoformat(), "starts_at": meeting["starts_at"]}
            )
        return len(fresh)


def _sent_for(sent, kind, meeting, person_id):
    """Whether this was queued already: for this meeting and person, and for a reminder or
    briefing, for the meeting's present start."""
    key = (meeting["id"], person_id)
    if key not in sent:
        return False
    return kind not in AGAIN_WHEN_MOVED or sent[key] == meeting["starts_at"]


def _window(db, sql, at, **params):
    return rows(db, sql, {"at": at.isoformat(), **{k: v.isoformat() for k, v in params.items()}})


def _reminders(db, at, days):
    for meeting in _window(db, MEETINGS_STARTING, at, until=at + timedelta(days=days)):
        apologies = {
            a["person_id"]
            for a in records.attendance_for_meeting(db, meeting["id"])
            if a["status"] == "apologies"
        }
        people = scheduling.meeting_people(db, meeting) - {meeting["facilitator_id"]} - apologies
        yield from (("reminder", meeting, person_id) for person_id in sorted(people))


def _briefings(db, at):
    for meeting in _window(db, MEETINGS_STARTING, at, until=at + BRIEFING_BEFORE):
        if meeting["facilitator_id"]:
            yield "facilitator_briefing", meeting, meeting["facilitator_id"]


def _nudges(db, at):
    for row in _window(db, ATTENDED_NOT_REFLECTED, at, since=at - NUDGE_WITHIN):
        yield "nudge", row, row["person_id"]


def _already_queued(db, kind, due):
    ids = json.dumps(sorted({meeting["id"] for k, meeting, _p in due if k == kind}))
    return {
        (r["meeting_id"], r["person_id"]): r["starts_at"]
        for r in rows(db, ALREADY_QUEUED, {"kind": kind, "ids": ids})
    }


# What each message says: the meeting's logistics and the reader's own part in it, never
# journal text.


def _meeting_lines(meeting, base_url):
    page_url = f"{base_url}/meetings/{meeting['id']}"
    details = feeds.meeting_description(meeting, page_url).split("\n")
    return [feeds.clean(meeting["title"]), f"When: {meeting_when(meeting)}", *details]


def _reminder(db, meeting, person_id, base_url):
    points = [
        f"- {feeds.clean(p['text'])}"
        for p in records.open_action_points_for(db, person_id)
        if p["learning_set_id"] == meeting["learning_set_id"]
    ]
    slots = [s for s in records.presenter_slots(db, meeting["id"]) if s["person_id"] == person_id]
    mine = [
        f"You have a {slot['minutes']}-minute presenter slot at this meeting." for slot in slots
    ] or ["You have no presenter slot at this meeting."]
    paragraphs = [
        ["Your set meets soon."],
        _meeting_lines(meeting, base_url),
        mine,
        ["Your open action points:", *points] if points else ["You have no open action points."],
    ]
    return bodies(paragraphs)


def _briefing(db, meeting, _person_id, base_url):
    expected = records.attendance_for_meeting(db, meeting["id"])
    apologies = [feeds.clean(a["name"]) for a in expected if a["status"] == "apologies"]
    coming = len(expected) - len(apologies)
    paragraphs = [
        ["A set you facilitate meets tomorrow."],
        _meeting_lines(meeting, base_url),
        [
            f"Apologies so far ({len(apologies)}): {', '.join(apologies) or 'none'}.",
            f"Expected: {coming} of {len(expected)} members.",
            f"Attendance and action points: {base_url}/meetings/{meeting['id']}",
        ],
    ]
    return bodies(paragraphs)


def _nudge(_db, meeting, _person_id, base_url):
    paragraphs = [
        [
            "Thank you for coming to your set meeting. A few lines while it is fresh help you and "
            "your pair later, in the case study."
        ],
        [feeds.clean(meeting["title"]), f"When: {meeting_when(meeting)}"],
        [f"Write a reflection on it: {base_url}/journal/new?meeting_id={meeting['id']}"],
    ]
    return bodies(paragraphs)


BODIES = {"reminder": _reminder, "facilitator_briefing": _briefing, "nudge": _nudge}
SUBJECTS = {
    "reminder": "Reminder",
    "facilitator_briefing": "Tomorrow",
    "nudge": "Reflect on",
}
