"""Calendar feeds: conditional requests against a Flask hello-world, and a 1,000-meeting feed
against building the same events with bare icalendar.

A calendar client polls every hour, and almost every poll should be a cheap 304; a large
programme's feed should cost little more than icalendar itself needs to write the text.
"""

import time
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from actionlearning import auth, feeds, programmes, scheduling
from actionlearning.db import write
from actionlearning.programmes.pairs import create_learning_set, create_pair

from . import (
    SECRET_KEY,
    bench_app,
    hello_world,
    per_call,
    programme_with_people,
    ratio,
    scratch_directory,
)
from .journal import _Gunicorn, _interleaved_requests_per_second  # one way to serve apps

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


def _typical_year(db, ids):
    """What most feeds hold: 10 monthly seminars and the conference for the programme, and a
    second set whose pair meets monthly (11 meetings). Returns a participant in that set."""
    programme_id = ids["programme_id"]
    for month in range(10):
        day = datetime(2026 + (month + 9) // 12, (month + 9) % 12 + 1, 14, 12, 30)
        scheduling.create_meeting(
            db, programme_id, "seminar", f"Seminar {month + 1}", day, day + timedelta(hours=1)
        )
    conference = datetime(2027, 7, 8, 9)
    scheduling.create_meeting(
        db,
        programme_id,
        "conference",
        "Closing conference",
        conference,
        conference.replace(hour=17),
    )
    people = []
    for n, role in enumerate(("facilitator", "participant", "participant")):
        person_id = auth.create_person(
            db, f"typical{n}@example.org", f"Typical {n}", role, None, None
        )
        programmes.add_member(db, programme_id, person_id, role)
        people.append(person_id)
    set_id = create_learning_set(db, programme_id, "Second set", people[0])
    create_pair(db, programme_id, people[1:], "Falls prevention", learning_set_id=set_id)
    for month in range(11):
        day = datetime(2026 + (month + 9) // 12, (month + 9) % 12 + 1, 20, 10)
        scheduling.create_meeting(
            db,
            programme_id,
            "set_meeting",
            f"Set meeting {month + 1}",
            day,
            day + timedelta(hours=3),
            set_id,
        )
    return people[1]


def _bare_icalendar(events):
    """The baseline: the same events written with icalendar alone, their values at hand."""
    calendar = Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    for values in events:
        event = Event()
        for name, value in values:
            event.add(name, value)
        calendar.add_component(event)
    return calendar.to_ical()


def _event_values(body):
    """Each event's properties and values as our feed wrote them, for the baseline."""
    calendar = Calendar.from_ical(body)
    names = ("uid", "dtstamp", "dtstart", "dtend", "sequence", "created", "last-modified")
    names += ("summary", "location", "description", "url", "categories", "status", "transp")
    events = []
    for event in calendar.walk("VEVENT"):
        values = []
        for name in names:
            value = event.get(name)
            if value is None:
                continue
            if name == "categories":
                value = list(event.categories)
            elif hasattr(value, "dt"):
                value = value.dt
            else:
                value = value if isinstance(value, int) else str(value)
            values.append((name, value))
        events.append(values)
    return events


def _interleaved(first, second, rounds=5):
    """Best seconds per call of each, measured in alternating rounds (fair under load)."""
    best = [float("inf"), float("inf")]
    first(), second()
    for _ in range(rounds):
        for n, function in enumerate((first, second)):
            started = time.perf_counter()
            function()
            best[n] = min(best[n], time.perf_counter() - started)
    return best


def app_with_floor():
    """The real app plus a route that does nothing: 'bench.feeds:app_with_floor()'.

    What every request through Flask costs before any view runs (session, CSRF, headers);
    feeds are answered in front of Flask (actionlearning/feeds/server.py).
    """
    from actionlearning import create_app

    app = create_app()

    @app.get("/bench-floor")
    def floor():
        return "ok"

    return app


def _http_rows(app, paths):
    """304 answers vs hello-world over real HTTP: gunicorn, one sync worker each, as served.

    paths: {label: (feed path, its ETag, target)}. All are timed in alternating short turns with
    the hello-world, so that a change of load on the machine moves them all alike.
    """
    env = {
        "ACTIONLEARNING_DATABASE": app.config["DATABASE"],
        "SECRET_KEY": SECRET_KEY,
        "ACTIONLEARNING_BASE_URL": app.config["BASE_URL"],
    }
    hello = _Gunicorn("bench.journal:hello_app()")
    server = _Gunicorn("bench.feeds:app_with_floor()", env)
    try:
        targets = [(hello, "/", {}), (server, "/bench-floor", {})]
        for path, etag, _ in paths.values():
            status, headers, _ = server.request("GET", path)
            assert (status, headers["ETag"]) == (200, etag), (status, headers["ETag"])
            targets.append((server, path, {"If-None-Match": etag}, 304))
        hello_rps, floor_rps, *feed_rps = _interleaved_requests_per_second(targets)
    finally:
        server.stop()
        hello.stop()
    rows = [
        (
            f"feeds: 304 answers to a {label} vs Flask hello-world, requests/s, gunicorn 1 worker",
            f"{rps / hello_rps:.2f}x ({rps:,.0f} vs {hello_rps:,.0f} requests/s)",
            target,
        )
        for (label, (_, _, target)), rps in zip(paths.items(), feed_rps, strict=True)
    ]
    rows.append(
        (
            "feeds: a do-nothing route through Flask (sessions, CSRF, headers) vs hello-world",
            f"{floor_rps / hello_rps:.2f}x ({floor_rps:,.0f} requests/s)",
            "(none)",
        )
    )
    return rows


def run():
    with scratch_directory() as directory:
        app, db = bench_app(directory)
        ids = programme_with_people(db)
        _add_meetings(db, ids, MEETINGS)
        person = ids["participant_ids"][0]
        client = app.test_client()

        # What clients poll, answered 304 when unchanged: a programme's feed of seminars and
        # conference, and a participant's own feed, at a typical programme's size.
        typical = _typical_year(db, ids)
        small = f"/feeds/{feeds.feed_token(db, SECRET_KEY, 'g', ids['programme_id'])}.ics"
        mine = f"/feeds/{feeds.feed_token(db, SECRET_KEY, 'p', typical)}.ics"
        assert len(_event_values(client.get(mine).data)) == 22
        etag = client.get(small).headers["ETag"]
        not_modified = {"If-None-Match": etag}
        assert client.get(small, headers=not_modified).status_code == 304
        hello = per_call(hello_world(), number=500, repeat=7)
        conditional = per_call(lambda: client.get(small, headers=not_modified), 500, 7)

        # A person's feed of 1,011 meetings, against icalendar writing the same events.
        big = f"/feeds/{feeds.feed_token(db, SECRET_KEY, 'p', person)}.ics"
        body = client.get(big).data
        events = _event_values(body)
        assert len(events) == MEETINGS + 11
        feed, bare = _interleaved(lambda: client.get(big), lambda: _bare_icalendar(events))

        http_rows = _http_rows(
            app,
            {
                "programme feed (11 events)": (small, etag, ">= 0.8x"),
                "personal feed (22 events)": (mine, client.get(mine).headers["ETag"], ">= 0.8x"),
                # The ETag sums over every meeting: the cost grows with the feed.
                f"personal feed ({MEETINGS + 11:,} events)": (
                    big,
                    client.get(big).headers["ETag"],
                    "(none: 45 times a year's size)",
                ),
            },
        )
        db.conn.close()

    return [
        *http_rows,
        (
            "feeds: 304 answers vs Flask hello-world, test client (no HTTP), for reference",
            f"{hello / conditional:.2f}x ({1 / conditional:,.0f} vs {1 / hello:,.0f} requests/s)",
            "(none)",
        ),
        (
            f"feeds: {MEETINGS:,}-meeting feed (HTTP request, query, build) vs bare icalendar",
            f"{ratio(feed, bare)} ({feed * 1000:.0f} ms vs {bare * 1000:.0f} ms)",
            "<= 1.2x",
        ),
    ]
