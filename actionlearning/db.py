"""The database: one connection per request, one way to write, numbered migrations."""

import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import UTC, datetime

import click
from flask import current_app, g
from flask.cli import with_appcontext
from sqlite_utils import Database

BUSY_TIMEOUT_SECONDS = 5


def connect(path, checkpoints=True):
    """Open the SQLite file with the settings every connection needs.

    checkpoints=False when Litestream replicates the file: it checkpoints, the app must not
    (replication.py says why).
    """
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    # Foreign keys and synchronous are per connection, not stored in the file.
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    conn.execute("PRAGMA synchronous = FULL")  # writes are human-rate: durability first
    # Sorting and DISTINCT work in memory, not a temporary file: with a file, a feed's
    # state query took 250 µs instead of 28 µs in about one run in three (bench/feeds.py).
    conn.execute("PRAGMA temp_store = MEMORY")
    # What is deleted (an entry its author removed, a person erased) is overwritten, not
    # left readable in free pages; writes are human-rate, so the extra I/O is not felt.
    conn.execute("PRAGMA secure_delete = ON")
    if not checkpoints:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
    return Database(conn)


class ConnectionPool:
    """Idle connections kept between requests; each request has one to itself.

    A new SQLite connection parses the whole schema on its first query (about 0.4 ms,
    longer than a whole hello-world request), so a poll of a calendar feed or a page view
    would pay that every time. The pool belongs to the app (one per gunicorn worker) and
    forgets connections opened before a fork.
    """

    def __init__(self, size=8, checkpoints=True):
        self.size = size
        self.checkpoints = checkpoints
        self._idle = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def acquire(self, path):
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's connections are not ours
                self._idle, self._pid = [], os.getpid()
            for index, (idle_path, db) in enumerate(self._idle):
                if idle_path == path:
                    del self._idle[index]
                    return db
        return connect(path, self.checkpoints)

    def release(self, path, db):
        """Take a connection back, clean; close it when the pool is full or it is broken."""
        try:
            if db.conn.in_transaction:
                db.conn.rollback()  # a request that failed mid-write leaves nothing open
        except sqlite3.Error:
            db.conn.close()
            return
        with self._lock:
            if self._pid == os.getpid() and len(self._idle) < self.size:
                self._idle.append((path, db))
                return
        db.conn.close()


def get_db():
    """The request's connection: taken from the app's pool on first use, returned at teardown."""
    if "db" not in g:
        path = current_app.config["DATABASE"]
        g.db = current_app.extensions["actionlearning.db_pool"].acquire(path)
        g.db_path = path
    return g.db


@contextmanager
def pooled(app):
    """A connection from the app's pool outside a Flask request (the feed server in front
    of Flask), returned to the pool as get_db's is at teardown."""
    path = app.config["DATABASE"]
    pool = app.extensions["actionlearning.db_pool"]
    db = pool.acquire(path)
    try:
        yield db
    finally:
        pool.release(path, db)


def close_db(_exc=None):
    db = g.pop("db", None)
    if db is not None:
        current_app.extensions["actionlearning.db_pool"].release(g.pop("db_path"), db)


@contextmanager
def write(db):
    """One write transaction, locked from the start; a nested write() joins the outer one.

    Plain BEGIN (sqlite-utils' atomic()) takes the write lock only at the first
    write, so two workers upgrading from read to write fail with "database is
    locked" instead of waiting: BEGIN IMMEDIATE waits on the busy timeout. Joining
    lets an action built from other actions (an import made of create_person and
    create_pair, a change and the mail it causes) commit as one transaction.
    """
    if db.conn.in_transaction:  # inside another write(): be part of it
        yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise
    db.conn.commit()


def rows(db, sql, params=None):
    """Rows as dicts. db.query() would wrap each read in a SAVEPOINT and RELEASE: two more
    statements on every list, page and sign-in check, for reads that need no transaction."""
    cursor = db.execute(sql, params or {})
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


def one(db, sql, params=None):
    """The first row as a dict, or None."""
    found = rows(db, sql, params)
    return found[0] if found else None


def now():
    """The current time as a UTC ISO string, the form every *_at column holds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def schema_version(db):
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db):
    """Apply the migrations past PRAGMA user_version, each in its own write."""
    from .migrations import MIGRATIONS

    db.execute("PRAGMA journal_mode = WAL")  # stored in the file: set once
    applied = []
    for version, migration in enumerate(MIGRATIONS, start=1):
        if schema_version(db) >= version:
            continue
        with write(db):
            # Re-read inside the lock: another worker may have migrated meanwhile.
            if schema_version(db) >= version:
                continue
            migration(db)
            db.execute(f"PRAGMA user_version = {version}")
        applied.append(migration.__name__)
    return applied


def init_app(app):
    replicated = bool(app.config.get("REPLICA_URL"))
    app.extensions["actionlearning.db_pool"] = ConnectionPool(checkpoints=not replicated)
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
    path = app.config["DATABASE"]
    if path != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    db = connect(path, checkpoints=not replicated)
    try:
        migrate(db)  # start-up migrates too, so a new release never serves an old schema
    finally:
        db.conn.close()


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or migrate the database; safe to run again."""
    db = get_db()
    migrate(db)
    click.echo(f"Database {current_app.config['DATABASE']} at version {schema_version(db)}.")
