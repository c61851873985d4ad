"""Accounts: people, passwords, server-side sessions, sign-in throttling, single-use links.

The sign-in pages and Flask-Login's wiring are in views.py."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..db import now, one, rows, write
from ..mail.account import queue_account_link
from ..text import has_line_controls

ROLES = ("participant", "facilitator", "organiser")
LINK_LIFETIME = timedelta(days=7)
FAILURES_KEPT = timedelta(days=1)
MIN_PASSWORD_LENGTH = 10
SESSION_TOUCH_SECONDS = 60  # refresh last_seen_at at most this often: one write a minute


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


class SignInThrottled(AccountError):
    """Too many recent failed sign-ins for the account or from the address (HTTP 429)."""


def hash_token(token):
    """Tokens are stored only as hashes: a copy of the database signs no one in."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email):
    return (email or "").strip().lower()


# Queries


def person_by_email(db, email):
    return one(db, "SELECT * FROM people WHERE email = ?", [normalise_email(email)])


def person(db, person_id):
    return one(db, "SELECT * FROM people WHERE id = ?", [person_id])


def session_person(db, token, idle_minutes):
    """The active person behind a session token, or None if it is unknown, idle or revoked.

    Runs on every signed-in request: one indexed lookup (login_sessions.token_hash) for
    just the columns a SignedInPerson needs, through execute() rather than db.query()
    (which would wrap the read in a SAVEPOINT and RELEASE).
    """
    cursor = db.execute(
        """SELECT p.id, p.name, p.email, p.role, s.id AS session_id, s.last_seen_at
        FROM login_sessions s JOIN people p ON p.id = s.person_id
        WHERE s.token_hash = ? AND p.is_active = 1""",
        [hash_token(token)],
    )
    found = cursor.fetchone()
    if found is None:
        return None
    row = dict(zip([column[0] for column in cursor.description], found, strict=True))
    last_seen = datetime.fromisoformat(row["last_seen_at"])
    idle = datetime.now(UTC) - last_seen
    if idle > timedelta(minutes=idle_minutes):
        with write(db):
            db.execute("DELETE FROM login_sessions WHERE id = ?", [row["session_id"]])
        return None
    if idle > timedelta(seconds=SESSION_TOUCH_SECONDS):
        with write(db):
            db.execute(
                "UPDATE login_sessions SET last_seen_at = ? WHERE id = ?",
                [now(), row["session_id"]],
            )
    return row


def sign_in_blocked(db, email, address, limits):
    """True when too many recent failures came for this account or from this address."""
    since = (datetime.now(UTC) - timedelta(minutes=limits["window"])).isoformat()
    by_account = one(
        db,
        "SELECT count(*) AS n FROM sign_in_failures WHERE email = ? AND failed_at > ?",
        [normalise_email(email), since],
    )["n"]
    by_address = one(
        db,
        "SELECT count(*) AS n FROM sign_in_failures WHERE address = ? AND failed_at > ?",
        [address, since],
    )["n"]
    return by_account >= limits["account"] or by_address >= limits["address"]


# Actions


def create_person(
    db,
    email,
    name,
    role="participant",
    organisation_id=None,
    password=None,
    job_title="",
    created_by=None,
):
    """Add an account and return its id; password may be None for an invited person."""
    email = normalise_email(email)
    name = (name or "").strip()
    problems = []
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        problems.append(f"'{email}' is not an e-mail address.")
    if not name:
        problems.append("A name is needed.")
    if role not in ROLES:
        problems.append(f"Role must be one of {', '.join(ROLES)}.")
    if any(has_line_controls(v) for v in (email, name, job_title)):
        problems.append("Remove the control characters (such as NUL) and direction marks.")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if not email.isascii():
        problems.append("Use an e-mail address written in plain ASCII letters.")
    if problems:
        raise AccountError(" ".join(problems))
    with write(db):
        if person_by_email(db, email):
            raise AccountError(f"There is already an account for {email}.")
        person_id = (
            db["people"]
            .insert(
                {
                    "email": email,
                    "name": name,
                    "role": role,
                    "organisation_id": organisation_id,
                    "job_title": job_title,
                    "password_hash": generate_password_hash(password) if password else None,
                    "is_active": 1,
                    "created_at": now(),
                }
            )
            .last_pk
        )
        audit.record(db, "account.created", created_by, person_id, role=role)
    return person_id


def check_sign_in(db, email, password, address, limits):
    """The person for a correct e-mail and password; AccountError otherwise, SignInThrottled
    when too many attempts failed lately.

    The attempt is counted inside the write lock before the password is checked, so
    simultaneous guesses cannot all slip under the limit; a correct one takes it back.
    """
    forgotten = (datetime.now(UTC) - FAILURES_KEPT).isoformat()
    with write(db):
        if sign_in_blocked(db, email, address, limits):
            raise SignInThrottled("Too many failed sign-ins. Wait 15 minutes and try again.")
        attempt = (
            db["sign_in_failures"]
            .insert({"email": normalise_email(email), "address": address, "failed_at": now()})
            .last_pk
        )
        # Failures older than any throttling window are never read again.
        db.execute("DELETE FROM sign_in_failures WHERE failed_at < ?", [forgotten])
    row = person_by_email(db, email)
    dummy = "scrypt:32768:8:1$dummy$" + "0" * 128  # same work for unknown e-mails
    ok = check_password_hash(
        row["password_hash"] if row and row["password_hash"] else dummy, password or ""
    )
    if row and ok and row["is_active"]:
        with write(db):
            db.execute("DELETE FROM sign_in_failures WHERE id = ?", [attempt])
        return row
    raise AccountError("That e-mail and password do not match an active account.")


def start_session(db, person_id, address="", user_agent=""):
    """A new server-side session; returns the token the cookie carries."""
    token = secrets.token_urlsafe(32)
    with write(db):
        db["login_sessions"].insert(
            {
                "token_hash": hash_token(token),
                "person_id": person_id,
                "created_at": now(),
                "last_seen_at": now(),
                "address": address,
                "user_agent": user_agent[:200],
            }
        )
    return token


def end_session(db, token):
    with write(db):
        db.execute("DELETE FROM login_sessions WHERE token_hash = ?", [hash_token(token)])


def _password_hash(password):
    """The stored hash of a new password; hashing is slow, so it is done outside the lock."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return generate_password_hash(password)


def _store_password(db, person_id, hashed):
    with write(db):
        db.execute("UPDATE people SET password_hash = ? WHERE id = ?", [hashed, person_id])
        db.execute("DELETE FROM login_sessions WHERE person_id = ?", [person_id])


def set_password(db, person_id, password):
    """Change a password and sign the person out everywhere."""
    _store_password(db, person_id, _password_hash(password))


def update_person(db, person_id, name, organisation_id=None, job_title="", actor_id=None):
    """Change a person's name, organisation and job title (the e-mail is their login)."""
    name, job_title = (name or "").strip(), (job_title or "").strip()
    if not name:
        raise AccountError("A name is needed.")
    if has_line_controls(name) or has_line_controls(job_title):
        raise AccountError("Remove the control characters (such as NUL) and direction marks.")
    with write(db):
        db.execute(
            "UPDATE people SET name = ?, organisation_id = ?, job_title = ? WHERE id = ?",
            [name, organisation_id, job_title, person_id],
        )
        audit.record(db, "account.changed", actor_id, person_id)


def set_active(db, person_id, active, actor_id=None):
    """Activate or deactivate an account; deactivating signs it out everywhere and voids
    every sign-in, reset and sign-up link not yet used, so none can bring it back."""
    with write(db):
        db.execute("UPDATE people SET is_active = ? WHERE id = ?", [int(active), person_id])
        kind = "account.reactivated" if active else "account.deactivated"
        audit.record(db, kind, actor_id, person_id)
        if not active:
            db.execute("DELETE FROM login_sessions WHERE person_id = ?", [person_id])
            db.execute(
                """UPDATE account_links SET expires_at = ?
                WHERE person_id = ? AND used_at IS NULL AND expires_at > ?""",
                [now(), person_id, now()],
            )


def create_account_link(db, person_id, purpose, created_by=None):
    """A single-use sign-up ('invite') or password-reset ('reset') token, valid 7 days."""
    assert purpose in ("invite", "reset")
    token = secrets.token_urlsafe(32)
    created = datetime.now(UTC).replace(microsecond=0)
    with write(db):
        db["account_links"].insert(
            {
                "token_hash": hash_token(token),
                "person_id": person_id,
                "purpose": purpose,
                "created_by": created_by,
                "created_at": created.isoformat(),
                "expires_at": (created + LINK_LIFETIME).isoformat(),
                "used_at": None,
            }
        )
        audit.record(db, "sign_in_link.issued", created_by, person_id, purpose=purpose)
    return token


def account_link(db, token):
    """The unused, unexpired link for a token, with its active person, or None."""
    return one(
        db,
        """SELECT l.*, p.name, p.email FROM account_links l JOIN people p ON p.id = l.person_id
           WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ?
             AND p.is_active = 1""",
        [hash_token(token), now()],
    )


def account_links_for(db, person_id):
    """Every sign-in link made for this person: who made it, when, and when it was used.

    Shown to the person, so a reset link used by someone else cannot go unnoticed.
    """
    return rows(
        db,
        """SELECT l.purpose, l.created_at, l.expires_at, l.used_at, i.name AS issued_by
           FROM account_links l LEFT JOIN people i ON i.id = l.created_by
           WHERE l.person_id = ? ORDER BY l.created_at DESC, l.id DESC""",
        [person_id],
    )


LINK_USED = "This link has expired or has already been used. Ask an organiser for a new one."


def use_account_link(db, token, password):
    """Set the password through a link, once; returns the person's id.

    The link is claimed first, by a conditional UPDATE in the same transaction that sets
    the password, so of several simultaneous uses exactly one sets it. Using a link never
    reactivates an account: a deactivated person's links do not work.
    """
    hashed = _password_hash(password)
    with write(db):
        claimed = db.execute(
            """UPDATE account_links SET used_at = :now
            WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now
              AND person_id IN (SELECT id FROM people WHERE is_active = 1)
            RETURNING person_id, purpose""",
            {"now": now(), "hash": hash_token(token)},
        ).fetchone()
        if claimed is None:
            raise AccountError(LINK_USED)
        _store_password(db, claimed[0], hashed)
        audit.record(db, "sign_in_link.used", claimed[0], claimed[0], purpose=claimed[1])
    return claimed[0]


def request_sign_in_link(db, email, address, limits, base_url):
    """/account/forgot: e-mail a single-use sign-in link to an active account's own address.

    Does the same, seen from outside, whether or not the address has an account; raises
    SignInThrottled when too many links were asked for this address or from this client.
    Requests are counted in sign_in_failures (as 'forgot:' + address), checked and recorded
    in one write so that simultaneous requests cannot pass the limit together.
    """
    key = "forgot:" + normalise_email(email)
    with write(db):
        if sign_in_blocked(db, key, address, limits):
            raise SignInThrottled(
                "Too many sign-in links asked for. Wait 15 minutes and try again."
            )
        db["sign_in_failures"].insert({"email": key, "address": address, "failed_at": now()})
        row = person_by_email(db, email)
        if row is None or not row["is_active"]:
            return
        purpose = "reset" if row["password_hash"] else "invite"
        token = create_account_link(db, row["id"], purpose)
        queue_account_link(db, row["id"], token, purpose, base_url)


def send_account_link(db, person_id, created_by, base_url):
    """E-mail a sign-up or password-reset link an organiser asked for to the person, and to
    no one else; returns the outbox id, or None for a deactivated account."""
    with write(db):
        row = person(db, person_id)
        if not row["is_active"]:
            return None
        purpose = "reset" if row["password_hash"] else "invite"
        token = create_account_link(db, person_id, purpose, created_by)
        sender = person(db, created_by)["name"] if created_by else None
        return queue_account_link(db, person_id, token, purpose, base_url, sent_by=sender)
