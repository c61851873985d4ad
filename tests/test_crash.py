"""Power cuts: kill -9 the whole server while people are saving, again and again.

After every kill the server is started again exactly as `make serve` would (no repair
step): it must come up, the file must pass integrity_check, and every entry whose save was
acknowledged (302 to /journal/<id>) must be there. Default and CI: 10 kills; STRESS=full
(make stress): 30. CRASH_CYCLES overrides.
"""

import os
import random
import threading
import time
from collections import Counter

import pytest

from tests.live import Client, LiveServer, entry_titles, integrity, prepare_database

pytestmark = pytest.mark.slow

FULL = os.environ.get("STRESS") == "full"
CYCLES = int(os.environ.get("CRASH_CYCLES") or (30 if FULL else 10))
WRITERS = 4
WORKERS = 2


def keep_writing(server, email, cycle, writer, state):
    """Save entries until the server dies; only a 302 to the entry counts as acknowledged."""
    with Client(server.url, state["statuses"], state["lock"], timeout=10) as client:
        try:
            client.sign_in(email)
            for n in range(10_000):
                title = f"Crash c{cycle} w{writer} e{n}"
                client.save_entry(title, f"Entry {n} before the power cut.", "private")
                with state["lock"]:
                    state["acknowledged"].add(title)
                    state["this_cycle"] += 1
        except Exception as error:  # connection reset, incomplete read, refused...  # noqa: BLE001
            if not state["killed"].is_set():
                state["errors"].append(f"{email}: {error!r}")
            else:
                with state["lock"]:
                    state["cut_off"] += 1  # a request was in flight when the server died


def test_kill_9_mid_write_loses_no_acknowledged_entry_and_restarts_unaided(tmp_path):
    database = tmp_path / "crash.db"
    people = prepare_database(database, participants=WRITERS, readers=0, meetings=0)
    rng = random.Random(30)
    state = {
        "statuses": Counter(),
        "lock": threading.Lock(),
        "acknowledged": set(),
        "errors": [],
        "cut_off": 0,
    }
    for cycle in range(CYCLES):
        state["killed"] = threading.Event()
        state["this_cycle"] = 0
        server = LiveServer(database, workers=WORKERS).start()  # fails the test if it cannot
        try:
            threads = [
                threading.Thread(target=keep_writing, args=(server, email, cycle, n, state))
                for n, email in enumerate(people["writers"])
            ]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 30
            while state["this_cycle"] < 5 and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.3))  # land somewhere in the middle of a save
            state["killed"].set()
            server.kill()
            for thread in threads:
                thread.join(timeout=30)
        finally:
            server.kill()
        assert state["errors"] == [], state["errors"]
        assert state["this_cycle"] >= 5, f"cycle {cycle}: the writers never got going"
        assert integrity(database) == "ok", f"after kill {cycle + 1}"
        missing = state["acknowledged"] - entry_titles(database)
        assert missing == set(), f"after kill {cycle + 1}"
    with LiveServer(database, workers=WORKERS) as server, Client(server.url) as client:
        client.sign_in(people["writers"][0])
        assert client.get("/journal").status == 200
    stored = entry_titles(database)
    print(
        f"\ncrash: {CYCLES} kills, {len(state['acknowledged'])} acknowledged saves all kept, "
        f"{len(stored) - len(state['acknowledged'])} more saved but unacknowledged, "
        f"{state['cut_off']} requests cut off mid-flight, statuses {dict(state['statuses'])}"
    )
    assert {code for code in state["statuses"] if code >= 500} == set()
