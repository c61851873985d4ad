"""Many people writing at once: gunicorn with 4 workers, 8 writers, readers paging along.

Default size (and under CI=true): 8 writers x 40 entries. `make stress` (STRESS=full) runs
8 x 500. STRESS_ENTRIES overrides the count per writer.
"""

import html
import os
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live import Client, LiveServer, entry_titles, feed_path, integrity, prepare_database

pytestmark = pytest.mark.slow

FULL = os.environ.get("STRESS") == "full"
WRITERS = 8
READERS = 2
WORKERS = 4
ENTRIES = int(os.environ.get("STRESS_ENTRIES") or (500 if FULL else 40))
TIME_LIMIT = 900 if FULL else 180  # seconds for the writing, whatever the machine
VISIBILITIES = ("private", "pair", "set", "programme")
BODY = "Met the **discharge team** today.\n\n- what worked\n- what did not\n\n" + "Notes. " * 40

OLDER_LINK = re.compile(r'<a href="([^"]+)" rel="next">Older</a>')


def write_entries(server, statuses, lock, email, writer, acknowledged, deadline):
    with Client(server.url, statuses, lock) as client:
        client.sign_in(email)
        for n in range(ENTRIES):
            if time.monotonic() > deadline:
                raise AssertionError(f"writer {writer} ran out of time after {n} entries")
            title = f"Stress w{writer} e{n}"
            client.save_entry(title, BODY, VISIBILITIES[n % len(VISIBILITIES)])
            with lock:
                acknowledged.add(title)
    return ENTRIES


def read_pages(server, statuses, lock, email, feed, done):
    """Page through the shared journal, one's own, and a feed (plain and conditional)."""
    requests, page, etag = 0, "/journal/shared", None
    with Client(server.url, statuses, lock) as client:
        client.sign_in(email)
        while not done.is_set():
            listing = client.get(page)
            older = OLDER_LINK.search(listing.text)
            page = html.unescape(older.group(1)) if older else "/journal/shared"
            client.get("/journal")
            headers = {"If-None-Match": etag} if etag and requests % 2 else {}
            answer = client.get(feed, headers=headers)
            assert answer.status in (200, 304), answer.status
            etag = answer.headers.get("ETag") or etag
            requests += 3
    return requests


def test_concurrent_writers_lose_nothing_and_never_see_a_server_error(tmp_path):
    database = tmp_path / "stress.db"
    people = prepare_database(database, participants=WRITERS, readers=READERS)
    feeds = [
        feed_path(database, "g", people["programme_id"]),
        feed_path(database, "p", people["reader_ids"][0]),
    ]
    statuses, lock, acknowledged, done = Counter(), threading.Lock(), set(), threading.Event()
    started = time.monotonic()
    with LiveServer(database, workers=WORKERS) as server:
        with ThreadPoolExecutor(WRITERS + READERS) as pool:
            readers = [
                pool.submit(read_pages, server, statuses, lock, email, feeds[n % 2], done)
                for n, email in enumerate(people["readers"])
            ]
            writers = [
                pool.submit(
                    write_entries,
                    server,
                    statuses,
                    lock,
                    email,
                    n,
                    acknowledged,
                    started + TIME_LIMIT,
                )
                for n, email in enumerate(people["writers"])
            ]
            try:
                written = sum(w.result() for w in writers)
            finally:
                done.set()
            reads = sum(r.result() for r in readers)
    elapsed = time.monotonic() - started
    print(
        f"\nstress: {WRITERS} writers x {ENTRIES} entries, {reads} reads, "
        f"{sum(statuses.values())} requests in {elapsed:.1f}s, statuses {dict(statuses)}"
    )
    server_errors = {code: count for code, count in statuses.items() if code >= 500}
    assert server_errors == {}
    assert written == WRITERS * ENTRIES
    assert acknowledged - entry_titles(database) == set()
    assert len(acknowledged) == WRITERS * ENTRIES
    assert integrity(database) == "ok"
