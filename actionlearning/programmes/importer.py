"""The spreadsheet import: organisations, people, pairs and set membership from one CSV.

Every row is checked before anything is written; one bad row rejects the whole file and
names each problem by row number. Importing the same file again changes nothing: people
are matched by e-mail, organisations by name, pairs by their label, sets by name.

Matching by e-mail must not let an organiser pull someone else's people into their
programme: an existing account is placed only when the people page's rule
(people.PEOPLE_FOR_ORGANISER) lets the importer act on it, unless the server's operator imports.
"""

from .. import audit, auth
from ..db import write
from . import (
    ProgrammeError,
    add_member,
    create_organisation,
    organisation_by_name,
    role_in_programme,
)
from .import_rows import PAIR_FIELDS, RowChecker, read_rows
from .pairs import (
    DEFAULT_GROUND_RULES,
    create_learning_set,
    create_pair,
    pair,
    update_pair,
)
from .people import OPERATOR

TEMPLATE_CSV = (
    "email,name,role,organisation,organisation_kind,job_title,pair,borough,priority_area,"
    "problem_statement,partnering_model,learning_set\r\n"
    "amira.haddad@example.org,Amira Haddad,participant,Whittington Health NHS Trust,nhs,"
    "Head of Personalisation,islington-brokerage,Islington,"
    "Third-sector brokerage for personal budget holders,,voluntary,Thames set\r\n"
    "tom.gallagher@example.org,Tom Gallagher,participant,London Borough of Islington,"
    "local_authority,Assistant Director,islington-brokerage,Islington,"
    "Third-sector brokerage for personal budget holders,,voluntary,Thames set\r\n"
    "daniel.whitcombe@example.org,Daniel Whitcombe,facilitator,"
    "London Partnerships Learning Network,other,Facilitator,,,,,,Thames set\r\n"
)


class ImportRejected(ValueError):
    """The file was not imported; .problems lists each reason ('Row 3: ...')."""

    def __init__(self, problems):
        super().__init__("The file was not imported:\n" + "\n".join(problems))
        self.problems = problems


def decode(data):
    """CSV bytes as text: UTF-8 (with or without Excel's BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def import_people(db, text, programme_id=None, *, by):
    """Check every row, then import them all in one write; returns counts of what changed.

    `by` is the importing organiser's id, or OPERATOR for the server's operator: the caller
    says whose authority places existing accounts.
    """
    rows, problems = read_rows(text, programme_id)
    if problems:
        raise ImportRejected(problems)
    checker = RowChecker(db, programme_id, by)
    for number, row in rows:
        checker.check_row(number, row)
    checker.check_groups()
    if checker.problems:
        raise ImportRejected(checker.problems)
    actor_id = None if by == OPERATOR else by
    try:
        with write(db):
            counts = _apply(db, rows, checker)
            for touched in sorted(set(checker.resolved.values())):
                audit.record(db, "import.people", actor_id, None, touched, rows=len(rows), **counts)
            return counts
    except (ProgrammeError, auth.AccountError) as error:
        raise ImportRejected([str(error)]) from error


def _apply(db, rows, checker):
    counts = dict.fromkeys(
        ("organisations", "people", "memberships", "learning_sets", "pairs", "pair_members"), 0
    )
    organisation_ids = {}
    for name_lower, (kind, number) in checker.organisation_kinds.items():
        name = next(r["organisation"] for n, r in rows if n == number)
        found = organisation_by_name(db, name)
        if found is None:
            found = {"id": create_organisation(db, name, kind)}
            counts["organisations"] += 1
        organisation_ids[name_lower] = found["id"]
    person_ids = {}
    for number, row in rows:
        email = auth.normalise_email(row["email"])
        found = auth.person_by_email(db, email)
        if found is None:
            organisation_id = organisation_ids.get(row.get("organisation", "").lower())
            # Invited: no password until the organiser issues a sign-up link.
            person_id = auth.create_person(
                db, email, row["name"], row["role"], organisation_id, None, row.get("job_title", "")
            )
            counts["people"] += 1
        else:
            person_id = found["id"]
        person_ids[email] = person_id
        programme_id = checker.resolved[number]
        if role_in_programme(db, person_id, programme_id) != row["role"]:
            add_member(db, programme_id, person_id, row["role"])
            counts["memberships"] += 1
    set_ids = {}
    for (programme_id, set_lower), (email, _number) in checker.facilitators.items():
        set_ids[(programme_id, set_lower)] = _learning_set(
            db, programme_id, _set_name(rows, set_lower), person_ids[email], counts
        )
    for (programme_id, label), values in checker.pairs.items():
        set_id = None
        if values.get("learning_set"):
            key = (programme_id, values["learning_set"].lower())
            set_id = set_ids.get(key) or _learning_set(
                db, programme_id, values["learning_set"], None, counts
            )
            set_ids[key] = set_id
        _pair(
            db,
            programme_id,
            label,
            values,
            set_id,
            [person_ids[e] for e in values["emails"]],
            counts,
        )
    return counts


def _set_name(rows, set_lower):
    return next(
        r["learning_set"] for _n, r in rows if r.get("learning_set", "").lower() == set_lower
    )


def _learning_set(db, programme_id, name, facilitator_id, counts):
    found = db.execute(
        "SELECT id, facilitator_id FROM learning_sets WHERE programme_id = ? AND lower(name) = ?",
        [programme_id, name.lower()],
    ).fetchone()
    if found is None:
        counts["learning_sets"] += 1
        return create_learning_set(db, programme_id, name, facilitator_id, DEFAULT_GROUND_RULES)
    if facilitator_id and found[1] != facilitator_id:
        db["learning_sets"].update(found[0], {"facilitator_id": facilitator_id})
        counts["learning_sets"] += 1
    return found[0]


def _pair(db, programme_id, label, values, set_id, member_ids, counts):
    given = {f: values[f] for f in PAIR_FIELDS if values.get(f)}
    if set_id:
        given["learning_set_id"] = set_id
    found = db.execute(
        "SELECT id FROM pairs WHERE programme_id = ? AND name = ?", [programme_id, label]
    ).fetchone()
    if found is None:
        create_pair(db, programme_id, member_ids, name=label, **given)
        counts["pairs"] += 1
        counts["pair_members"] += len(set(member_ids))
        return
    row = pair(db, found[0])
    members = list(dict.fromkeys(row["member_ids"] + member_ids))
    changed = any(row[k] != v for k, v in given.items())
    if changed or len(members) > len(row["member_ids"]):
        merged = {k: row[k] for k in (*PAIR_FIELDS, "learning_set_id")} | given
        update_pair(db, row["id"], members, name=label, **merged)
        counts["pairs"] += int(changed)
        counts["pair_members"] += len(members) - len(row["member_ids"])
