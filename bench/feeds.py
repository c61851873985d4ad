"""Calendar feeds: conditional requests against a Flask hello-world, and a 1,000-meeting feed
against building the same events with bare icalendar.

A calendar client polls every hour, and almost every poll should be a cheap 304; a large
programme's feed should cost little more than icalendar itself needs to write the text.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from actionlearning import feeds, scheduling
from actionlearning.db import write

from . import SECRET_KEY, bench_app, hello_world, per_call, programme_with_people, ratio

MEETINGS = 1000


def _add_meetings(db, ids, count):
    """count set meetings, two a week across the programme year, in one write."""
    rows = []
    start = datetime(2026, 9, 7, 10)
    for n in range(count):
        local = start + timedelta(days=3 * (n % 120), minutes=n // 120)
        rows.append(
            scheduling.meeting_row(
                db,
                ids["programme_id"],
                "set_meeting",
                f"Set meeting {n + 1}",
                local,
                local + timedelta(hours=3),
                ids["learning_set_id"],
                venue="Riverside Room, The Partnership Centre",
                description="Bring your action points from last time.",
            )
        )
    with write(db):
        db["meetings"].insert_all(rows)


def _bare_icalendar(rows):
    """The baseline: the same events written with icalendar alone, the rows already at hand."""
    zone = ZoneInfo("Europe/London")
    calendar = Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    for row in rows:
        changed = datetime.fromisoformat(row["updated_at"]).astimezone(UTC)
        event = Event()
        event.add("uid", row["uid"])
        event.add("dtstamp", changed)
        event.add("dtstart", datetime.fromisoformat(row["starts_at"]).astimezone(zone))
        event.add("dtend", datetime.fromisoformat(row["ends_at"]).astimezone(zone))
        event.add("sequence", row["sequence"])
        event.add("created", changed)
        event.add("last-modified", changed)
        event.add("summary", row["title"])
        event.add("location", row["venue"])
        event.add("description", row["description"])
        event.add("url", f"http://bench/meetings/{row['id']}")
        event.add("categories", ["Set meeting"])
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


def run():
    from . import scratch_directory

    with scratch_directory() as directory:
        app, db = bench_app(directory)
        ids = programme_with_people(db)
        _add_meetings(db, ids, MEETINGS)
        person = ids["participant_ids"][0]
        client = app.test_client()

        small = f"/feeds/{feeds.feed_token(db, SECRET_KEY, 'g', ids['programme_id'])}.ics"
        scheduling.create_meeting(
            db,
            ids["programme_id"],
            "seminar",
            "Seminar",
            datetime(2027, 3, 30, 12),
            datetime(2027, 3, 30, 13),
        )
        etag = client.get(small).headers["ETag"]
        not_modified = {"If-None-Match": etag}
        assert client.get(small, headers=not_modified).status_code == 304

        hello = per_call(hello_world(), number=500, repeat=7)
        conditional = per_call(lambda: client.get(small, headers=not_modified), 500, 7)

        big = f"/feeds/{feeds.feed_token(db, SECRET_KEY, 'p', person)}.ics"
        body = client.get(big).data
        assert body.count(b"BEGIN:VEVENT") == MEETINGS + 1
        rows = list(db.query("SELECT * FROM meetings ORDER BY starts_at"))
        feed = per_call(lambda: client.get(big), number=3, repeat=5)
        bare = per_call(lambda: _bare_icalendar(rows), number=3, repeat=5)
        db.conn.close()

    return [
        (
            "feeds: 304 answers per second vs Flask hello-world",
            f"{hello / conditional:.2f}x ({1 / conditional:,.0f}/s vs {1 / hello:,.0f}/s)",
            ">= 0.8x",
        ),
        (
            f"feeds: {MEETINGS:,}-meeting feed (HTTP, query, build) vs bare icalendar",
            f"{ratio(feed, bare)} ({feed * 1000:.0f} ms vs {bare * 1000:.0f} ms)",
            "<= 1.2x",
        ),
    ]
