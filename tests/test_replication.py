"""Replication with Litestream: the restore drill, and restore-replica's answers to bad input.

The drill: the app runs as `make serve` runs it with ACTIONLEARNING_REPLICA_URL set
(`litestream replicate -exec "sh deploy/serve-app.sh"`, gunicorn and the mail sender), with a
file:// replica; four writers save journal entries; everything is killed with SIGKILL
mid-write; the primary and its WAL are deleted; `flask restore-replica` writes the replica
to a new file; the app starts on it. Every entry acknowledged longer than the sync interval
before the kill must be there. The short form (make test) writes for a few seconds once;
STRESS=full (make stress) writes longer, three times over.
"""

import os
import threading
import time
from pathlib import Path

import pytest

from actionlearning import replication
from tests.live import (
    BIN,
    Client,
    LiveServer,
    entry_titles,
    flask_command,
    integrity,
    prepare_database,
)

FULL = os.environ.get("STRESS") == "full"
ROUNDS = 3 if FULL else 1
WRITE_SECONDS = 20 if FULL else 4
SYNC = replication.SYNC_INTERVAL_SECONDS
# An acknowledged save reaches the replica at Litestream's next look at the WAL and its next
# sync after that, plus the time Litestream takes to write the file (up to a few tenths of a
# second when eight test runs share two cores): older than that, it must have survived.
WINDOW = SYNC + replication.MONITOR_INTERVAL_MS / 1000 + 0.4


class ReplicatedServer(LiveServer):
    """The app as `make serve` starts it when ACTIONLEARNING_REPLICA_URL is set."""

    def __init__(self, database, replica_url, **kwargs):
        super().__init__(database, **kwargs)
        self.replica_url = replica_url

    def command(self):
        # deploy/serve-app.sh reads these, as make serve exports them; the port is chosen
        # by start() just before it asks for the command.
        self.env.update(
            ACTIONLEARNING_REPLICA_URL=self.replica_url,
            BIN=str(BIN),
            WORKERS=str(self.workers),
            PORT=str(self.port),
        )
        config = replication.write_config(
            self.database.with_suffix(".litestream.yml"), self.database, self.replica_url
        )
        return [
            replication.litestream_binary(),
            "replicate",
            "-config",
            str(config),
            "-exec",
            "sh deploy/serve-app.sh",
        ]


def keep_writing(server, email, writer, state):
    """Save entries until the server dies; note when each save was acknowledged."""
    with Client(server.url, timeout=10) as client:
        try:
            client.sign_in(email)
            for n in range(100_000):
                title = f"Drill w{writer} e{n}"
                client.save_entry(title, "Saved before the disk died.", "private")
                with state["lock"]:
                    state["acknowledged"][title] = time.monotonic()
        except Exception as error:  # noqa: BLE001  (the kill cuts requests off)
            if not state["killed"].is_set():
                state["errors"].append(f"{email}: {error!r}")


def drill_round(tmp_path, number):
    primary = tmp_path / f"primary{number}.db"
    replica_url = f"file://{tmp_path / f'replica{number}'}"
    people = prepare_database(primary, participants=4, readers=0, meetings=0)
    state = {
        "lock": threading.Lock(),
        "acknowledged": {},
        "errors": [],
        "killed": threading.Event(),
    }
    server = ReplicatedServer(primary, replica_url, workers=2, timeout=60).start()
    try:
        writers = [
            threading.Thread(target=keep_writing, args=(server, email, n, state))
            for n, email in enumerate(people["writers"])
        ]
        for thread in writers:
            thread.start()
        deadline = time.monotonic() + 60  # signing in (scrypt) is slow on a busy machine
        while len(state["acknowledged"]) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(WRITE_SECONDS)
        state["killed"].set()
        killed_at = time.monotonic()
        server.kill()  # SIGKILL to Litestream, gunicorn's master and workers, the sender
        for thread in writers:
            thread.join(timeout=30)
    finally:
        server.kill()
    assert state["errors"] == [], state["errors"]
    for leftover in (primary, Path(f"{primary}-wal"), Path(f"{primary}-shm")):
        leftover.unlink(missing_ok=True)

    restored = tmp_path / f"restored{number}.db"
    env = {"ACTIONLEARNING_REPLICA_URL": replica_url}
    result = flask_command(primary, "restore-replica", str(restored), check=False, env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "integrity ok" in result.stdout and "Next: stop the app" in result.stdout
    assert integrity(restored) == "ok"
    kept = entry_titles(restored)
    lost = {t: killed_at - at for t, at in state["acknowledged"].items() if t not in kept}
    older = {t for t, at in state["acknowledged"].items() if killed_at - at > WINDOW}
    assert len(state["acknowledged"]) >= 20, "the writers never got going"
    assert older - kept == set(), f"lost entries older than {WINDOW} s: {sorted(older - kept)}"
    with LiveServer(restored, workers=1) as again, Client(again.url) as client:
        client.sign_in(people["writers"][0])
        assert client.get("/journal").status == 200
        client.save_entry("After the restore", "The restored file takes new entries.")
    return len(state["acknowledged"]), lost


@pytest.mark.slow
def test_restore_drill_keeps_every_entry_older_than_the_sync_interval(tmp_path):
    results = [drill_round(tmp_path, n) for n in range(ROUNDS)]

    saved = sum(n for n, _lost in results)
    lost = [age for _n, found in results for age in found.values()]
    print(
        f"\nrestore drill: {ROUNDS} round(s) of {WRITE_SECONDS} s, {saved} acknowledged saves, "
        f"{len(lost)} lost at the kill, the oldest lost acknowledged "
        f"{max(lost, default=0):.2f} s before it (sync interval {SYNC} s, bound {WINDOW} s)"
    )


# restore-replica and litestream-config on bad input


def test_restore_replica_without_url_is_refused(runner, tmp_path):
    result = runner.invoke(args=["restore-replica", str(tmp_path / "new.db")])

    assert result.exit_code == 1
    assert "ACTIONLEARNING_REPLICA_URL is not set" in result.output
    assert not (tmp_path / "new.db").exists()


def test_restore_from_missing_replica_says_so(app, runner, tmp_path):
    app.config["REPLICA_URL"] = f"file://{tmp_path / 'nothing-here'}"

    result = runner.invoke(args=["restore-replica", str(tmp_path / "new.db")])

    assert result.exit_code == 1
    assert "Could not restore from file://" in result.output
    assert "no matching backup files available" in result.output
    assert list(tmp_path.glob("new.db*")) == []


def test_restore_from_damaged_replica_says_so(app, runner, tmp_path):
    damaged = tmp_path / "replica" / "ltx" / "0"
    damaged.mkdir(parents=True)
    (damaged / "0000000000000001-0000000000000001.ltx").write_bytes(b"not an LTX file")
    app.config["REPLICA_URL"] = f"file://{tmp_path / 'replica'}"

    result = runner.invoke(args=["restore-replica", str(tmp_path / "new.db")])

    assert (result.exit_code, "Could not restore" in result.output) == (1, True)
    assert list(tmp_path.glob("new.db*")) == []


def test_restore_over_an_existing_file_is_refused(app, runner, tmp_path):
    existing = tmp_path / "kept.db"
    existing.write_bytes(b"precious")
    app.config["REPLICA_URL"] = f"file://{tmp_path / 'replica'}"

    result = runner.invoke(args=["restore-replica", str(existing)])

    assert result.exit_code == 1 and "already exists" in result.output
    assert existing.read_bytes() == b"precious"


def test_restore_over_the_live_database_is_refused(app, runner):
    app.config["REPLICA_URL"] = "file:///tmp/replica"

    result = runner.invoke(args=["restore-replica", app.config["DATABASE"]])

    assert result.exit_code == 1 and "not over the live database" in result.output


def test_litestream_config_names_database_and_replica(app, runner, tmp_path):
    app.config["REPLICA_URL"] = "s3://nhs-backups/actionlearning"
    path = tmp_path / "litestream.yml"

    result = runner.invoke(args=["litestream-config", str(path)])

    assert result.exit_code == 0 and result.output.strip() == str(path)
    assert f'  - path: "{app.config["DATABASE"]}"' in path.read_text()
    assert '      url: "s3://nhs-backups/actionlearning"' in path.read_text()


def test_replicated_connections_leave_checkpoints_to_litestream(tmp_path):
    from actionlearning import create_app
    from actionlearning.db import pooled

    replicated = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE": str(tmp_path / "r.db"),
            "REPLICA_URL": "file:///tmp/replica",
        }
    )
    plain = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path / "p.db")})

    with pooled(replicated) as db, pooled(plain) as other:
        pages = [d.execute("PRAGMA wal_autocheckpoint").fetchone()[0] for d in (db, other)]
        waits = [d.execute("PRAGMA busy_timeout").fetchone()[0] for d in (db, other)]

    assert pages == [0, 1000]
    assert waits == [5000, 5000]  # Litestream's advice: 5 seconds
