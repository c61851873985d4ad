"""Meeting invitations by e-mail: each change to a meeting, or to who a meeting concerns, sends
one iTIP message (feeds.itip.invitation) to each person it changes something for.

A change is found by comparing, for the meetings it may touch, each meeting's SEQUENCE,
status and people (scheduling.meeting_people) before and after it, so one rule serves every
action: a meeting moved, re-timed, re-venued, cancelled, reinstated or scheduled (one message
per meeting of a new series: iTIP carries one event a message), a pair joining or leaving a
set, a set's facilitator changing.

The change's own write records, per meeting, one fan-out row: who the change concerns and why
(invitation_fanouts). Writing 200 messages (a seminar in a 200-person programme) took ten times
as long as the request itself, so the sender does it (expand_due), outside any request: each
person's message built and queued as its own outbox row, so delivery, retries and the
organisers' outbox page stay per person. Further edits to the meeting within
ACTIONLEARNING_MAIL_DELAY_SECONDS merge into the waiting row, and its messages carry the
meeting as it then is: several edits send one message, the latest. Someone who left in
between keeps their CANCEL: the row names them as the change found them.

Logistics only: the meeting's title, time in the programme's zone, place, speaker and link,
never journal text.
"""

import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from markupsafe import escape

from .. import feeds, scheduling
from ..db import now, one, rows, write
from ..feeds import itip
from ..membership import programmes_organised_by
from ..times import meeting_when
from . import MailError, queue_message

# The meetings a change may touch that still lie ahead: in a programme, in several (an
# import), or one meeting.
PROGRAMME_MEETINGS = "SELECT id FROM meetings WHERE programme_id = :scope AND ends_at > :now"
PROGRAMMES_MEETINGS = """SELECT id FROM meetings WHERE ends_at > :now
AND programme_id IN (SELECT value FROM json_each(:scope))"""
ONE_MEETING = "SELECT id FROM meetings WHERE id = :scope AND ends_at > :now"
MEETING_STATES = """SELECT id, programme_id, learning_set_id, kind, sequence, status
FROM meetings WHERE id IN (SELECT value FROM json_each(:ids))"""
PEOPLE = "SELECT id, name, email FROM people WHERE id IN (SELECT value FROM json_each(:ids))"

LEADS = {
    "new": "You are invited to this meeting. The attached invitation puts it in your calendar.",
    "updated": "This meeting has changed. The attached invitation updates it in your calendar.",
    "reinstated": "This meeting is back on. The attached invitation puts it back in your calendar.",
    "cancelled": "This meeting is cancelled. The attached cancellation takes it out of your "
    "calendar.",
    "left": "You are no longer expected at this meeting (your set has changed). The attached "
    "cancellation takes it out of your calendar.",
    "resent": "Your programme office has sent this meeting again. The attached invitation puts "
    "it in your calendar, or updates it there.",
}
SUBJECTS = {
    "new": "Invitation",
    "updated": "Updated",
    "reinstated": "Reinstated",
    "cancelled": "Cancelled",
    "left": "Cancelled",
    "resent": "Invitation",
}


def settings_for(app):
    """{base_url, mailbox} for invitations from the app's configuration, or None when
    ACTIONLEARNING_MAIL_INVITATIONS is false (a programme that sends its own invitations)."""
    if str(app.config.get("MAIL_INVITATIONS", True)).lower() in ("false", "0", "no", "off"):
        return None
    return sender_settings(app.config["BASE_URL"], str(app.config.get("MAIL_FROM") or ""))


def sender_settings(base_url, sender):
    """{base_url, mailbox}: the mailbox, organiser of seminars and the conference, is the
    sender ('Name <addr>', ACTIONLEARNING_MAIL_FROM)."""
    name, address = parseaddr(sender)
    if "@" not in address:  # the .eml default: nothing is sent, but an organiser is needed
        host = base_url.split("://")[-1].split("/")[0].split(":")[0] or "localhost"
        address = f"actionlearning@{host}"
    return {"base_url": base_url, "mailbox": {"name": name or "Programme office", "email": address}}


@contextmanager
def queued_for_changes(db, settings, programme_id=None, meeting_id=None, programme_ids=None):
    """One write around a change to meetings or to who they concern, that also records the
    invitations it causes (queue_fanouts): both commit, or (the change raising) neither.

    Scope: one meeting (meeting_id), every meeting ahead in a programme (programme_id), which
    is what a new meeting, a series or a change to pairs and sets may touch, or in several
    (programme_ids: an import whose rows name their programmes).
    With settings None (invitations turned off) it is only the write.
    """
    if meeting_id:
        scope = (ONE_MEETING, meeting_id)
    elif programme_ids is not None:
        scope = (PROGRAMMES_MEETINGS, json.dumps(sorted(programme_ids)))
    else:
        scope = (PROGRAMME_MEETINGS, programme_id)
    with write(db):
        if settings is None:
            yield
            return
        before = meeting_states(db, _ids(db, *scope))
        yield
        after = meeting_states(db, set(before) | set(_ids(db, *scope)))
        queue_fanouts(db, changes(before, after))


def resend(db, settings, person_id, programme_id):
    """Queue the invitation to every meeting ahead in a programme that concerns this person,
    again (their calendar lost them, or they changed address); returns the outbox ids.

    Built here rather than by the sender: a person's few meetings are quick to write, and the
    organiser who asked sees them waiting in the outbox at once.
    """
    with write(db):
        states = meeting_states(db, _ids(db, PROGRAMME_MEETINGS, programme_id))
        found = [
            (meeting_id, person_id, "resent")
            for meeting_id, (_sequence, status, people) in sorted(states.items())
            if status == "scheduled" and person_id in people
        ]
        return queue_invitations(db, found, settings)


def _ids(db, sql, scope):
    return [r["id"] for r in rows(db, sql, {"scope": scope, "now": now()})]


def meeting_states(db, meeting_ids):
    """{meeting id: (sequence, status, frozenset of the people it concerns)}."""
    found = rows(db, MEETING_STATES, {"ids": json.dumps(sorted(meeting_ids))})
    people = {}  # one query per set, and one for the programme's seminars and conference
    states = {}
    for row in found:
        group = (row["programme_id"], row["kind"] == "set_meeting", row["learning_set_id"])
        if group not in people:
            people[group] = frozenset(scheduling.meeting_people(db, row))
        states[row["id"]] = (row["sequence"], row["status"], people[group])
    return states


def changes(before, after):
    """[(meeting id, person id, why)] for everyone whose calendar a change puts out of date;
    why is a key of LEADS. A meeting that was cancelled and stays cancelled tells no one."""
    found = []
    for meeting_id, (sequence, status, people) in sorted(after.items()):
        old_sequence, old_status, old_people = before.get(meeting_id, (None, None, frozenset()))
        tell = {}
        if status == "cancelled":
            if old_status == "scheduled" and sequence != old_sequence:
                tell = dict.fromkeys(people | old_people, "cancelled")
        elif old_status is None:
            tell = dict.fromkeys(people, "new")
        elif sequence != old_sequence:
            why = "reinstated" if old_status == "cancelled" else "updated"
            tell = {**dict.fromkeys(old_people - people, "left"), **dict.fromkeys(people, why)}
        else:
            joined, left = people - old_people, old_people - people
            tell = {**dict.fromkeys(left, "left"), **dict.fromkeys(joined, "new")}
        found += [(meeting_id, person_id, why) for person_id, why in sorted(tell.items())]
    return found


# Fan-outs: one row per changed meeting, expanded by the sender

# A fan-out takes the meeting's programme from the meeting, and merges into the row still
# waiting for the sender (merged() decides each person's why); revision counts the merges.
QUEUE_FANOUT = """INSERT INTO invitation_fanouts
  (meeting_id, programme_id, recipients, queued_at, revision)
SELECT id, programme_id, :recipients, :queued_at, 1 FROM meetings WHERE id = :meeting_id
ON CONFLICT (meeting_id) DO UPDATE SET recipients = excluded.recipients,
  queued_at = excluded.queued_at, revision = revision + 1"""
FANOUTS_DUE = """SELECT * FROM invitation_fanouts WHERE queued_at <= :held_since
ORDER BY queued_at, meeting_id"""


def queue_fanouts(db, found):
    """Record [(meeting id, person id, why)] as one fan-out row per meeting, in the caller's
    write; the sender writes the messages (expand_due)."""
    by_meeting = {}
    for meeting_id, person_id, why in found:
        by_meeting.setdefault(meeting_id, {})[str(person_id)] = why
    with write(db):
        for meeting_id, recipients in by_meeting.items():
            waiting = one(
                db, "SELECT recipients FROM invitation_fanouts WHERE meeting_id = ?", [meeting_id]
            )
            if waiting is not None:
                recipients = merged(json.loads(waiting["recipients"]), recipients)
            values = {"recipients": json.dumps(recipients), "queued_at": now()}
            db.execute(QUEUE_FANOUT, {**values, "meeting_id": meeting_id})


def merged(earlier, later):
    """{person id: why} of two changes to one meeting not yet sent, as one: the later change's
    why, and the earlier's for people the later one does not concern (someone who left keeps
    their CANCEL). Someone the earlier change invited afresh is still invited afresh, not told
    of a change to a meeting they never had."""
    found = {**earlier, **later}
    for person_id, why in later.items():
        if earlier.get(person_id) == "new" and why == "updated":
            found[person_id] = "new"
    return found


def expand_due(db, settings, delay_seconds, at=None):
    """Queue one outbox message per person for every fan-out whose latest edit is at least
    delay_seconds old (expand); returns the outbox ids.
    settings: {base_url, mailbox}, as sender_settings() makes them.
    """
    at = at or datetime.now(UTC)
    held_since = (at - timedelta(seconds=delay_seconds)).replace(microsecond=0).isoformat()
    queued = []
    for fanout in rows(db, FANOUTS_DUE, {"held_since": held_since}):
        queued += expand(db, fanout, settings, at) or []
    return queued


def expand(db, fanout, settings, at=None):
    """Queue the messages of one fan-out row as read, deleting it in the same write; returns
    the outbox ids, or None when the row has changed since it was read.

    The messages are built outside the write (the costly part), so web requests do not wait
    on it. A fan-out edited meanwhile (its revision moved on) is left for a later pass, when
    its newer version is due. Each message is queued as of the change, so it is due at once.
    """
    recipients = json.loads(fanout["recipients"])
    found = [(fanout["meeting_id"], int(p), why) for p, why in sorted(recipients.items())]
    messages = invitation_messages(db, found, settings, at)
    with write(db):
        taken = db.execute(
            "DELETE FROM invitation_fanouts WHERE meeting_id = ? AND revision = ?",
            [fanout["meeting_id"], fanout["revision"]],
        ).rowcount
        if not taken:
            return None
        queued = [_queue_one(db, *message, fanout["queued_at"]) for message in messages]
    return [outbox_id for outbox_id in queued if outbox_id is not None]


# Meeting changes whose messages the sender has not written yet, for the organisers' outbox.
WAITING_FANOUTS = f"""SELECT f.meeting_id, f.queued_at, f.recipients, m.title, m.starts_at,
  m.ends_at, g.time_zone, g.name AS programme
FROM invitation_fanouts f JOIN meetings m ON m.id = f.meeting_id
JOIN programmes g ON g.id = f.programme_id
WHERE f.programme_id IN ({programmes_organised_by()})
ORDER BY f.queued_at, f.meeting_id"""


def waiting_fanouts(db, organiser_id):
    """Meeting changes in the organiser's programmes whose messages are still to be written:
    {meeting_id, title, when, programme, queued_at, people (how many)}, oldest first."""
    found = rows(db, WAITING_FANOUTS, {"me": organiser_id})
    for row in found:
        row["people"] = len(json.loads(row.pop("recipients")))
        row["when"] = meeting_when(row, short=True)
    return found


def queue_invitations(db, found, settings, at=None):
    """Queue one invitation per (meeting id, person id, why) now; returns the outbox ids."""
    messages = invitation_messages(db, found, settings, at)
    with write(db):
        queued = [_queue_one(db, *message) for message in messages]
    return [outbox_id for outbox_id in queued if outbox_id is not None]


def invitation_messages(db, found, settings, at=None):
    """[(meeting row, person, message)] for [(meeting id, person id, why)], leaving out
    meetings and people that no longer exist. message: {subject, text, html, method, ics}."""
    at = at or datetime.now(UTC)
    ids = json.dumps(sorted({person_id for _m, person_id, _w in found}))
    people = {p["id"]: p for p in rows(db, PEOPLE, {"ids": ids})}
    meetings, shared, built = {}, {}, []
    for meeting_id, person_id, why in found:
        if meeting_id not in meetings:
            meetings[meeting_id] = itip.invitation_meeting(db, meeting_id)
        row, person = meetings[meeting_id], people.get(person_id)
        if row is None or person is None:
            continue
        organiser = itip.invitation_organiser(row, person_id, settings["mailbox"])
        # All but the ATTENDEE line and the address is the same for everyone told the same
        # thing by the same organiser: made once (see feeds.itip.invitation_for_all).
        key = (meeting_id, why, organiser["email"])
        if key not in shared:
            shared[key] = _message(row, why, organiser, settings["base_url"], at)
        message = shared[key]
        ics = itip.addressed(message["for_all"], person)
        built.append((row, person, {**message, "ics": ics}))
    return built


def _message(row, why, organiser, base_url, at):
    cancel = why in ("cancelled", "left")
    text, html = message_bodies(row, why, base_url)
    return {
        "subject": f"{SUBJECTS[why]}: {feeds.clean(row['title'])}, {meeting_when(row, short=True)}",
        "text": text,
        "html": html,
        "method": "CANCEL" if cancel else "REQUEST",
        "for_all": itip.invitation_for_all(row, organiser, base_url, cancel, at),
    }


def _queue_one(db, row, person, message, queued_at=None):
    try:
        return queue_message(
            db,
            person_id=person["id"],
            kind="invitation",
            subject=message["subject"],
            text=message["text"],
            html=message["html"],
            calendar=(message["method"], message["ics"]),
            programme_id=row["programme_id"],
            coalesce_key=f"meeting:{row['id']}",
            queued_at=queued_at,
        )
    except MailError:  # an address stored before addresses were checked: one person's bad
        return None  # address must not stop everyone else's invitation


def message_bodies(row, why, base_url):
    """(text, html) of an invitation: what changed, then the meeting's logistics."""
    page_url = f"{base_url}/meetings/{row['id']}"
    if why == "left":
        row = {**row, "status": "scheduled"}  # the meeting is on; it is off for this reader
    details = feeds.meeting_description(row, page_url).split("\n")
    meeting = [feeds.clean(row["title"]), f"When: {meeting_when(row)}", *details]
    return bodies([[LEADS[why]], meeting])


def bodies(paragraphs):
    """(text, html) from paragraphs of lines; in the HTML a line 'Label: https://...' is a link."""
    text = "\n\n".join("\n".join(lines) for lines in paragraphs) + "\n"
    html = "".join(
        f"<p>{'<br>'.join(_html_line(line) for line in lines)}</p>\n" for lines in paragraphs
    )
    return text, html


def _html_line(line):
    label, _, url = line.partition(": ")
    if url.startswith(("https://", "http://")) and " " not in url:
        return f'{escape(label)}: <a href="{escape(url)}">{escape(url)}</a>'
    return str(escape(line))
