"""Calendar feeds: conditional requests against a Flask hello-world, and a 1,000-meeting feed
against building the same events with bare icalendar.

A calendar client polls every hour, and almost every poll should be a cheap 304; a large
programme's feed should cost little more than icalendar itself needs to write the text.
"""

import time
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from actionlearning import feeds, scheduling
from actionlearning.db import write

from . import (
    SECRET_KEY,
    bench_app,
    hello_world,
    per_call,
    programme_with_people,
    ratio,
    scratch_directory,
)
from .journal import HTTP_SECONDS, _Gunicorn  # one way to serve the app for benchmarks

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

    What every request to this app costs before any view runs (session, CSRF, headers).
    """
    from actionlearning import create_app

    app = create_app()

    @app.get("/bench-floor")
    def floor():
        return "ok"

    return app


def _requests_per_second(server, path, headers, status, seconds=HTTP_SECONDS):
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        answer, _, _ = server.request("GET", path, headers=headers)
        assert answer == status, answer
        done += 1
    return done / (time.perf_counter() - started)


def _http_rows(app, db, path, etag):
    """304 answers vs hello-world over real HTTP: gunicorn, one sync worker each, as served."""
    env = {
        "ACTIONLEARNING_DATABASE": app.config["DATABASE"],
        "SECRET_KEY": SECRET_KEY,
        "ACTIONLEARNING_BASE_URL": app.config["BASE_URL"],
    }
    hello = _Gunicorn("bench.journal:hello_app()")
    try:
        hello_rps = hello.requests_per_second("/")
    finally:
        hello.stop()
    server = _Gunicorn("bench.feeds:app_with_floor()", env)
    try:
        status, headers, _ = server.request("GET", path)
        assert (status, headers["ETag"]) == (200, etag), (status, headers["ETag"])
        floor_rps = _requests_per_second(server, "/bench-floor", {}, 200)
        feed_rps = _requests_per_second(server, path, {"If-None-Match": etag}, 304)
    finally:
        server.stop()
    return [
        (
            "feeds: 304 answers vs Flask hello-world, requests/s, gunicorn 1 worker",
            f"{feed_rps / hello_rps:.2f}x ({feed_rps:,.0f} vs {hello_rps:,.0f} requests/s)",
            ">= 0.8x",
        ),
        (
            "feeds: this app's do-nothing route vs hello-world, gunicorn (the ceiling above)",
            f"{floor_rps / hello_rps:.2f}x ({floor_rps:,.0f} requests/s)",
            "(none)",
        ),
    ]


def run():
    with scratch_directory() as directory:
        app, db = bench_app(directory)
        ids = programme_with_people(db)
        _add_meetings(db, ids, MEETINGS)
        person = ids["participant_ids"][0]
        client = app.test_client()

        # A programme feed of one seminar: what a client polls, answered 304 when unchanged.
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

        # A person's feed of 1,001 meetings, against icalendar writing the same events.
        big = f"/feeds/{feeds.feed_token(db, SECRET_KEY, 'p', person)}.ics"
        body = client.get(big).data
        events = _event_values(body)
        assert len(events) == MEETINGS + 1
        feed, bare = _interleaved(lambda: client.get(big), lambda: _bare_icalendar(events))

        http_rows = _http_rows(app, db, small, etag)
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
