"""Calendar feeds: secret revocable links, and iCalendar text that calendar apps read right.

Three feeds, each at /feeds/<token>.ics without a login: a person's own (every meeting they
may see), a learning set's, and a programme's seminars and conference. A token is an HMAC
of the secret key over the feed and its version number, so the app can show a link again at
any time without storing it, and bumping the version ("reset my link") kills every old one.
"""

import base64
import functools
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration

from .. import audit
from ..db import now, rows, write
from ..scheduling import MEETING_KINDS, VISIBLE_MEETINGS
from ..text import CONTROL_CHARACTERS
from .timezones import vtimezone

TOKEN_PATTERN = re.compile(r"([psg])([1-9][0-9]{0,9})-([A-Za-z0-9_-]{32})")
MAC_BYTES = 24  # 192 bits: unguessable
FORMAT_VERSION = "1"  # change when the feed's text changes, so that every ETag changes
PRODID = "-//actionlearning//Calendar feeds 1.0//EN"
DEFAULT_TIME_ZONE = "Europe/London"
REFRESH = timedelta(hours=1)

# The meetings in each kind of feed, with what the events need from programme and set.
# A person's feed is exactly what scheduling says they may see.
FEED_MEETINGS = {
    "p": VISIBLE_MEETINGS,
    "s": "SELECT m.* FROM meetings m WHERE m.learning_set_id = :id",
    "g": "SELECT m.* FROM meetings m WHERE m.programme_id = :id"
    " AND m.kind IN ('seminar', 'conference')",
}
WITH_CONTEXT = """SELECT m.*, g.time_zone, g.name AS programme_name, s.name AS learning_set_name
FROM ({meetings}) m JOIN programmes g ON g.id = m.programme_id
LEFT JOIN learning_sets s ON s.id = m.learning_set_id"""

# What a feed's subject is called and which zone it shows; a missing row means no feed.
SUBJECTS = {
    "p": """SELECT 'Action learning · ' || p.name AS name,
              (SELECT g.time_zone FROM programme_members pm JOIN programmes g
               ON g.id = pm.programme_id WHERE pm.person_id = p.id
               ORDER BY g.starts_on DESC LIMIT 1) AS time_zone,
              p.feed_version AS version
           FROM people p WHERE p.id = :id AND p.is_active = 1""",
    "s": """SELECT s.name || ' · ' || g.name AS name, g.time_zone,
              coalesce(v.version, 1) AS version
           FROM learning_sets s JOIN programmes g ON g.id = s.programme_id
           LEFT JOIN feed_versions v ON v.scope = 's' AND v.subject_id = s.id
           WHERE s.id = :id""",
    "g": """SELECT g.name || ': seminars and conference' AS name, g.time_zone,
              coalesce(v.version, 1) AS version
           FROM programmes g
           LEFT JOIN feed_versions v ON v.scope = 'g' AND v.subject_id = g.id
           WHERE g.id = :id""",
}


# What a feed's ETag is made of (see feed_state), and when it last changed.
FEED_STATE = {
    scope: f"""WITH totals AS (
          SELECT count(*), max(updated_at), total(id), total(id * id), total(sequence),
            group_concat(DISTINCT programme_id) AS programme_ids,
            group_concat(DISTINCT learning_set_id) AS learning_set_ids
          FROM ({meetings}))
        SELECT totals.*,
          (SELECT group_concat(name || ':' || time_zone, '|') FROM programmes
           WHERE id IN (SELECT value FROM json_each('[' || programme_ids || ']'))),
          (SELECT group_concat(name, '|') FROM learning_sets
           WHERE id IN (SELECT value FROM json_each('[' || learning_set_ids || ']'))),
          (SELECT etag || ' ' || changed_at FROM feed_changes
           WHERE scope = :scope AND subject_id = :id)
        FROM totals"""
    for scope, meetings in FEED_MEETINGS.items()
}


# Tokens


@functools.lru_cache(maxsize=4)
def _feed_key(secret_key):
    """A key of its own, so that a feed token can never pass for a session or CSRF signature."""
    return hashlib.sha256(b"actionlearning calendar feeds\0" + str(secret_key).encode()).digest()


def _mac(secret_key, scope, subject_id, version):
    digest = hmac.digest(
        _feed_key(secret_key), f"{scope}:{subject_id}:{version}".encode(), "sha256"
    )
    return base64.urlsafe_b64encode(digest[:MAC_BYTES]).decode()


def _subject(db, scope, subject_id):
    """{name, time_zone, version} of a feed's subject, or None: one indexed lookup."""
    found = db.execute(SUBJECTS[scope], {"id": subject_id}).fetchone()
    return dict(zip(("name", "time_zone", "version"), found, strict=True)) if found else None


def feed_token(db, secret_key, scope, subject_id):
    """The current token of a feed ('p' person, 's' learning set, 'g' programme), or None."""
    subject = _subject(db, scope, subject_id)
    if subject is None:
        return None
    return f"{scope}{subject_id}-{_mac(secret_key, scope, subject_id, subject['version'])}"


def feed_for_token(db, secret_key, token):
    """The feed a token opens: {scope, subject_id, name, time_zone}, or None.

    Unknown, malformed and revoked tokens all cost one lookup and one HMAC comparison.
    """
    match = TOKEN_PATTERN.fullmatch(token or "")
    scope, subject_id, given = (match[1], int(match[2]), match[3]) if match else ("p", 0, "")
    subject = _subject(db, scope, subject_id)
    expected = _mac(secret_key, scope, subject_id, subject["version"] if subject else 0)
    if not hmac.compare_digest(expected, given) or subject is None:
        return None
    return {
        "scope": scope,
        "subject_id": subject_id,
        "name": subject["name"],
        "time_zone": subject["time_zone"] or DEFAULT_TIME_ZONE,
    }


def reset_feed(db, scope, subject_id, actor_id=None):
    """Give a feed a new link; every earlier link to it answers 404 from now on."""
    with write(db):
        _audit_reset(db, scope, subject_id, actor_id)
        if scope == "p":
            db.execute(
                "UPDATE people SET feed_version = feed_version + 1 WHERE id = ?", [subject_id]
            )
            return
        db.execute(
            """INSERT INTO feed_versions (scope, subject_id, version, reset_at) VALUES (?, ?, 2, ?)
               ON CONFLICT (scope, subject_id)
               DO UPDATE SET version = version + 1, reset_at = excluded.reset_at""",
            [scope, subject_id, now()],
        )


def _audit_reset(db, scope, subject_id, actor_id):
    if scope == "p":
        audit.record(db, "feed.reset", actor_id, subject_id, scope=scope)
        return
    programme_id = subject_id
    if scope == "s":
        programme_id = db.execute(
            "SELECT programme_id FROM learning_sets WHERE id = ?", [subject_id]
        ).fetchone()[0]
    audit.record(db, "feed.reset", actor_id, None, programme_id, scope=scope, id=subject_id)


def feed_urls(base_url, token):
    """The https link to copy and the webcal:// link that opens a calendar app to subscribe."""
    https = f"{base_url}/feeds/{token}.ics"
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


# Feed state for conditional requests: cheap, without building the calendar


def feed_state(db, feed):
    """{etag, last_modified} of a feed, without building it.

    The ETag comes from one aggregate query: every change to a meeting bumps its SEQUENCE,
    so the sum of sequences moves; meetings joining or leaving the feed move the count and
    the sums of ids and their squares; the names and zones the events show are in the key
    as text. Last-Modified is when this server first answered with that ETag (see
    _feed_changed), so a client that asks only "changed since?" is told of every change
    the ETag sees, someone leaving a set included.
    """
    params = {"id": feed["subject_id"], "me": feed["subject_id"], "scope": feed["scope"]}
    *row, seen = db.execute(FEED_STATE[feed["scope"]], params).fetchone()
    key = "\n".join(map(str, [FORMAT_VERSION, feed["name"], feed["time_zone"], *row]))
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    seen_etag, _, changed_at = (seen or "").partition(" ")
    if seen_etag != etag:
        changed_at = _feed_changed(db, feed, etag, changed_at)
    return {"etag": etag, "last_modified": datetime.fromisoformat(changed_at)}


def _feed_changed(db, feed, etag, previous):
    """Record a feed's new ETag; returns its Last-Modified, a second past the previous one
    at least, so that a client whose copy is from the same second still gets the change."""
    changed = datetime.now(UTC).replace(microsecond=0)
    if previous:
        changed = max(changed, datetime.fromisoformat(previous) + timedelta(seconds=1))
    with write(db):
        db.execute(
            """INSERT INTO feed_changes (scope, subject_id, etag, changed_at)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (scope, subject_id) DO UPDATE
               SET etag = excluded.etag, changed_at = excluded.changed_at
               WHERE feed_changes.etag != excluded.etag""",
            [feed["scope"], feed["subject_id"], etag, changed.isoformat()],
        )
        # Another worker may have recorded the same change first: its time stands.
        return db.execute(
            "SELECT changed_at FROM feed_changes WHERE scope = ? AND subject_id = ?",
            [feed["scope"], feed["subject_id"]],
        ).fetchone()[0]


# iCalendar text


def clean(text):
    """Text safe for a calendar: no control characters (icalendar escapes the rest)."""
    return CONTROL_CHARACTERS.sub("", (text or "").replace("\r\n", "\n")).strip()


def _utc(iso):
    return datetime.fromisoformat(iso).astimezone(UTC)


def _event_time(iso, zone):
    """The meeting's time in its zone, or in UTC when that local time happens twice (the
    hour the clocks go back): a TZID time there is ambiguous, and calendar parsers disagree
    on which of the two it means, so only UTC says it exactly."""
    local = _utc(iso).astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return _utc(iso)
    return local


def meeting_description(row, page_url):
    """What a meeting is, where, and its page: the logistics events and e-mails carry."""
    lines = [MEETING_KINDS.get(row["kind"], "Meeting")]
    if row["learning_set_name"]:
        lines[0] += f" · {row['learning_set_name']}"
    lines[0] += f" · {row['programme_name']}"
    if row["status"] == "cancelled":
        lines.append(f"CANCELLED: {row['cancel_reason']}".rstrip(": "))
    if row["speaker"]:
        org = f" ({row['speaker_organisation']})" if row["speaker_organisation"] else ""
        lines.append(f"Speaker: {row['speaker']}{org}")
    if row["topic"]:
        lines.append(f"Topic: {row['topic']}")
    if row["venue"]:
        lines.append(f"Venue: {row['venue']}")
    if row["online_link"]:
        lines.append(f"Join online: {row['online_link']}")
    if row["description"]:
        lines += ["", row["description"]]
    lines += ["", f"Details: {page_url}"]
    return clean("\n".join(lines))


def meeting_event(row, base_url, stamp=None):
    """One meeting as a VEVENT, for feeds, downloads and invitations alike.

    DTSTAMP is the meeting's last change unless a stamp is given: with no METHOD, RFC 5545
    says DTSTAMP is when the information was last revised, which also keeps a feed's text
    stable; in an invitation (RFC 5546) it is when the message was made.
    """
    zone = ZoneInfo(row["time_zone"])
    cancelled = row["status"] == "cancelled"
    page_url = f"{base_url}/meetings/{row['id']}"
    title = clean(row["title"])
    changed = _utc(row["updated_at"])
    event = Event()
    event.add("uid", row["uid"])
    event.add("dtstamp", stamp or changed)
    event.add("dtstart", _event_time(row["starts_at"], zone))
    event.add("dtend", _event_time(row["ends_at"], zone))
    event.add("sequence", row["sequence"])
    event.add("created", _utc(row["created_at"]))
    event.add("last-modified", changed)
    # Google Calendar hides cancelled events, so the title says it too.
    event.add("summary", f"Cancelled: {title}" if cancelled else title)
    location = clean(row["venue"]) or ("Online" if row["online_link"] else "")
    if location:
        event.add("location", location)
    event.add("description", meeting_description(row, page_url))
    event.add("url", page_url)
    event.add("categories", [MEETING_KINDS.get(row["kind"], "Meeting")])
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")  # a cancelled slot is free
    return event


def _calendar(name, time_zone, uid, subscription=True):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("uid", uid)
    calendar.add("name", clean(name))
    calendar.add("x-wr-calname", clean(name))
    calendar.add("x-wr-timezone", time_zone)
    if subscription:  # how often to poll: RFC 7986, and the older Outlook/Apple property
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


def _serialise(calendar, rows, base_url, time_zone):
    # No METHOD: a published calendar, not an invitation, so no ORGANIZER is needed.
    for zone in sorted({time_zone} | {row["time_zone"] for row in rows}):
        calendar.add_component(vtimezone(zone))
    for row in rows:
        calendar.add_component(meeting_event(row, base_url))
    return calendar.to_ical()


def feed_meetings(db, feed):
    """The meetings of a feed with their programme's zone and names, earliest first."""
    sql = WITH_CONTEXT.format(meetings=FEED_MEETINGS[feed["scope"]]) + " ORDER BY m.starts_at"
    return rows(db, sql, {"id": feed["subject_id"], "me": feed["subject_id"]})


def feed_calendar(db, feed, base_url):
    """The whole feed as iCalendar bytes (CRLF, folded lines)."""
    uid = f"feed-{feed['scope']}{feed['subject_id']}@actionlearning"
    calendar = _calendar(feed["name"], feed["time_zone"], uid)
    return _serialise(calendar, feed_meetings(db, feed), base_url, feed["time_zone"])


def meeting_calendar(meeting, base_url):
    """One meeting (a row from scheduling.meeting) as a downloadable .ics file."""
    row = {"programme_name": "", "learning_set_name": None, **meeting}
    calendar = _calendar(meeting["title"], meeting["time_zone"], f"file-{meeting['uid']}", False)
    return _serialise(calendar, [row], base_url, meeting["time_zone"])


def google_calendar_url(meeting, base_url):
    """A link that opens Google Calendar's "add event" form filled in with this meeting."""
    stamp = "%Y%m%dT%H%M%SZ"
    row = {"programme_name": "", "learning_set_name": None, **meeting}
    page_url = f"{base_url}/meetings/{meeting['id']}"
    query = {
        "action": "TEMPLATE",
        "text": clean(meeting["title"]),
        "dates": f"{_utc(meeting['starts_at']).strftime(stamp)}/"
        f"{_utc(meeting['ends_at']).strftime(stamp)}",
        "details": meeting_description(row, page_url),
        "location": clean(meeting["venue"]),
        "ctz": meeting.get("time_zone") or DEFAULT_TIME_ZONE,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
