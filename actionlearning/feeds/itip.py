"""Invitations (iTIP, RFC 5546): the feed's own VEVENT, sent to one person by e-mail."""

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress

from ..db import one
from . import PRODID, clean, meeting_event
from .timezones import vtimezone

# A meeting with its set's facilitator, who organises it (invitation_organiser).
INVITATION_MEETING = """SELECT m.*, g.time_zone, g.name AS programme_name,
  s.name AS learning_set_name, f.id AS facilitator_id, f.name AS facilitator_name,
  f.email AS facilitator_email
FROM meetings m JOIN programmes g ON g.id = m.programme_id
LEFT JOIN learning_sets s ON s.id = m.learning_set_id
LEFT JOIN people f ON f.id = s.facilitator_id AND f.is_active = 1
WHERE m.id = :id"""
LEFT_MEETING = "You are no longer expected at this meeting."


def invitation_meeting(db, meeting_id):
    """A meeting as invitation() needs it (programme zone, names, facilitator), or None."""
    return one(db, INVITATION_MEETING, {"id": meeting_id})


def invitation_organiser(row, attendee_id, mailbox):
    """Who an invitation comes from: a set meeting's facilitator, else the programme's mailbox.

    The facilitator's own copy comes from the mailbox too: a client shown an invitation
    whose organiser is the reader treats it as their own meeting and may not file it.
    mailbox: {name, email}.
    """
    if row["kind"] == "set_meeting" and row["facilitator_id"] not in (None, attendee_id):
        return {"name": row["facilitator_name"], "email": row["facilitator_email"]}
    return mailbox


def _address(person):
    return vCalAddress(f"mailto:{person['email']}")


def _display_name(name):
    # A parameter value cannot hold a double quote; RFC 6868's ^' escape for one is
    # shown as it is by Outlook and vobject, so it becomes an apostrophe.
    return clean(name).replace('"', "'")


def invitation(row, attendee, organiser, base_url, cancel=False, at=None):
    """One meeting as an iTIP message to one person, as iCalendar bytes.

    METHOD:REQUEST files the meeting in the person's calendar, or updates it there;
    METHOD:CANCEL, for a cancelled meeting or (cancel=True) one that no longer concerns them,
    takes it out. The VEVENT is the feeds' own, so UID, SEQUENCE, VTIMEZONE and summary are
    theirs and a client updates the one event it may also show from a feed.
    row: from invitation_meeting(); attendee and organiser: {name, email}; at: an aware
    datetime, the message's DTSTAMP (now when not given).
    """
    return addressed(invitation_for_all(row, organiser, base_url, cancel, at), attendee)


def invitation_for_all(row, organiser, base_url, cancel=False, at=None):
    """invitation() without its ATTENDEE, to be addressed() to each person.

    Serialising the calendar costs about 30 times as much as one ATTENDEE line, and all but
    that line is the same for everyone a meeting concerns: a seminar's 200 invitations
    serialise it once (bench/invitations.py, docs/benchmarks.md).
    """
    if cancel and row["status"] != "cancelled":  # for this person it is cancelled
        row = {**row, "status": "cancelled", "cancel_reason": LEFT_MEETING}
    cancel = row["status"] == "cancelled"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    calendar.add_component(vtimezone(row["time_zone"]))
    event = meeting_event(row, base_url, stamp=(at or datetime.now(UTC)).astimezone(UTC))
    event.add("organizer", _address(organiser), parameters={"CN": _display_name(organiser["name"])})
    calendar.add_component(event)
    return calendar.to_ical()


END_OF_EVENT = b"END:VEVENT\r\n"


def addressed(for_all, attendee):
    """An invitation_for_all() with the person as its ATTENDEE (RSVP=FALSE)."""
    event = Event()  # icalendar writes (escapes, quotes, folds) the line; it is moved over
    event.add(
        "attendee",
        _address(attendee),
        parameters={
            "CN": _display_name(attendee["name"]),
            "CUTYPE": "INDIVIDUAL",
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "FALSE",  # replies are not read: attendance is recorded on the meeting page
        },
    )
    line = event.to_ical().removeprefix(b"BEGIN:VEVENT\r\n").removesuffix(END_OF_EVENT)
    before, end, after = for_all.rpartition(END_OF_EVENT)
    return before + line + end + after


def meeting_invitation(db, meeting_id, person_id, base_url, mailbox, cancel=False, at=None):
    """The invitation to one meeting for one person (see invitation()), or None when either
    is missing."""
    row = invitation_meeting(db, meeting_id)
    person = one(db, "SELECT id, name, email FROM people WHERE id = ?", [person_id])
    if row is None or person is None:
        return None
    organiser = invitation_organiser(row, person_id, mailbox)
    return invitation(row, person, organiser, base_url, cancel, at)
