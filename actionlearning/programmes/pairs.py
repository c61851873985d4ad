"""Pairs and learning sets: two people in a programme (three when a third partner joins),
normally from different agencies, working on one priority area, and the learning sets of four
to eight people with a facilitator that pairs meet in. The checks that refuse a pair or set
and the warnings that only advise (same organisation, a set too small or without a
facilitator) live here; who is in the programme, and in which role, comes from the package."""

from .. import membership
from ..db import now, one, rows, write
from ..text import has_control_characters, has_line_controls, plain_markdown, rendered
from . import ORGANISATION_KINDS, ProgrammeError, role_in_programme

PARTNERING_MODELS = ("individual", "voluntary", "structural", "mandated")

SET_SIZE = (4, 8)
# New sets start from these; confidentiality comes first.
DEFAULT_GROUND_RULES = (
    "- **What is said in the set stays in the set.**\n"
    "- One person speaks at a time; the presenter owns the issue and the actions.\n"
    "- Questions first, advice only when asked.\n"
    "- We arrive on time and tell the facilitator in advance if we cannot come."
)
# members: two to four pairs


# Queries


def pair(db, pair_id):
    """The pair's row with its member ids, or None."""
    found = one(db, "SELECT * FROM pairs WHERE id = ?", [pair_id])
    if found is None:
        return None
    members = rows(db, "SELECT person_id FROM pair_members WHERE pair_id = ?", [pair_id])
    return {**found, "member_ids": [m["person_id"] for m in members]}


def pair_members(db, pair_id):
    return rows(
        db,
        """SELECT p.id, p.name, o.name AS organisation FROM pair_members pm
            JOIN people p ON p.id = pm.person_id
            LEFT JOIN organisations o ON o.id = p.organisation_id
            WHERE pm.pair_id = ? ORDER BY p.name""",
        [pair_id],
    )


def pair_warnings(db, member_ids):
    """Warnings (not refusals) about who is in a pair: partners are normally from
    different agencies."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return []
    people = rows(
        db,
        f"""SELECT p.name, o.id AS organisation_id, o.name AS organisation, o.kind
            FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
            WHERE p.id IN ({", ".join("?" for _ in ids)})""",
        ids,
    )
    warnings = []
    organisations_seen = [r["organisation_id"] for r in people if r["organisation_id"]]
    if len(organisations_seen) != len(set(organisations_seen)):
        warnings.append("Two partners work for the same organisation.")
    kinds = {r["kind"] for r in people}
    if len(people) > 1 and len(kinds) == 1 and None not in kinds:
        warnings.append(
            f"Every partner is from the same kind of agency ({ORGANISATION_KINDS[kinds.pop()]})."
        )
    return warnings


def pairs_for_programme(db, programme_id):
    """The programme's pairs with members, set and warnings, by borough."""
    pairs = rows(
        db,
        """SELECT p.*, s.name AS learning_set_name FROM pairs p
            LEFT JOIN learning_sets s ON s.id = p.learning_set_id
            WHERE p.programme_id = ? ORDER BY p.borough, p.priority_area""",
        [programme_id],
    )
    for pair in pairs:
        pair["members"] = pair_members(db, pair["id"])
        pair["warnings"] = pair_warnings(db, [m["id"] for m in pair["members"]])
    return pairs


def learning_set(db, learning_set_id):
    return one(
        db,
        """SELECT s.*, f.name AS facilitator_name FROM learning_sets s
            LEFT JOIN people f ON f.id = s.facilitator_id WHERE s.id = ?""",
        [learning_set_id],
    )


def pair_ids_in_set(db, learning_set_id):
    """The ids of the pairs in a learning set."""
    found = rows(
        db, "SELECT id FROM pairs WHERE learning_set_id = ? ORDER BY id", [learning_set_id]
    )
    return [p["id"] for p in found]


def learning_set_warnings(db, learning_set_id):
    """Warnings about a set's size and facilitator."""
    row = learning_set(db, learning_set_id)
    members = one(
        db,
        f"SELECT count(*) AS n FROM people WHERE id IN ({membership.members_of_learning_set('?')})",
        [learning_set_id],
    )["n"]
    low, high = SET_SIZE
    warnings = []
    if not low <= members <= high:
        warnings.append(f"The set has {members} members; a set works best with {low} to {high}.")
    if not row["facilitator_id"]:
        warnings.append("The set has no facilitator yet.")
    return warnings


def learning_sets_of_member(db, person_id):
    """The learning sets this person belongs to through their pairs, by name."""
    return rows(
        db,
        f"""SELECT s.id, s.name FROM learning_sets s
           WHERE s.id IN ({membership.learning_sets_of_member()}) ORDER BY s.name""",
        {"me": person_id},
    )


def learning_sets_for_programme(db, programme_id):
    """The programme's sets with facilitator, pairs, member count and warnings."""
    sets = rows(
        db,
        f"""SELECT s.*, f.name AS facilitator_name,
              (SELECT count(*) FROM people mc
               WHERE mc.id IN ({membership.members_of_learning_set("s.id")})) AS member_count
            FROM learning_sets s LEFT JOIN people f ON f.id = s.facilitator_id
            WHERE s.programme_id = ? ORDER BY s.name""",
        [programme_id],
    )
    for row in sets:
        row["pairs"] = rows(
            db, "SELECT * FROM pairs WHERE learning_set_id = ? ORDER BY borough", [row["id"]]
        )
        row["warnings"] = learning_set_warnings(db, row["id"])
    return sets


# Actions


def create_learning_set(db, programme_id, name, facilitator_id=None, ground_rules="", pair_ids=()):
    """Add a learning set to a programme, with these pairs in it, and return its id."""
    if _bad_set_text(name, ground_rules):
        raise ProgrammeError("A set needs a name, and no control characters in its text.", "name")
    _check_facilitator(db, programme_id, facilitator_id)
    with write(db):
        learning_set_id = (
            db["learning_sets"]
            .insert(
                {
                    "programme_id": programme_id,
                    "name": name.strip(),
                    "facilitator_id": facilitator_id,
                    "ground_rules": ground_rules,
                    "ground_rules_html": rendered(ground_rules, ProgrammeError),
                    "created_at": now(),
                }
            )
            .last_pk
        )
        if pair_ids:
            update_learning_set(
                db, learning_set_id, name, facilitator_id, ground_rules, list(pair_ids)
            )
    return learning_set_id


def update_learning_set(db, learning_set_id, name, facilitator_id, ground_rules, pair_ids):
    """Rename a set, change its facilitator and ground rules, and choose its pairs."""
    row = learning_set(db, learning_set_id)
    if row is None:
        raise ProgrammeError("There is no such learning set.")
    if _bad_set_text(name, ground_rules):
        raise ProgrammeError("A set needs a name, and no control characters in its text.", "name")
    _check_facilitator(db, row["programme_id"], facilitator_id)
    owned = {
        r[0]
        for r in db.execute("SELECT id FROM pairs WHERE programme_id = ?", [row["programme_id"]])
    }
    if set(pair_ids) - owned:
        raise ProgrammeError("Every pair in the set must belong to the same programme.", "pair_ids")
    with write(db):
        db["learning_sets"].update(
            learning_set_id,
            {
                "name": name.strip(),
                "facilitator_id": facilitator_id or None,
                "ground_rules": ground_rules or "",
                "ground_rules_html": rendered(ground_rules, ProgrammeError),
            },
        )
        db.execute(
            "UPDATE pairs SET learning_set_id = NULL WHERE learning_set_id = ?", [learning_set_id]
        )
        for pair_id in pair_ids:
            db.execute(
                "UPDATE pairs SET learning_set_id = ? WHERE id = ?", [learning_set_id, pair_id]
            )


def _bad_set_text(name, ground_rules):
    return (
        not (name or "").strip() or has_line_controls(name) or has_control_characters(ground_rules)
    )


def _check_facilitator(db, programme_id, facilitator_id):
    if facilitator_id and role_in_programme(db, facilitator_id, programme_id) not in (
        "facilitator",
        "organiser",
    ):
        raise ProgrammeError(
            "The facilitator must be a facilitator in this programme.", "facilitator_id"
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
        raise ProgrammeError(
            "A pair has two members (three when a third partner joins).", "member_ids"
        )
    if partnering_model not in PARTNERING_MODELS:
        raise ProgrammeError(
            f"Partnering model must be one of {', '.join(PARTNERING_MODELS)}.", "partnering_model"
        )
    lines = (priority_area, borough, name)
    if (
        not (priority_area or "").strip()
        or any(has_line_controls(t) for t in lines)
        or has_control_characters(problem_statement)
    ):
        raise ProgrammeError(
            "A pair needs a priority area, and no control characters.", "priority_area"
        )
    # Shown as a case study's first section: refused now if it could not be rendered then.
    rendered(plain_markdown(problem_statement or ""), ProgrammeError, "problem_statement")
    if any(role_in_programme(db, m, programme_id) is None for m in members):
        raise ProgrammeError("Every pair member must be in the programme first.", "member_ids")
    if (
        learning_set_id
        and one(
            db,
            "SELECT 1 FROM learning_sets WHERE id = ? AND programme_id = ?",
            [learning_set_id, programme_id],
        )
        is None
    ):
        raise ProgrammeError(
            "The learning set must belong to the same programme.", "learning_set_id"
        )
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
