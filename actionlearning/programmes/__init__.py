"""Programmes, organisations and people: who is in which programme, in which role."""

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import auth
from ..db import now, write
from ..text import has_control_characters, render_markdown

ORGANISATION_KINDS = {
    "nhs": "NHS",
    "local_authority": "Local authority",
    "voluntary": "Voluntary / third sector",
    "other": "Other",
}


class ProgrammeError(ValueError):
    """A programme change that cannot be made; the message says why."""


# Queries


def programme(db, programme_id):
    rows = list(db.query("SELECT * FROM programmes WHERE id = ?", [programme_id]))
    return rows[0] if rows else None


def role_in_programme(db, person_id, programme_id):
    """'participant', 'facilitator', 'organiser' or None for someone outside it."""
    row = db.execute(
        "SELECT role FROM programme_members WHERE programme_id = ? AND person_id = ?",
        [programme_id, person_id],
    ).fetchone()
    return row[0] if row else None


def organisations(db):
    return list(db.query("SELECT * FROM organisations ORDER BY name"))


def organisation_by_name(db, name):
    rows = list(
        db.query("SELECT * FROM organisations WHERE lower(name) = lower(?)", [(name or "").strip()])
    )
    return rows[0] if rows else None


# The one place that says whom an organiser sees on the people page and may act on there:
# people in a programme they organise, and accounts in no programme at all (made with
# `flask create-user`, say), which need placing. Other programmes' people stay hidden.
PEOPLE_FOR_ORGANISER = """SELECT p.* FROM people p
    WHERE (EXISTS (SELECT 1 FROM programme_members m JOIN programme_members o
                   ON o.programme_id = m.programme_id AND o.person_id = :organiser
                   AND o.role = 'organiser'
                   WHERE m.person_id = p.id)
           OR NOT EXISTS (SELECT 1 FROM programme_members m WHERE m.person_id = p.id))"""


def people_listing(db, organiser_id):
    """The people an organiser may see, with organisation and programmes, by name."""
    return list(
        db.query(
            f"""SELECT p.id, p.name, p.email, p.role, p.is_active, p.job_title,
                  o.name AS organisation,
                  (SELECT group_concat(g.name, '; ') FROM programme_members m
                   JOIN programmes g ON g.id = m.programme_id WHERE m.person_id = p.id)
                  AS programmes,
                  p.password_hash IS NOT NULL AS has_password
           FROM ({PEOPLE_FOR_ORGANISER}) p LEFT JOIN organisations o ON o.id = p.organisation_id
           ORDER BY p.name""",
            {"organiser": organiser_id},
        )
    )


def person_for_organiser(db, organiser_id, person_id):
    """The person's row when the organiser may see and act on them, else None."""
    rows = list(
        db.query(
            PEOPLE_FOR_ORGANISER + " AND p.id = :person",
            {"organiser": organiser_id, "person": person_id},
        )
    )
    return rows[0] if rows else None


def may_issue_sign_in_link(db, organiser_id, person_id):
    """Whether an organiser may make a sign-in (reset) link for this person.

    Whoever uses a reset link can read the account's private journal, so only someone who
    organises every programme the person is in may issue one, and never for an organiser
    (or themselves): those go through `flask reset-link` on the server.
    """
    if organiser_id == person_id:
        return False
    row = db.execute(
        """SELECT p.role,
             (SELECT count(*) FROM programme_members WHERE person_id = p.id),
             (SELECT count(*) FROM programme_members WHERE person_id = p.id
                AND role = 'organiser'),
             (SELECT count(*) FROM programme_members m WHERE m.person_id = p.id
                AND NOT EXISTS (SELECT 1 FROM programme_members o
                                WHERE o.programme_id = m.programme_id
                                  AND o.person_id = ? AND o.role = 'organiser'))
           FROM people p WHERE p.id = ?""",
        [organiser_id, person_id],
    ).fetchone()
    if row is None:
        return False
    role, programmes_in, organiser_of, outside_mine = row
    return role != "organiser" and programmes_in > 0 and not organiser_of and not outside_mine


# Actions


def check_time_zone(name):
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ProgrammeError(
            f"'{name}' is not a time zone this server knows (for example Europe/London)."
        ) from error


def _programme_values(
    name, starts_on, ends_on, time_zone, default_venue, conference_on, description
):
    check_time_zone(time_zone)
    if not (name or "").strip():
        raise ProgrammeError("A programme needs a name.")
    starts_on, ends_on = str(starts_on), str(ends_on)
    for label, value in (("start", starts_on), ("end", ends_on)):
        try:
            date.fromisoformat(value)
        except ValueError as error:
            raise ProgrammeError(f"The {label} date must be a date like 2026-09-01.") from error
    if ends_on < starts_on:
        raise ProgrammeError("The programme ends before it starts.")
    if conference_on and not starts_on <= str(conference_on) <= ends_on:
        raise ProgrammeError("The conference date is outside the programme's dates.")
    if any(has_control_characters(v) for v in (name, default_venue, description)):
        raise ProgrammeError("Remove the control characters (such as NUL) from the text.")
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


def create_organisation(db, name, kind):
    """Add an organisation, or return the id of the one already called that."""
    if kind not in ORGANISATION_KINDS:
        raise ProgrammeError(f"Organisation kind must be one of {', '.join(ORGANISATION_KINDS)}.")
    if not (name or "").strip() or has_control_characters(name):
        raise ProgrammeError("An organisation needs a name without control characters.")
    with write(db):
        existing = organisation_by_name(db, name)
        if existing:
            return existing["id"]
        return db["organisations"].insert({"name": name.strip(), "kind": kind}).last_pk


def add_member(db, programme_id, person_id, role):
    """Put a person in a programme with a role (or change their role there)."""
    if role not in auth.ROLES:
        raise ProgrammeError(f"Role must be one of {', '.join(auth.ROLES)}.")
    with write(db):
        db["programme_members"].upsert(
            {
                "programme_id": programme_id,
                "person_id": person_id,
                "role": role,
                "joined_at": now(),
            },
            pk=("programme_id", "person_id"),
        )


def invite_person(db, programme_id, email, name, role, organisation_id, invited_by):
    """Create an account without a password, add it to a programme; return the sign-up token."""
    try:
        person_id = auth.create_person(db, email, name, role, organisation_id)
    except auth.AccountError as error:
        raise ProgrammeError(str(error)) from error
    if programme_id:
        add_member(db, programme_id, person_id, role)
    return auth.create_account_link(db, person_id, "invite", invited_by)


PARTNERING_MODELS = ("individual", "voluntary", "structural", "mandated")


def create_learning_set(db, programme_id, name, facilitator_id=None, ground_rules=""):
    """Add a learning set to a programme and return its id."""
    if not (name or "").strip() or has_control_characters(name + (ground_rules or "")):
        raise ProgrammeError("A set needs a name, and no control characters in its text.")
    _check_facilitator(db, programme_id, facilitator_id)
    with write(db):
        return (
            db["learning_sets"]
            .insert(
                {
                    "programme_id": programme_id,
                    "name": name.strip(),
                    "facilitator_id": facilitator_id,
                    "ground_rules": ground_rules,
                    "ground_rules_html": render_markdown(ground_rules),
                    "created_at": now(),
                }
            )
            .last_pk
        )


def _pair_values(
    db,
    programme_id,
    member_ids,
    priority_area,
    borough,
    problem_statement,
    partnering_model,
    learning_set_id,
    name,
):
    """The checks shared by creating and editing a pair: the row's values and the members,
    or a ProgrammeError saying what is wrong."""
    members = list(dict.fromkeys(member_ids or []))
    if not 2 <= len(members) <= 3:
        raise ProgrammeError("A pair has two members (three when a third partner joins).")
    if partnering_model not in PARTNERING_MODELS:
        raise ProgrammeError(f"Partnering model must be one of {', '.join(PARTNERING_MODELS)}.")
    texts = (priority_area, borough, problem_statement, name)
    if not (priority_area or "").strip() or any(has_control_characters(t) for t in texts):
        raise ProgrammeError("A pair needs a priority area, and no control characters.")
    if any(role_in_programme(db, m, programme_id) is None for m in members):
        raise ProgrammeError("Every pair member must be in the programme first.")
    if (
        learning_set_id
        and db.execute(
            "SELECT 1 FROM learning_sets WHERE id = ? AND programme_id = ?",
            [learning_set_id, programme_id],
        ).fetchone()
        is None
    ):
        raise ProgrammeError("The learning set must belong to the same programme.")
    values = {
        "learning_set_id": learning_set_id or None,
        "name": name or "",
        "borough": borough or "",
        "priority_area": priority_area.strip(),
        "problem_statement": problem_statement or "",
        "partnering_model": partnering_model,
    }
    return values, members


def create_pair(
    db,
    programme_id,
    member_ids,
    priority_area,
    borough="",
    problem_statement="",
    partnering_model="voluntary",
    learning_set_id=None,
    name="",
):
    """Add a pair (two or three people in the programme) and return its id."""
    values, members = _pair_values(
        db,
        programme_id,
        member_ids,
        priority_area,
        borough,
        problem_statement,
        partnering_model,
        learning_set_id,
        name,
    )
    with write(db):
        pair_id = (
            db["pairs"]
            .insert({**values, "programme_id": programme_id, "created_at": now()})
            .last_pk
        )
        db["pair_members"].insert_all([{"pair_id": pair_id, "person_id": m} for m in members])
    return pair_id


def update_pair(
    db,
    pair_id,
    member_ids,
    priority_area,
    borough="",
    problem_statement="",
    partnering_model="voluntary",
    learning_set_id=None,
    name="",
):
    """Change a pair's details, set and members (checked as when it was made).

    Who reads the pair's 'pair' journal entries follows pair_members, so a member taken
    off the pair stops seeing them at once.
    """
    row = pair(db, pair_id)
    if row is None:
        raise ProgrammeError("There is no such pair.")
    values, members = _pair_values(
        db,
        row["programme_id"],
        member_ids,
        priority_area,
        borough,
        problem_statement,
        partnering_model,
        learning_set_id,
        name,
    )
    with write(db):
        db["pairs"].update(pair_id, values)
        db.execute("DELETE FROM pair_members WHERE pair_id = ?", [pair_id])
        db["pair_members"].insert_all([{"pair_id": pair_id, "person_id": m} for m in members])


SET_SIZE = (4, 8)
# New sets start from these; confidentiality comes first.
DEFAULT_GROUND_RULES = (
    "- **What is said in the set stays in the set.**\n"
    "- One person speaks at a time; the presenter owns the issue and the actions.\n"
    "- Questions first, advice only when asked.\n"
    "- We arrive on time and tell the facilitator in advance if we cannot come."
)
# members: two to four pairs


def pair_warnings(db, member_ids):
    """Warnings (not refusals) about who is in a pair: partners are normally from
    different agencies."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return []
    rows = list(
        db.query(
            f"""SELECT p.name, o.id AS organisation_id, o.name AS organisation, o.kind
            FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
            WHERE p.id IN ({", ".join("?" for _ in ids)})""",
            ids,
        )
    )
    warnings = []
    organisations_seen = [r["organisation_id"] for r in rows if r["organisation_id"]]
    if len(organisations_seen) != len(set(organisations_seen)):
        warnings.append("Two partners work for the same organisation.")
    kinds = {r["kind"] for r in rows}
    if len(rows) > 1 and len(kinds) == 1 and None not in kinds:
        warnings.append(
            f"Every partner is from the same kind of agency ({ORGANISATION_KINDS[kinds.pop()]})."
        )
    return warnings


def pairs_for_programme(db, programme_id):
    """The programme's pairs with members, set and warnings, by borough."""
    pairs = list(
        db.query(
            """SELECT p.*, s.name AS learning_set_name FROM pairs p
            LEFT JOIN learning_sets s ON s.id = p.learning_set_id
            WHERE p.programme_id = ? ORDER BY p.borough, p.priority_area""",
            [programme_id],
        )
    )
    for pair in pairs:
        pair["members"] = pair_members(db, pair["id"])
        pair["warnings"] = pair_warnings(db, [m["id"] for m in pair["members"]])
    return pairs


def pair(db, pair_id):
    """The pair's row with its member ids, or None."""
    rows = list(db.query("SELECT * FROM pairs WHERE id = ?", [pair_id]))
    if not rows:
        return None
    member_ids = db.execute("SELECT person_id FROM pair_members WHERE pair_id = ?", [pair_id])
    return {**rows[0], "member_ids": [m for (m,) in member_ids]}


def pair_members(db, pair_id):
    return list(
        db.query(
            """SELECT p.id, p.name, o.name AS organisation FROM pair_members pm
            JOIN people p ON p.id = pm.person_id
            LEFT JOIN organisations o ON o.id = p.organisation_id
            WHERE pm.pair_id = ? ORDER BY p.name""",
            [pair_id],
        )
    )


def learning_set(db, learning_set_id):
    rows = list(
        db.query(
            """SELECT s.*, f.name AS facilitator_name FROM learning_sets s
            LEFT JOIN people f ON f.id = s.facilitator_id WHERE s.id = ?""",
            [learning_set_id],
        )
    )
    return rows[0] if rows else None


def learning_set_warnings(db, learning_set_id):
    """Warnings about a set's size and facilitator."""
    row = learning_set(db, learning_set_id)
    members = db.execute(
        """SELECT count(DISTINCT pm.person_id) FROM pair_members pm
        JOIN pairs p ON p.id = pm.pair_id WHERE p.learning_set_id = ?""",
        [learning_set_id],
    ).fetchone()[0]
    low, high = SET_SIZE
    warnings = []
    if not low <= members <= high:
        warnings.append(f"The set has {members} members; a set works best with {low} to {high}.")
    if not row["facilitator_id"]:
        warnings.append("The set has no facilitator yet.")
    return warnings


def learning_sets_for_programme(db, programme_id):
    """The programme's sets with facilitator, pairs, member count and warnings."""
    sets = list(
        db.query(
            """SELECT s.*, f.name AS facilitator_name,
              (SELECT count(DISTINCT pm.person_id) FROM pair_members pm
               JOIN pairs p ON p.id = pm.pair_id WHERE p.learning_set_id = s.id) AS member_count
            FROM learning_sets s LEFT JOIN people f ON f.id = s.facilitator_id
            WHERE s.programme_id = ? ORDER BY s.name""",
            [programme_id],
        )
    )
    for row in sets:
        row["pairs"] = list(
            db.query("SELECT * FROM pairs WHERE learning_set_id = ? ORDER BY borough", [row["id"]])
        )
        row["warnings"] = learning_set_warnings(db, row["id"])
    return sets


def programme_people(db, programme_id, roles=None):
    """People in a programme (optionally only some roles), by name."""
    sql = """SELECT p.*, m.role AS programme_role, o.name AS organisation FROM people p
        JOIN programme_members m ON m.person_id = p.id AND m.programme_id = ?
        LEFT JOIN organisations o ON o.id = p.organisation_id"""
    params = [programme_id]
    if roles:
        sql += f" WHERE m.role IN ({', '.join('?' for _ in roles)})"
        params += list(roles)
    return list(db.query(sql + " ORDER BY p.name", params))


def update_learning_set(db, learning_set_id, name, facilitator_id, ground_rules, pair_ids):
    """Rename a set, change its facilitator and ground rules, and choose its pairs."""
    row = learning_set(db, learning_set_id)
    if row is None:
        raise ProgrammeError("There is no such learning set.")
    if not (name or "").strip() or has_control_characters(name + (ground_rules or "")):
        raise ProgrammeError("A set needs a name, and no control characters in its text.")
    _check_facilitator(db, row["programme_id"], facilitator_id)
    owned = {
        r[0]
        for r in db.execute("SELECT id FROM pairs WHERE programme_id = ?", [row["programme_id"]])
    }
    if set(pair_ids) - owned:
        raise ProgrammeError("Every pair in the set must belong to the same programme.")
    with write(db):
        db["learning_sets"].update(
            learning_set_id,
            {
                "name": name.strip(),
                "facilitator_id": facilitator_id or None,
                "ground_rules": ground_rules or "",
                "ground_rules_html": render_markdown(ground_rules),
            },
        )
        db.execute(
            "UPDATE pairs SET learning_set_id = NULL WHERE learning_set_id = ?", [learning_set_id]
        )
        for pair_id in pair_ids:
            db.execute(
                "UPDATE pairs SET learning_set_id = ? WHERE id = ?", [learning_set_id, pair_id]
            )


def _check_facilitator(db, programme_id, facilitator_id):
    if facilitator_id and role_in_programme(db, facilitator_id, programme_id) not in (
        "facilitator",
        "organiser",
    ):
        raise ProgrammeError("The facilitator must be a facilitator in this programme.")


def programme_overview(db, person_id):
    """The programmes this person organises, with counts for the organiser's home page."""
    return list(
        db.query(
            """SELECT g.*,
              (SELECT count(*) FROM programme_members m WHERE m.programme_id = g.id
               AND m.role = 'participant') AS participants,
              (SELECT count(*) FROM programme_members m WHERE m.programme_id = g.id
               AND m.role = 'facilitator') AS facilitators,
              (SELECT count(*) FROM pairs p WHERE p.programme_id = g.id) AS pairs,
              (SELECT count(*) FROM learning_sets s WHERE s.programme_id = g.id) AS learning_sets,
              (SELECT count(*) FROM meetings t WHERE t.programme_id = g.id
               AND t.status = 'scheduled' AND t.starts_at > :now) AS upcoming_meetings
            FROM programmes g JOIN programme_members me ON me.programme_id = g.id
            WHERE me.person_id = :me AND me.role = 'organiser'
            ORDER BY g.starts_on DESC, g.name""",
            {"me": person_id, "now": now()},
        )
    )


# The blueprint's views live in views.py; they import from here, so they come last.
from .views import bp  # noqa: E402,F401
