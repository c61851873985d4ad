"""The real app under gunicorn on loopback, and a small cookie-keeping HTTP client.

Used by the stress, crash and backup tests and the browser journeys: everything they
check goes through real HTTP, real worker processes and a real SQLite file.

    with LiveServer(tmp_path / "x.db", workers=4) as server:
        client = Client(server.url)
        client.sign_in("person@example.org", PASSWORD)
        entry_id = client.save_entry("Title", "Body", "private")
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from actionlearning import auth, create_app, programmes
from actionlearning.db import connect
from actionlearning.programmes.pairs import create_learning_set, create_pair

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "correct-horse-battery"
SECRET_KEY = "live-test-secret-key"
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ENTRY_LOCATION = re.compile(r"/journal/(\d+)$")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database):
    """The environment every process of the app under test gets (server and CLI)."""
    env = dict(os.environ)
    env.update(
        ACTIONLEARNING_DATABASE=str(database),
        ACTIONLEARNING_BASE_URL="http://127.0.0.1",
        SECRET_KEY=SECRET_KEY,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def flask_command(database, *args, check=True, timeout=60, env=None):
    """Run `flask --app actionlearning ARGS` against the database, as a user would."""
    return subprocess.run(
        [str(BIN / "flask"), "--app", "actionlearning", *args],
        cwd=ROOT,
        env={**app_env(database), **(env or {})},
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
    )


class LiveServer:
    """gunicorn in its own process group; stop() ends it politely, kill() with SIGKILL."""

    def __init__(self, database, workers=4, log=None, timeout=30, threads=1, env=None):
        self.database = Path(database)
        self.workers = workers
        self.threads = threads  # >1: gthread workers, each serving that many requests at once
        self.env = env or {}
        self.log_path = Path(log) if log else self.database.with_suffix(".gunicorn.log")
        self.start_timeout = timeout
        self.process = None
        self.port = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        """What start() runs; tests/test_replication.py runs it under Litestream instead."""
        return [
            str(BIN / "gunicorn"),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--graceful-timeout",
            "5",
            *(["--threads", str(self.threads)] if self.threads > 1 else []),
            "actionlearning:create_app()",
        ]

    def start(self):
        self.port = free_port()
        log = open(self.log_path, "ab")  # noqa: SIM115  (closed in _reap)
        self._log = log
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env={**app_env(self.database), **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes the workers too
        )
        self.wait_until_healthy()
        return self

    def wait_until_healthy(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.log()}")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                if response.status == 200 and response.read().strip() == b"ok":
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer /healthz in time: {self.log()}")

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def _signal(self, sig):
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self):
        """kill -9 the master and every worker at once, as a power cut would."""
        if self.process is None:
            return
        self._signal(signal.SIGKILL)
        self._reap()

    def stop(self):
        if self.process is None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
        self._reap()

    def _reap(self):
        self.process.wait(timeout=15)
        self._log.close()
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self):
        return self.headers.get("Location", "")


class Client:
    """One signed-in person: keeps cookies, finds CSRF tokens, counts every status it sees.

    `statuses` may be shared between clients (a Counter guarded by `lock`) so a test can
    assert that no response at all was a 5xx.
    """

    def __init__(self, base_url, statuses=None, lock=None, timeout=30):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout
        self.cookies = {}
        self.statuses = statuses if statuses is not None else Counter()
        self.lock = lock or threading.Lock()
        self.csrf = None
        self._conn = None

    def _connection(self):
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()

    def request(self, method, path, fields=None, headers=None, body=None):
        headers = dict(headers or {})
        if fields is not None:
            body = urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = self._connection()
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
        except Exception:
            self.close()
            raise
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        for header in raw.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["expires"] and "1970" in morsel["expires"] or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        response = Response(raw.status, raw.headers, data)
        with self.lock:
            self.statuses[raw.status] += 1
        return response

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, fields, headers=None):
        return self.request("POST", path, fields=fields, headers=headers)

    def csrf_token(self, path):
        response = self.get(path)
        match = CSRF_PATTERN.search(response.text)
        if not match:
            raise AssertionError(f"no csrf_token on {path} ({response.status})")
        self.csrf = match.group(1)
        return self.csrf

    def sign_in(self, email, password=PASSWORD):
        token = self.csrf_token("/login")
        response = self.post("/login", {"email": email, "password": password, "csrf_token": token})
        if response.status != 302:
            raise AssertionError(f"sign-in for {email} answered {response.status}")
        self.csrf = None  # the session changed: fetch a fresh token before the next form
        return response

    def save_entry(self, title, body, visibility="private"):
        """POST /journal/new as the DESIGN.md contract says; the new id once acknowledged."""
        token = self.csrf or self.csrf_token("/journal/new")
        response = self.post(
            "/journal/new",
            {"title": title, "body": body, "visibility": visibility, "csrf_token": token},
        )
        match = ENTRY_LOCATION.search(urlsplit(response.location).path)
        if response.status != 302 or not match:
            raise AssertionError(
                f"saving '{title}' answered {response.status} {response.location!r}"
            )
        return int(match.group(1))


# Databases for the live tests


def prepare_database(path, participants=8, readers=1, meetings=6):
    """A migrated database with one programme of signed-up people; returns who is who.

    Participants are paired in twos, every pair in one learning set with a facilitator,
    so that every visibility can be chosen; readers are plain programme members. A few
    seminars and set meetings give the feeds something to carry. Domain functions write
    straight to the SQLite file the server will open; everyone shares PASSWORD.
    """
    from datetime import datetime

    from actionlearning import scheduling

    create_app({"DATABASE": str(path), "SECRET_KEY": SECRET_KEY, "TESTING": True})  # migrates
    db = connect(str(path))
    try:
        programme_id = programmes.create_programme(
            db, "Live programme", "2026-09-01", "2027-08-31", "Europe/London", "Room 1"
        )

        def person(email, name, role):
            person_id = auth.create_person(db, email, name, role, None, PASSWORD)
            programmes.add_member(db, programme_id, person_id, role)
            return person_id

        organiser = person("organiser@example.org", "Olive Organiser", "organiser")
        facilitator = person("facilitator@example.org", "Fran Facilitator", "facilitator")
        learning_set_id = create_learning_set(db, programme_id, "Live set", facilitator)
        ids = [
            person(f"writer{n}@example.org", f"Writer {n}", "participant")
            for n in range(participants)
        ]
        for first in range(0, participants - 1, 2):
            create_pair(
                db,
                programme_id,
                ids[first : first + 2],
                "Discharge from hospital",
                learning_set_id=learning_set_id,
            )
        reader_ids = [
            person(f"reader{n}@example.org", f"Reader {n}", "participant") for n in range(readers)
        ]
        for n in range(meetings):
            month = 10 + n % 3
            scheduling.create_meeting(
                db,
                programme_id,
                "seminar" if n % 2 else "set_meeting",
                f"Meeting {n}",
                datetime(2026, month, 10 + n, 10),
                datetime(2026, month, 10 + n, 13),
                learning_set_id=None if n % 2 else learning_set_id,
            )
        return {
            "programme_id": programme_id,
            "learning_set_id": learning_set_id,
            "organiser": "organiser@example.org",
            "organiser_id": organiser,
            "facilitator": "facilitator@example.org",
            "writers": [f"writer{n}@example.org" for n in range(participants)],
            "writer_ids": ids,
            "readers": [f"reader{n}@example.org" for n in range(readers)],
            "reader_ids": reader_ids,
        }
    finally:
        db.conn.close()


def feed_path(path, scope, subject_id):
    """The /feeds/<token>.ics path of a feed, as the app would hand it out."""
    from actionlearning import feeds

    db = connect(str(path))
    try:
        return f"/feeds/{feeds.feed_token(db, SECRET_KEY, scope, subject_id)}.ics"
    finally:
        db.conn.close()


def entry_titles(path):
    """Every journal entry title in the file, read without the app."""
    db = connect(str(path))
    try:
        return {row[0] for row in db.execute("SELECT title FROM journal_entries")}
    finally:
        db.conn.close()


def integrity(path):
    db = connect(str(path))
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.conn.close()
