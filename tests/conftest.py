"""Shared fixtures: a migrated app on a temporary SQLite file, and factories returning ids."""

import functools
import itertools
import re

import pytest
from werkzeug.security import generate_password_hash

from actionlearning import auth, create_app, programmes, scheduling
from actionlearning.db import connect
from actionlearning.programmes.pairs import create_learning_set, create_pair

from .mail_server import MailServer

PASSWORD = "correct-horse-battery"


def app_config(tmp_path):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE": str(tmp_path / "test.db"),
        "BASE_URL": "http://localhost",
    }


@pytest.fixture
def app(tmp_path):
    yield create_app(app_config(tmp_path))


@pytest.fixture
def mail_server():
    """A real SMTP server on loopback; point the app at it with mail_server.settings()."""
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(tmp_path, mail_server):
    """The test app sending its mail to mail_server; a mail test file makes it its `app`."""
    return create_app(
        {**app_config(tmp_path), "MAIL_DIRECTORY": str(tmp_path / "mail"), **mail_server.settings()}
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    database = connect(app.config["DATABASE"])
    yield database
    database.conn.close()


@pytest.fixture
def programme_id(db):
    return programmes.create_programme(
        db, "Test programme", "2026-09-01", "2027-08-31", "Europe/London", "Room 1", "2027-07-08"
    )


_counter = itertools.count(1)


@functools.cache
def _password_hash():
    return generate_password_hash(PASSWORD)


@pytest.fixture
def make_organisation(db):
    def make(name=None, kind="nhs"):
        return programmes.create_organisation(db, name or f"Organisation {next(_counter)}", kind)

    return make


@pytest.fixture
def make_person(db, programme_id):
    """A person in the test programme; returns the id. Password is PASSWORD."""

    def make(
        role="participant",
        name=None,
        email=None,
        organisation_id=None,
        programme=programme_id,
        password=PASSWORD,
    ):
        n = next(_counter)
        person_id = auth.create_person(
            db,
            email or f"person{n}@example.org",
            name or f"Person {n}",
            role,
            organisation_id,
            None if password == PASSWORD else password,
        )
        if password == PASSWORD:
            # scrypt is slow on purpose; hash the shared test password once per run.
            db.execute(
                "UPDATE people SET password_hash = ? WHERE id = ?", [_password_hash(), person_id]
            )
        if programme:
            programmes.add_member(db, programme, person_id, role)
        return person_id

    return make


@pytest.fixture
def make_pair(db, programme_id, make_person, make_organisation):
    """A pair of two new participants from an NHS body and a council; returns the pair id."""

    def make(
        member_ids=None, learning_set_id=None, priority_area="Discharge from hospital", **fields
    ):
        if member_ids is None:
            member_ids = [
                make_person(organisation_id=make_organisation(kind="nhs")),
                make_person(organisation_id=make_organisation(kind="local_authority")),
            ]
        return create_pair(
            db, programme_id, member_ids, priority_area, learning_set_id=learning_set_id, **fields
        )

    return make


@pytest.fixture
def make_set(db, programme_id, make_person):
    def make(name=None, facilitator_id=None, ground_rules="What is said here stays here."):
        facilitator_id = facilitator_id or make_person(role="facilitator")
        return create_learning_set(
            db, programme_id, name or f"Set {next(_counter)}", facilitator_id, ground_rules
        )

    return make


@pytest.fixture
def world(programme_id, make_person, make_set, make_pair):
    """The people most tests need, in the test programme: an organiser, a facilitator and
    their set, and one pair of two participants in it (members: Grace, then Tom).
    Tests that need more build on it; files whose world differs keep their own fixture."""
    facilitator = make_person(role="facilitator", name="Fay Facilitator")
    set_id = make_set(facilitator_id=facilitator)
    grace, tom = make_person(name="Grace Okafor"), make_person(name="Tom Price")
    pair = make_pair(member_ids=[grace, tom], learning_set_id=set_id)
    organiser = make_person(role="organiser", name="Olu Organiser")
    return {
        "programme": programme_id,
        "organiser": organiser,
        "facilitator": facilitator,
        "set": set_id,
        "pair": pair,
        "grace": grace,
        "tom": tom,
        "members": [grace, tom],
    }


@pytest.fixture
def make_meeting(db, programme_id):
    """make_meeting(starts, ends, learning_set_id=None, *, title, kind, programme, **fields):
    a meeting scheduled by scheduling.create_meeting from local times in the programme's
    zone (the test programme unless `programme` is given); returns its id. A set meeting
    when given a set, else a seminar, unless `kind` says otherwise."""

    def make(
        starts, ends, learning_set_id=None, *, title=None, kind=None, programme=None, **fields
    ):
        kind = kind or ("set_meeting" if learning_set_id else "seminar")
        title = title or f"Meeting {next(_counter)}"
        return scheduling.create_meeting(
            db, programme or programme_id, kind, title, starts, ends, learning_set_id, **fields
        )

    return make


def csrf_token(client, path="/login"):
    """The CSRF token from a page's form, as a browser would send it back."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def sign_in(client, db, person_id, password=PASSWORD, through_form=True):
    """Sign a test client in through the real login form; or, with through_form=False, with
    the server-side session the form would make, without the password check (slow on
    purpose), for tests that sign many people in (test_auth.py tests the form itself)."""
    if not through_form:
        token = auth.start_session(db, person_id)
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return None
    email = auth.person(db, person_id)["email"]
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login(client, db):
    """login(person_id) signs the shared client in as that person."""
    return lambda person_id: sign_in(client, db, person_id)
