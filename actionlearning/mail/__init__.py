"""Mail: an outbox in SQLite, filled in the same transaction as the change that causes it.

Domain code calls queue_message() inside its own `with write(db):`, so a moved meeting and
its invitations commit together or not at all. `flask send-mail` (mail/sender.py) delivers
what is queued; mail/message.py turns a row into an RFC 5322 message at delivery time.

No e-mail carries journal content: a message names meetings, people and programmes, and
says that something happened with a link to it. Callers pass only such text.
"""

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta

from ..db import now, one, rows, write
from ..membership import people_organised_by, programmes_organised_by
from ..text import single_line

# Every kind of mail, with the words the preferences page uses. Optional kinds can be turned
# off by their recipient (and carry List-Unsubscribe); the others cannot. A new kind of mail
# is one more entry here.
KINDS = {
    "invitation": ("Meeting invitations and changes", False),
    "account": ("Sign-up and sign-in links", False),
    "retention": ("Notice before your journal is deleted with its programme's", False),
    "reminder": ("Reminders before your set meetings", True),
    "nudge": ("An invitation to reflect after a meeting", True),
    "facilitator_briefing": ("Attendance and apologies before a set you facilitate", True),
    "notification_response": ("Someone responded to your journal entry", True),
    "notification_case_study": ("Your case study was submitted, returned or approved", True),
}
OPTIONAL_KINDS = tuple(kind for kind, (_label, optional) in KINDS.items() if optional)
CALENDAR_METHODS = ("REQUEST", "CANCEL")
STATUSES = ("queued", "sent", "failed")

# Plain enough for every relay: one @, no spaces, no angle brackets or quotes, a dotted domain.
ADDRESS = re.compile(r"^[^@\s<>\"'(),;:\\\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class MailError(ValueError):
    """A message that cannot be queued (no address, unknown kind): a caller's mistake."""


# Queries


def person_opt_outs(db, person_id):
    """The optional kinds this person has turned off."""
    found = rows(db, "SELECT kind FROM mail_opt_outs WHERE person_id = ?", [person_id])
    return {row["kind"] for row in found}


def preferences(db, person_id):
    """Each kind of mail as {kind, label, optional, enabled}, in KINDS order."""
    off = person_opt_outs(db, person_id)
    return [
        {"kind": kind, "label": label, "optional": optional, "enabled": kind not in off}
        for kind, (label, optional) in KINDS.items()
    ]


# What an organiser sees of the outbox: messages for their programmes, and account mail to
# people in them. Never bodies (a sign-in link is a password), and not the notices of
# responses, whose subjects would tell who answers whose journal.
ORGANISER_OUTBOX = f"""
SELECT o.id, o.to_name, o.to_addr, o.kind, o.subject, o.status, o.attempts, o.last_error,
       o.queued_at, o.next_attempt_at, o.sent_at, o.person_id, o.programme_id,
       g.name AS programme
FROM outbox o LEFT JOIN programmes g ON g.id = o.programme_id
WHERE o.kind != 'notification_response'
  AND (o.programme_id IN ({programmes_organised_by()})
       OR (o.programme_id IS NULL AND o.person_id IN ({people_organised_by()})))
  AND (:status IS NULL OR o.status = :status)
ORDER BY o.id DESC LIMIT :limit"""


def outbox_for_organiser(db, organiser_id, status=None, limit=200):
    """The latest messages an organiser may see (ORGANISER_OUTBOX), newest first."""
    found = rows(db, ORGANISER_OUTBOX, {"me": organiser_id, "status": status, "limit": limit})
    for row in found:
        row["kind_label"] = KINDS.get(row["kind"], (row["kind"],))[0]
    return found


def outbox_counts_for_organiser(db, organiser_id):
    """{status: count} over the messages ORGANISER_OUTBOX lets the organiser see."""
    found = rows(db, ORGANISER_OUTBOX, {"me": organiser_id, "status": None, "limit": -1})
    counts = dict.fromkeys(STATUSES, 0)
    for row in found:
        counts[row["status"]] += 1
    return counts


def outbox_message(db, outbox_id):
    return one(db, "SELECT * FROM outbox WHERE id = ?", [outbox_id])


# Actions


def queue_message(
    db,
    *,
    person_id=None,
    to_addr=None,
    to_name=None,
    kind,
    subject,
    text,
    html=None,
    calendar=None,
    programme_id=None,
    coalesce_key=None,
    queued_at=None,
):
    """Queue one message; returns its outbox id, or None when nothing was queued.

    Call it inside the write() of the change that causes the message: the message commits
    with that change, or neither does (a nested write() joins the caller's transaction).

    - Recipient: `person_id` (address and name from people, unless to_addr/to_name are
      given), or `to_addr` alone for someone without an account. A deactivated person gets
      nothing (None). An address that is not plainly an e-mail address raises MailError.
    - `kind` is a key of KINDS. An optional kind the person has turned off returns None and
      queues nothing; 'invitation' and 'account' cannot be turned off.
    - `subject` is collapsed to one line (CR/LF never reach a header); `text` is the plain
      body, `html` an optional HTML alternative the caller has escaped.
    - `calendar` is None or (method, ics) with method 'REQUEST' or 'CANCEL' and ics the
      VCALENDAR as bytes or str; it goes out as a text/calendar part and as invite.ics.
    - `coalesce_key` (say 'meeting:42'): a still-queued message to the same address with the
      same key is replaced by this one (the same outbox id returned, a new Message-ID, its
      queued_at reset), and the sender holds keyed messages back until
      ACTIONLEARNING_MAIL_DELAY_SECONDS (default 120) have passed since queued_at, so that
      several edits to one meeting send one message, the latest.
    - `queued_at`: when the change that causes it was made, for a message queued later on
      its behalf (invitations.expand_due): the delay counts from then, not from now.
    - Optional kinds get List-Unsubscribe (RFC 8058 one-click) when they are sent.
    """
    if kind not in KINDS:
        raise MailError(f"Unknown kind of mail {kind!r}.")
    recipient = _recipient(db, person_id, to_addr, to_name)
    if recipient is None:
        return None
    if KINDS[kind][1] and person_id is not None and kind in person_opt_outs(db, person_id):
        return None
    method, ics = calendar or (None, None)
    if method is not None and method not in CALENDAR_METHODS:
        raise MailError(f"Calendar method must be one of {', '.join(CALENDAR_METHODS)}.")
    if isinstance(ics, bytes):
        ics = ics.decode("utf-8")
    queued = queued_at or now()
    values = {
        "message_id": new_message_id(),
        "person_id": person_id,
        "to_addr": recipient[0],
        "to_name": recipient[1],
        "programme_id": programme_id,
        "kind": kind,
        "subject": single_line(subject),
        "body_text": text,
        "body_html": html,
        "calendar_method": method,
        "calendar_ics": ics,
        "coalesce_key": coalesce_key,
        "queued_at": queued,
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": queued,
        "last_error": None,
        "sent_at": None,
    }
    with write(db):
        if coalesce_key is not None:
            earlier = db.execute(
                """SELECT id FROM outbox WHERE status = 'queued' AND coalesce_key = ?
                   AND to_addr = ? ORDER BY id DESC LIMIT 1""",
                [coalesce_key, values["to_addr"]],
            ).fetchone()
            if earlier is not None:
                # A new Message-ID: the older version may already have reached the server
                # from a sender that crashed before marking it, and a client that has seen
                # that Message-ID would drop this newer version as a duplicate.
                db.execute(REPLACE_MESSAGE, {**values, "id": earlier[0]})
                return earlier[0]
        return db.execute(INSERT_MESSAGE, values).lastrowid


# Plain statements rather than sqlite-utils' insert() and update(), which read the table's
# columns anew on every call: a seminar moved in a 200-person programme queues 200 messages
# (invitations.expand_due).
COLUMNS = (
    "message_id", "person_id", "to_addr", "to_name", "programme_id", "kind", "subject",
    "body_text", "body_html", "calendar_method", "calendar_ics", "coalesce_key", "queued_at",
    "status", "attempts", "next_attempt_at", "last_error", "sent_at",
)  # fmt: skip
INSERT_MESSAGE = (
    f"INSERT INTO outbox ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})"
)
REPLACE_MESSAGE = f"UPDATE outbox SET {', '.join(f'{c} = :{c}' for c in COLUMNS)} WHERE id = :id"


def new_message_id():
    """The unique left part of a Message-ID; the sender adds '@' and the From domain.

    Made at queue time and kept through retries, so a message sent twice after a crash
    carries the same Message-ID both times and mail clients show it once.
    """
    return secrets.token_hex(16)


def _recipient(db, person_id, to_addr, to_name):
    """(address, name) for a message, None for a deactivated person; MailError if invalid."""
    if person_id is not None:
        person = one(db, "SELECT email, name, is_active FROM people WHERE id = ?", [person_id])
        if person is None:
            raise MailError(f"No person with id {person_id}.")
        if not person["is_active"]:
            return None
        to_addr = to_addr or person["email"]
        to_name = person["name"] if to_name is None else to_name
    to_addr = (to_addr or "").strip()
    if not ADDRESS.match(to_addr):
        raise MailError(f"{to_addr!r} is not an e-mail address mail can be sent to.")
    return to_addr, single_line(to_name)


def set_preferences(db, person_id, enabled_kinds):
    """Turn each optional kind on (in enabled_kinds) or off; others are ignored."""
    with write(db):
        for kind in OPTIONAL_KINDS:
            if kind in enabled_kinds:
                db.execute(
                    "DELETE FROM mail_opt_outs WHERE person_id = ? AND kind = ?", [person_id, kind]
                )
            else:
                db.execute(
                    """INSERT INTO mail_opt_outs (person_id, kind, opted_out_at) VALUES (?, ?, ?)
                       ON CONFLICT (person_id, kind) DO NOTHING""",
                    [person_id, kind, now()],
                )


# One-click unsubscribe (RFC 8058): the token names a person and a kind and is signed with
# the app's secret key, so nothing is stored and the link in an old message still works. It
# can only turn that one kind of mail off, which the person can undo on the preferences page.


def unsubscribe_token(secret, person_id, kind):
    """The token for List-Unsubscribe: 'person.kind.signature'."""
    return f"{person_id}.{kind}.{_signature(secret, person_id, kind)}"


def _signature(secret, person_id, kind):
    key = hashlib.sha256(b"actionlearning mail unsubscribe\0" + secret.encode()).digest()
    digest = hmac.new(key, f"{person_id}:{kind}".encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def unsubscribe(db, secret, token):
    """Turn off the kind of mail a valid token names; returns (person_id, kind) or None."""
    person_id, _, rest = (token or "").partition(".")
    kind, _, signature = rest.partition(".")
    if not person_id.isdigit() or kind not in OPTIONAL_KINDS:
        return None
    expected = _signature(secret, int(person_id), kind)
    if not hmac.compare_digest(expected, signature):
        return None
    with write(db):
        if one(db, "SELECT id FROM people WHERE id = ?", [int(person_id)]) is None:
            return None
        db.execute(
            """INSERT INTO mail_opt_outs (person_id, kind, opted_out_at) VALUES (?, ?, ?)
               ON CONFLICT (person_id, kind) DO NOTHING""",
            [int(person_id), kind, now()],
        )
    return int(person_id), kind


# Delivery bookkeeping, used by the sender

# A sign-in link is a password for seven days: once its message has gone (or failed for
# good) the outbox keeps the fact, not the link, so a copy of the database signs no one in.
LINK_FORGOTTEN = "(This message carried a sign-in link, which is not kept after sending.)"
FORGET_LINKS = """body_text = CASE WHEN kind = 'account' THEN ? ELSE body_text END,
               body_html = CASE WHEN kind = 'account' THEN NULL ELSE body_html END"""


def due_messages(db, delay_seconds, limit=100, at=None):
    """Queued messages whose time has come, oldest first: keyed messages wait delay_seconds
    after their latest version was queued, failed attempts wait their back-off."""
    at = at or datetime.now(UTC).replace(microsecond=0)
    held_since = (at - timedelta(seconds=delay_seconds)).isoformat()
    return rows(
        db,
        """SELECT * FROM outbox WHERE status = 'queued' AND next_attempt_at <= :at
           AND (coalesce_key IS NULL OR queued_at <= :held_since)
           ORDER BY next_attempt_at, id LIMIT :limit""",
        {"at": at.isoformat(), "held_since": held_since, "limit": limit},
    )


def mark_sent(db, message):
    """Record that the server accepted this version of the message.

    Matched on the Message-ID too: if a newer version replaced the row while it was being
    sent, the row stays queued and the newer version goes next.
    """
    with write(db):
        db.execute(
            f"""UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,
               last_error = NULL, {FORGET_LINKS}
               WHERE id = ? AND message_id = ? AND status = 'queued'""",
            [now(), LINK_FORGOTTEN, message["id"], message["message_id"]],
        )


def mark_failed(db, message, error):
    """A permanent refusal (5xx): the message stays in the outbox as failed, with why."""
    with write(db):
        db.execute(
            f"""UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?,
               {FORGET_LINKS} WHERE id = ? AND message_id = ? AND status = 'queued'""",
            [error, LINK_FORGOTTEN, message["id"], message["message_id"]],
        )


def mark_deferred(db, messages, error, retry_seconds, max_attempts):
    """A temporary failure (server down, 4xx): try again after an exponential back-off;
    after max_attempts the message is marked failed with the last answer."""
    with write(db):
        for message in messages:
            attempts = message["attempts"] + 1
            wait = min(retry_seconds * 2 ** (attempts - 1), 6 * 3600)
            retry_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=wait)
            db.execute(
                """UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?,
                   status = CASE WHEN ? >= ? THEN 'failed' ELSE 'queued' END
                   WHERE id = ? AND message_id = ? AND status = 'queued'""",
                [
                    attempts,
                    error,
                    retry_at.isoformat(),
                    attempts,
                    max_attempts,
                    message["id"],
                    message["message_id"],
                ],
            )
