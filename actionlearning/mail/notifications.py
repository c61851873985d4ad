"""Notices that something happened: a response to your journal entry; a case study submitted
(to the programme's organisers), returned or approved (to the pair).

Each says what happened, who did it and where to look, and nothing else: no entry or response
title or text, no case-study text, no return comment. Reading it needs signing in, where the
one visibility rule decides again. Each is an optional kind its recipient can turn off.
"""

from markupsafe import escape

from ..db import one, rows
from ..membership import organisers_of
from . import queue_message

CASE_STUDY_EVENTS = {
    "submitted": "submitted for approval",
    "returned": "returned to the pair with comments",
    "approved": "approved for the conference pack",
}


def queue_response_notice(db, *, entry_id, author_id, responder_id, programme_id, base_url):
    """Tell an entry's author that someone responded to it (not when they answered
    themselves); returns the outbox id or None. Call inside the response's write()."""
    if author_id == responder_id:
        return None
    responder = one(db, "SELECT name FROM people WHERE id = ?", [responder_id])["name"]
    url = f"{base_url}/journal/{entry_id}#responses"
    line = f"{responder} responded to one of your journal entries."
    return queue_message(
        db,
        person_id=author_id,
        kind="notification_response",
        subject=f"{responder} responded to your journal entry",
        text=f"{line}\n\nRead the response (after signing in):\n{url}\n",
        html=f'<p>{escape(line)}</p>\n<p><a href="{escape(url)}">Read the response</a></p>',
        programme_id=programme_id,
    )


def queue_case_study_notices(db, *, pair_id, event, actor_id, base_url):
    """Tell the programme's organisers a case study was submitted, or the pair that theirs
    was returned or approved; returns the outbox ids. Call inside the step's write()."""
    pair = one(
        db,
        """SELECT p.programme_id, g.name AS programme FROM pairs p
           JOIN programmes g ON g.id = p.programme_id WHERE p.id = ?""",
        [pair_id],
    )
    members = rows(
        db,
        """SELECT m.person_id, p.name FROM pair_members m JOIN people p ON p.id = m.person_id
           WHERE m.pair_id = ? ORDER BY p.name""",
        [pair_id],
    )
    if event == "submitted":
        organisers = rows(db, organisers_of(":programme"), {"programme": pair["programme_id"]})
        recipients = [row["person_id"] for row in organisers]
    else:
        recipients = [row["person_id"] for row in members]
    actor = one(db, "SELECT name FROM people WHERE id = ?", [actor_id])["name"]
    names = " and ".join(row["name"] for row in members) or "a pair"
    line = (
        f"The case study of {names} ({pair['programme']}) was {CASE_STUDY_EVENTS[event]} "
        f"by {actor}."
    )
    url = f"{base_url}/case-studies/{pair_id}"
    subject = f"Case study {event}: {names}"
    queued = []
    for person_id in recipients:
        if person_id == actor_id:
            continue
        outbox_id = queue_message(
            db,
            person_id=person_id,
            kind="notification_case_study",
            subject=subject,
            text=f"{line}\n\nSee it (after signing in):\n{url}\n",
            html=f'<p>{escape(line)}</p>\n<p><a href="{escape(url)}">See the case study</a></p>',
            programme_id=pair["programme_id"],
        )
        if outbox_id is not None:
            queued.append(outbox_id)
    return queued
