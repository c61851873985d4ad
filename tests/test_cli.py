"""Command-line commands: each bad argument gets a clear message and changes nothing."""

import sqlite3

from actionlearning import auth, demo_data


def test_init_db_is_safe_to_run_again(runner):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])

    assert (first.exit_code, second.exit_code) == (0, 0)
    assert "at version" in second.output


def test_create_user_adds_an_account_that_can_sign_in(runner, db):
    result = runner.invoke(
        args=[
            "create-user",
            "Ada@Example.org",
            "--name",
            "Ada Lovelace",
            "--role",
            "organiser",
            "--password",
            "long-enough-password",
        ]
    )

    assert result.exit_code == 0, result.output
    person = auth.person_by_email(db, "ada@example.org")
    assert (person["name"], person["role"]) == ("Ada Lovelace", "organiser")


def test_create_user_prompts_for_the_password(runner, db):
    result = runner.invoke(
        args=["create-user", "bo@example.org", "--name", "Bo"],
        input="typed-password-1\ntyped-password-1\n",
    )

    assert result.exit_code == 0, result.output
    assert auth.person_by_email(db, "bo@example.org")["password_hash"].startswith("scrypt")


def test_create_user_refuses_a_duplicate(runner, db):
    args = ["create-user", "dup@example.org", "--name", "Dup", "--password", "long-enough-pw"]
    runner.invoke(args=args)

    result = runner.invoke(args=args)

    assert result.exit_code == 1
    assert "already an account" in result.output
    assert db["people"].count == 1


def test_create_user_refuses_bad_input_with_a_message(runner, db):
    cases = [
        (["not-an-email", "--name", "X", "--password", "long-enough-pw"], "not an e-mail"),
        (["x@example.org", "--name", "X\x00Y", "--password", "long-enough-pw"], "control"),
        (["x@example.org", "--name", "X", "--password", "short"], "at least 10"),
        (
            ["x@example.org", "--name", "X", "--role", "king", "--password", "long-enough-pw"],
            "Invalid value",
        ),
        (
            [
                "x@example.org",
                "--name",
                "X",
                "--organisation",
                "Nowhere",
                "--password",
                "long-enough-pw",
            ],
            "No organisation called",
        ),
        (["x@exаmple.org", "--name", "X", "--password", "long-enough-pw"], "plain ASCII"),
    ]

    outputs = [runner.invoke(args=["create-user", *args]) for args, _ in cases]

    for result, (_, message) in zip(outputs, cases, strict=True):
        assert result.exit_code != 0 and message in result.output, result.output
    assert db["people"].count == 0


def test_demo_loads_the_programme_once(runner, db):
    first = runner.invoke(args=["demo", "--password", "demo-password-1"])
    people = db["people"].count
    second = runner.invoke(args=["demo", "--password", "demo-password-1"])

    assert first.exit_code == 0, first.output
    assert "demo-password-1" in first.output
    assert people == 1 + len(demo_data.FACILITATORS) + 2 * len(demo_data.PAIRS)
    assert second.exit_code == 0
    assert db["people"].count == people
    assert db["pairs"].count == 8


def test_demo_accounts_sign_in_with_the_given_password(runner, db):
    runner.invoke(args=["demo", "--password", "demo-password-1"])

    row = auth.check_sign_in(
        db,
        demo_data.ORGANISER["email"],
        "demo-password-1",
        "127.0.0.1",
        {"account": 10, "address": 30, "window": 15},
    )

    assert row["role"] == "organiser"


def test_demo_without_password_prints_a_random_one(runner):
    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert "password (every demo account): " in result.output


def test_backup_writes_a_consistent_copy(runner, db, tmp_path, make_person):
    make_person(name="Kept Person")
    target = tmp_path / "backup.db"

    result = runner.invoke(args=["backup", str(target)])

    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT name FROM people").fetchall() == [("Kept Person",)]
