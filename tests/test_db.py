"""The database module: connection settings, the write helper and migrations."""

import sqlite3

import pytest

from actionlearning import create_app
from actionlearning.db import connect, migrate, schema_version, write
from actionlearning.migrations import MIGRATIONS


def table_names(db):
    return set(db.table_names())


def test_every_connection_has_foreign_keys_wal_and_busy_timeout(app):
    db = connect(app.config["DATABASE"])

    settings = [
        db.execute(f"PRAGMA {p}").fetchone()[0]
        for p in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")
    ]

    assert settings == [1, "wal", 5000, 2]


def test_empty_database_migrates_to_the_latest_version(tmp_path):
    db = connect(str(tmp_path / "new.db"))

    migrate(db)

    assert schema_version(db) == len(MIGRATIONS)
    assert {"programmes", "people", "login_sessions", "meetings"} <= table_names(db)


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
def test_database_at_an_earlier_version_migrates_to_the_latest(tmp_path, version):
    path = str(tmp_path / "old.db")
    db = connect(path)
    for number, migration in enumerate(MIGRATIONS[:version], start=1):
        with write(db):
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    reference = connect(str(tmp_path / "fresh.db"))
    migrate(reference)

    applied = migrate(db)

    assert applied == [m.__name__ for m in MIGRATIONS[version:]]
    assert schema_version(db) == len(MIGRATIONS)
    assert table_names(db) == table_names(reference)


def test_migrating_twice_changes_nothing(app):
    db = connect(app.config["DATABASE"])

    assert migrate(db) == []


def test_write_rolls_back_everything_on_error(db):
    with pytest.raises(RuntimeError), write(db):
        db["organisations"].insert({"name": "Half written", "kind": "nhs"})
        raise RuntimeError("failure halfway")

    assert db["organisations"].count == 0


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError), write(db):
        db["programme_members"].insert(
            {"programme_id": 999, "person_id": 999, "role": "participant"}
        )


def test_write_takes_the_lock_at_begin(app, db):
    other = connect(app.config["DATABASE"])
    other.execute("PRAGMA busy_timeout = 0")

    with write(db), pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")


def test_first_run_creates_instance_config_with_a_random_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"

    first = create_app({"DATABASE": str(tmp_path / "a.db")}, instance_path=str(instance))
    second = create_app({"DATABASE": str(tmp_path / "a.db")}, instance_path=str(instance))

    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (instance / "config.py").stat().st_mode & 0o077 == 0


def test_environment_variables_win_over_instance_config(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTIONLEARNING_DATABASE", str(tmp_path / "env.db"))
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")

    app = create_app(instance_path=str(tmp_path / "instance"))

    assert app.config["DATABASE"] == str(tmp_path / "env.db")
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_connection_left_mid_write_is_rolled_back_before_reuse(app, db):
    from actionlearning.db import get_db

    with app.app_context():
        first = get_db()
        first.conn.execute("BEGIN IMMEDIATE")
        first["organisations"].insert({"name": "Never committed", "kind": "nhs"})
    with app.app_context():
        second = get_db()
        in_transaction = second.conn.in_transaction

    assert second is first
    assert in_transaction is False
    assert db["organisations"].count == 0


def test_nested_write_joins_the_outer_transaction(db):
    from actionlearning.db import write

    with pytest.raises(RuntimeError), write(db):
        db["organisations"].insert({"name": "Outer", "kind": "nhs"})
        with write(db):
            db["organisations"].insert({"name": "Inner", "kind": "nhs"})
        raise RuntimeError("the outer action fails after the inner one finished")

    assert db["organisations"].count == 0


def test_rows_and_one_read_dicts(db):
    from actionlearning.db import one, rows, write

    with write(db):
        db["organisations"].insert({"name": "Camden", "kind": "local_authority"})

    assert rows(db, "SELECT name FROM organisations") == [{"name": "Camden"}]
    assert one(db, "SELECT name FROM organisations WHERE name = :n", {"n": "x"}) is None
