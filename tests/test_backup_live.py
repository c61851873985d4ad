"""`flask backup FILE` while people are saving: the copy is whole and holds what was saved.

Writers keep saving entries through gunicorn while the backup command runs three times as
a separate process (as cron would run it). Each copy must open, pass integrity_check and
hold every entry acknowledged before that backup began; a server started on a copy (the
README's restore steps) shows those entries.
"""

import shutil
import threading
import time
from collections import Counter

import pytest

from tests.live import (
    Client,
    LiveServer,
    entry_titles,
    flask_command,
    integrity,
    prepare_database,
)

pytestmark = pytest.mark.slow

WRITERS = 4
BACKUPS = 3


def keep_writing(server, email, writer, state):
    with Client(server.url, state["statuses"], state["lock"]) as client:
        client.sign_in(email)
        n = 0
        while not state["done"].is_set():
            title = f"Backup w{writer} e{n}"
            entry_id = client.save_entry(title, "Saved while a backup ran.", "private")
            with state["lock"]:
                state["acknowledged"][title] = (email, entry_id)
            n += 1


def wait_for(state, count, seconds=60):
    deadline = time.monotonic() + seconds
    while len(state["acknowledged"]) < count:
        assert time.monotonic() < deadline, "the writers stalled"
        time.sleep(0.01)


def test_backup_during_writes_holds_every_entry_acknowledged_before_it(tmp_path):
    database = tmp_path / "live.db"
    people = prepare_database(database, participants=WRITERS, readers=0, meetings=0)
    state = {
        "statuses": Counter(),
        "lock": threading.Lock(),
        "acknowledged": {},
        "done": threading.Event(),
    }
    copies = []
    with LiveServer(database, workers=4) as server:
        threads = [
            threading.Thread(target=keep_writing, args=(server, email, n, state))
            for n, email in enumerate(people["writers"])
        ]
        for thread in threads:
            thread.start()
        try:
            for k in range(BACKUPS):
                wait_for(state, 20 * (k + 1))
                with state["lock"]:
                    before = dict(state["acknowledged"])
                copy = tmp_path / f"backup-{k}.db"
                result = flask_command(database, "backup", str(copy))
                with state["lock"]:
                    during = len(state["acknowledged"]) - len(before)
                assert result.returncode == 0, result.stderr
                assert "integrity ok" in result.stdout
                copies.append((copy, before, during))
        finally:
            state["done"].set()
            for thread in threads:
                thread.join(timeout=60)
    assert {code for code in state["statuses"] if code >= 500} == set()
    for copy, before, _during in copies:
        assert integrity(copy) == "ok"
        assert set(before) - entry_titles(copy) == set()
    assert set(state["acknowledged"]) - entry_titles(database) == set()
    print(
        f"\nbackup: {BACKUPS} copies while {WRITERS} writers saved "
        f"{len(state['acknowledged'])} entries; saves acknowledged during each backup: "
        f"{[during for _copy, _before, during in copies]}"
    )

    # Restore, as the README says: stop the app, put the copy in place, start it again.
    copy, before, _during = copies[-1]
    restored = tmp_path / "restored.db"
    shutil.copyfile(copy, restored)
    title, (email, entry_id) = next(iter(before.items()))
    with LiveServer(restored, workers=1) as server, Client(server.url) as client:
        client.sign_in(email)
        page = client.get(f"/journal/{entry_id}")
        assert page.status == 200
        assert title in page.text


def test_backup_to_an_unwritable_place_fails_clearly_and_leaves_the_database_alone(tmp_path):
    database = tmp_path / "live.db"
    prepare_database(database, participants=2, readers=0, meetings=0)
    before = integrity(database)
    result = flask_command(
        database, "backup", str(tmp_path / "missing" / "dir" / "x.db"), check=False
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert before == integrity(database) == "ok"
