"""Benchmarks (`make bench` or `python -m bench`): figures as ratios against baselines.

Every module listed in bench/__main__.py exposes `run()` returning rows
(label, value, target): value is a string such as "3.1x" or "4.2 ms", target says what
we aim for. A baseline (a Flask hello-world, a bare icalendar calendar, a bare FTS5
query...) is measured in the same run on the same machine, so the ratios travel between
machines where raw times do not. Nothing here is asserted in tests.

Shared helpers live here: timing, a throwaway app on a temporary SQLite file, a Flask
hello-world, and signing a test client in through the real login form.
"""

import re
import tempfile
import time
from pathlib import Path

from flask import Flask
from werkzeug.security import generate_password_hash

from actionlearning import auth, create_app, programmes
from actionlearning.db import connect, write
from actionlearning.programmes.pairs import create_learning_set, create_pair

PASSWORD = "bench-password-123"
SECRET_KEY = "bench-secret-key"
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def per_call(function, number=50, repeat=5):
    """Seconds per call of function(): the best of `repeat` rounds of `number` calls."""
    function()  # warm caches, templates and the connection first
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - started) / number)
    return best


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


def ratio(value, baseline):
    return f"{value / baseline:.1f}x"


def hello_world():
    """The baseline web request: Flask's hello-world through its test client."""
    app = Flask("hello")

    @app.get("/")
    def hello():
        return "Hello, World!"

    client = app.test_client()
    return lambda: client.get("/")


def scratch_directory():
    """A temporary directory that lives as long as the returned object."""
    return tempfile.TemporaryDirectory(prefix="actionlearning-bench-")


def bench_app(directory):
    """The real app on a fresh SQLite file in directory; returns (app, open db)."""
    path = str(Path(directory) / "bench.db")
    app = create_app({"DATABASE": path, "SECRET_KEY": SECRET_KEY, "BASE_URL": "http://bench"})
    return app, connect(path)


def programme_with_people(db, participants=8):
    """A programme with one learning set of pairs; returns ids (programme, set, people)."""
    programme_id = programmes.create_programme(
        db, "Bench programme", "2026-09-01", "2027-08-31", "Europe/London", "Room 1", "2027-07-08"
    )

    # scrypt is slow on purpose: hash the one bench password once, not once per person.
    password_hash = generate_password_hash(PASSWORD)

    def person(n, role):
        person_id = auth.create_person(db, f"{role}{n}@example.org", f"{role.title()} {n}", role)
        with write(db):
            db.execute(
                "UPDATE people SET password_hash = ? WHERE id = ?", [password_hash, person_id]
            )
        programmes.add_member(db, programme_id, person_id, role)
        return person_id

    organiser = person(0, "organiser")
    facilitator = person(0, "facilitator")
    learning_set_id = create_learning_set(db, programme_id, "Bench set", facilitator)
    people = [person(n, "participant") for n in range(participants)]
    pairs = [
        create_pair(
            db,
            programme_id,
            people[n : n + 2],
            "Discharge from hospital",
            learning_set_id=learning_set_id,
        )
        for n in range(0, participants - 1, 2)
    ]
    return {
        "programme_id": programme_id,
        "learning_set_id": learning_set_id,
        "organiser_id": organiser,
        "facilitator_id": facilitator,
        "participant_ids": people,
        "pair_ids": pairs,
    }


def signed_in_client(app, db, person_id):
    """A test client signed in through the real login form (CSRF and all)."""
    client = app.test_client()
    email = auth.person(db, person_id)["email"]
    html = client.get("/login").get_data(as_text=True)
    token = CSRF_PATTERN.search(html).group(1)
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code
    return client


def csrf_token(client, path):
    return CSRF_PATTERN.search(client.get(path).get_data(as_text=True)).group(1)
