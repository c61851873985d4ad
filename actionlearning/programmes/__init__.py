"""Programmes, organisations and people: who is in which programme, in which role.

Pairs and learning sets are in pairs.py; whom an organiser sees and acts on, in people.py."""

import difflib
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import audit, auth
from ..db import now, one, rows, write
from ..errors import FieldError
from ..mail.account import queue_account_link
from ..membership import programmes_organised_by
from ..text import has_control_characters, has_line_controls

ORGANISATION_KINDS = {
    "nhs": "NHS",
    "local_authority": "Local authority",
    "voluntary": "Voluntary / third sector",
    "other": "Other",
}


class ProgrammeError(FieldError):
    """A programme change that cannot be made; the message says why, `field` which input."""


class SimilarOrganisations(ProgrammeError):
    """Organisations with names close to a new one: perhaps it is one of them."""

    def __init__(self, names):
        super().__init__(f"Is it one of these? {'; '.join(names)}", "name")
        self.names = names


# Queries


def programme(db, programme_id):
    return one(db, "SELECT * FROM programmes WHERE id = ?", [programme_id])


def programme_ids(db):
    """The id of every programme: what the server's operator (OPERATOR) may act on."""
    return [row["id"] for row in rows(db, "SELECT id FROM programmes ORDER BY id")]


def role_in_programme(db, person_id, programme_id):
    """'participant', 'facilitator', 'organiser' or None for someone outside it."""
    row = one(
        db,
        "SELECT role FROM programme_members WHERE programme_id = ? AND person_id = ?",
        [programme_id, person_id],
    )
    return row["role"] if row else None


def organised_programme(db, person_id, programme_id):
    """The programme when this person organises it, else None (missing or not theirs)."""
    return one(
        db,
        f"SELECT * FROM programmes WHERE id = :programme AND id IN ({programmes_organised_by()})",
        {"me": person_id, "programme": programme_id},
    )


def organised_programmes(db, person_id):
    """The programmes this person organises (id, name), newest first."""
    return rows(
        db,
        f"""SELECT id, name FROM programmes WHERE id IN ({programmes_organised_by()})
           ORDER BY starts_on DESC, name""",
        {"me": person_id},
    )


def organisation(db, organisation_id):
    """The organisation's row, or None (also for no id at all)."""
    return one(db, "SELECT * FROM organisations WHERE id = ?", [organisation_id])


def organisations(db):
    return rows(db, "SELECT * FROM organisations ORDER BY name")


def organisation_key(name):
    """What makes two organisation names the same: case and spacing do not count."""
    return " ".join((name or "").split()).casefold()


def organisation_by_name(db, name):
    """The organisation called that, whatever the case and spacing, or None."""
    return one(db, "SELECT * FROM organisations WHERE name_key = ?", [organisation_key(name)])


def similar_organisations(db, name, cutoff=0.8):
    """Names of organisations close to this one (a typo, "Council" left off), closest first."""
    key = organisation_key(name)
    scored = []
    for row in organisations(db):
        ratio = difflib.SequenceMatcher(None, key, organisation_key(row["name"])).ratio()
        if cutoff <= ratio < 1:
            scored.append((-ratio, row["name"]))
    return [found for _, found in sorted(scored)]


# Actions


def check_time_zone(name):
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ProgrammeError(
            f"'{name}' is not a time zone this server knows (for example Europe/London).",
            "time_zone",
        ) from error


def _programme_values(
    name, starts_on, ends_on, time_zone, default_venue, conference_on, description
):
    check_time_zone(time_zone)
    if not (name or "").strip():
        raise ProgrammeError("A programme needs a name.", "name")
    starts_on, ends_on = str(starts_on), str(ends_on)
    for label, value in (("start", starts_on), ("end", ends_on)):
        try:
            date.fromisoformat(value)
        except ValueError as error:
            raise ProgrammeError(
                f"The {label} date must be a date like 2026-09-01.", f"{label}s_on"
            ) from error
    if ends_on < starts_on:
        raise ProgrammeError("The programme ends before it starts.", "ends_on")
    if conference_on and not starts_on <= str(conference_on) <= ends_on:
        raise ProgrammeError(
            "The conference date is outside the programme's dates.", "conference_on"
        )
    # Name and venue are single lines, where direction marks are refused too.
    checks = {
        "name": has_line_controls(name),
        "default_venue": has_line_controls(default_venue),
        "description": has_control_characters(description),
    }
    for field, bad in checks.items():
        if bad:
            raise ProgrammeError(
                "Remove the control characters (such as NUL) from the text.", field
            )
    return {
        "name": name.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "time_zone": time_zone,
        "default_venue": default_venue or "",
        "conference_on": str(conference_on) if conference_on else None,
        "description": description or "",
    }


def create_programme(
    db,
    name,
    starts_on,
    ends_on,
    time_zone="Europe/London",
    default_venue="",
    conference_on=None,
    description="",
    organiser_id=None,
):
    """Add a programme (dates as ISO strings or dates) and return its id; the organiser
    who set it up, when given, becomes its organiser."""
    values = _programme_values(
        name, starts_on, ends_on, time_zone, default_venue, conference_on, description
    )
    with write(db):
        programme_id = db["programmes"].insert({**values, "created_at": now()}).last_pk
        if organiser_id:
            db["programme_members"].insert(
                {
                    "programme_id": programme_id,
                    "person_id": organiser_id,
                    "role": "organiser",
                    "joined_at": now(),
                }
            )
    return programme_id


def update_programme(
    db,
    programme_id,
    name,
    starts_on,
    ends_on,
    time_zone="Europe/London",
    default_venue="",
    conference_on=None,
    description="",
):
    """Change a programme's details; meetings outside new dates are not moved (a warning)."""
    values = _programme_values(
        name, starts_on, ends_on, time_zone, default_venue, conference_on, description
    )
    with write(db):
        db["programmes"].update(programme_id, values)


def _check_organisation(name, kind):
    if kind not in ORGANISATION_KINDS:
        raise ProgrammeError(
            f"Organisation kind must be one of {', '.join(ORGANISATION_KINDS)}.", "kind"
        )
    if not (name or "").strip() or has_line_controls(name):
        raise ProgrammeError("An organisation needs a name without control characters.", "name")


def create_organisation(db, name, kind):
    """Add an organisation, or return the id of the one already called that (whatever the
    case and spacing): the import and the demo refer to organisations by name."""
    _check_organisation(name, kind)
    with write(db):
        existing = organisation_by_name(db, name)
        if existing:
            return existing["id"]
        return _insert_organisation(db, name, kind)


def add_organisation(db, name, kind, allow_similar=False):
    """Add a new organisation and return its id. Refused when one is already called that,
    whatever the case and spacing (the message names it); SimilarOrganisations when names
    are close, unless allow_similar (the organiser has seen them and adds it anyway)."""
    _check_organisation(name, kind)
    with write(db):
        existing = organisation_by_name(db, name)
        if existing:
            raise ProgrammeError(
                f"“{existing['name']}” is already on the list (names are the same whatever "
                "the capitals and spaces): use that one rather than adding it again.",
                "name",
            )
        similar = [] if allow_similar else similar_organisations(db, name)
        if similar:
            raise SimilarOrganisations(similar)
        return _insert_organisation(db, name, kind)


def _insert_organisation(db, name, kind):
    name = " ".join(name.split())
    return (
        db["organisations"]
        .insert({"name": name, "kind": kind, "name_key": organisation_key(name)})
        .last_pk
    )


def add_member(db, programme_id, person_id, role, actor_id=None):
    """Put a person in a programme with a role (or change their role there)."""
    if role not in auth.ROLES:
        raise ProgrammeError(f"Role must be one of {', '.join(auth.ROLES)}.", "role")
    with write(db):
        before = role_in_programme(db, person_id, programme_id)
        if before != role:
            kind = "membership.added" if before is None else "membership.changed"
            audit.record(db, kind, actor_id, person_id, programme_id, role=role)
        db["programme_members"].upsert(
            {
                "programme_id": programme_id,
                "person_id": person_id,
                "role": role,
                "joined_at": now(),
            },
            pk=("programme_id", "person_id"),
        )


def invite_person(db, programme_id, email, name, role, organisation_id, invited_by, base_url=None):
    """Create an account without a password, add it to a programme; return the sign-up token.

    With base_url, the sign-up link is also e-mailed to the person, in the same transaction.
    """
    with write(db):
        try:
            person_id = auth.create_person(
                db, email, name, role, organisation_id, created_by=invited_by
            )
        except auth.AccountError as error:
            raise ProgrammeError(str(error), getattr(error, "field", None) or "email") from error
        if programme_id:
            add_member(db, programme_id, person_id, role, invited_by)
        token = auth.create_account_link(db, person_id, "invite", invited_by)
        if base_url:
            found = programme(db, programme_id) if programme_id else None
            queue_account_link(
                db,
                person_id,
                token,
                "invite",
                base_url,
                sent_by=auth.person(db, invited_by)["name"] if invited_by else None,
                programme=found["name"] if found else None,
                programme_id=programme_id or None,
            )
    return token


def programme_people(db, programme_id, roles=None):
    """People in a programme (optionally only some roles), by name."""
    sql = """SELECT p.*, m.role AS programme_role, o.name AS organisation FROM people p
        JOIN programme_members m ON m.person_id = p.id AND m.programme_id = ?
        LEFT JOIN organisations o ON o.id = p.organisation_id"""
    params = [programme_id]
    if roles:
        sql += f" WHERE m.role IN ({', '.join('?' for _ in roles)})"
        params += list(roles)
    return rows(db, sql + " ORDER BY p.name", params)


def invited_not_signed_up(db, programme_id):
    """People in a programme who were invited but have not chosen a password yet, by name."""
    return rows(
        db,
        """SELECT p.id, p.name, p.email, m.role AS programme_role, o.name AS organisation
           FROM people p JOIN programme_members m ON m.person_id = p.id
           AND m.programme_id = ?
           LEFT JOIN organisations o ON o.id = p.organisation_id
           WHERE p.password_hash IS NULL AND p.is_active ORDER BY p.name""",
        [programme_id],
    )


def programme_overview(db, person_id):
    """The programmes this person organises, with counts for the organiser's home page."""
    return rows(
        db,
        f"""SELECT g.*,
          (SELECT count(*) FROM programme_members m WHERE m.programme_id = g.id
           AND m.role = 'participant') AS participants,
          (SELECT count(*) FROM programme_members m WHERE m.programme_id = g.id
           AND m.role = 'facilitator') AS facilitators,
          (SELECT count(*) FROM pairs p WHERE p.programme_id = g.id) AS pairs,
          (SELECT count(*) FROM learning_sets s WHERE s.programme_id = g.id) AS learning_sets,
          (SELECT count(*) FROM meetings t WHERE t.programme_id = g.id
           AND t.status = 'scheduled' AND t.starts_at > :now) AS upcoming_meetings
        FROM programmes g WHERE g.id IN ({programmes_organised_by()})
        ORDER BY g.starts_on DESC, g.name""",
        {"me": person_id, "now": now()},
    )
