"""Invitations: moving a seminar in a 200-person programme (POST /meetings/<id>/edit, signed
in as an organiser) records, in the same write, the change's fan-out: everyone it concerns,
whose messages the sender writes later (mail/invitations.py); timed against the same request
with invitations off (ACTIONLEARNING_MAIL_INVITATIONS=false: the same change, nothing
recorded). Target: at most 1.5x.

Each round moves the seminar to the other of two dates, so every request is a real change;
between rounds the fan-out is taken away (untimed), as the sender would, so every round
records it afresh rather than merging into the previous round's.
"""

import statistics
import time

from actionlearning import auth, create_app, programmes, scheduling
from actionlearning.db import write
from actionlearning.mail import invitations

from . import PASSWORD, SECRET_KEY, bench_app, csrf_token, ms, scratch_directory, signed_in_client

PEOPLE = 200
ROUNDS = 9
DATES = ("2027-03-30", "2027-03-31")


def _programme(db):
    programme_id = programmes.create_programme(
        db, "Bench programme", "2026-09-01", "2027-08-31", "Europe/London", "Room 1", "2027-07-08"
    )
    organiser = auth.create_person(
        db, "organiser@example.org", "Organiser", "organiser", None, PASSWORD
    )
    programmes.add_member(db, programme_id, organiser, "organiser")
    with write(db):
        for n in range(PEOPLE - 1):
            person = auth.create_person(db, f"p{n}@example.org", f"Participant {n}", "participant")
            programmes.add_member(db, programme_id, person, "participant")
    seminar = scheduling.create_meeting(
        db, programme_id, "seminar", "Pooled budgets", *_times(DATES[0]), speaker="Dr Okafor"
    )
    return organiser, seminar


def _times(day):
    from datetime import datetime

    return datetime.fromisoformat(f"{day}T12:30"), datetime.fromisoformat(f"{day}T14:00")


def _move(client, seminar, day):
    path = f"/meetings/{seminar}/edit"
    data = {
        "title": "Pooled budgets",
        "on": day,
        "start_time": "12:30",
        "end_time": "14:00",
        "venue": "Room 1",
        "speaker": "Dr Okafor",
        "csrf_token": csrf_token(client, path),
    }
    started = time.perf_counter()
    response = client.post(path, data=data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def run():
    with scratch_directory() as directory:
        app, db = bench_app(directory)
        organiser, seminar = _programme(db)
        off_app = create_app(
            {
                **{k: app.config[k] for k in ("DATABASE", "BASE_URL")},
                "SECRET_KEY": SECRET_KEY,
                "MAIL_INVITATIONS": "false",
            }
        )
        clients = {
            "on": signed_in_client(app, db, organiser),
            "off": signed_in_client(off_app, db, organiser),
        }
        times = {"on": [], "off": []}
        queued = []
        for n in range(ROUNDS + 1):  # the first round warms caches and is not counted
            for mode in ("on", "off"):
                day = DATES[(2 * n + (mode == "off") + 1) % 2]
                elapsed = _move(clients[mode], seminar, day)
                count = db.execute(
                    "SELECT coalesce(sum((SELECT count(*) FROM json_each(recipients))), 0)"
                    " FROM invitation_fanouts"
                ).fetchone()[0]
                with write(db):
                    db.execute("DELETE FROM invitation_fanouts")
                if n:
                    times[mode].append(elapsed)
                    if mode == "on":
                        queued.append(count)
        written = _sender_writes(app, db, clients["on"], seminar)
        db.conn.close()
    on, off = statistics.median(times["on"]), statistics.median(times["off"])
    return [
        (
            f"invitations: seminar moved in a {PEOPLE}-person programme (POST, a fan-out to "
            f"{queued[0]} people recorded in the same write) vs the same request with "
            "invitations off",
            f"{on / off:.1f}x ({ms(on)} vs {ms(off)})",
            "<= 1.5x",
        ),
        (
            f"invitations: send-mail writing that fan-out's {queued[0]} messages into the outbox "
            "(invitations.expand_due, outside any request)",
            f"{ms(written)} ({ms(written / queued[0])} a message)",
            "(none)",
        ),
    ]


def _sender_writes(app, db, client, seminar, rounds=3):
    """Median time the sender takes to expand one move's fan-out; between rounds the messages
    are marked sent (untimed), so each round inserts them afresh."""
    settings = invitations.settings_for(app)
    times = []
    for n in range(rounds):
        _move(client, seminar, DATES[n % 2])
        started = time.perf_counter()
        invitations.expand_due(db, settings, delay_seconds=0)
        times.append(time.perf_counter() - started)
        with write(db):
            db.execute("UPDATE outbox SET status = 'sent' WHERE status = 'queued'")
    return statistics.median(times)
