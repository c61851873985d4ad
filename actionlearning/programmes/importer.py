"""The spreadsheet import: organisations, people, pairs and set membership from one CSV.

Every row is checked before anything is written; one bad row rejects the whole file and
names each problem by row number. Importing the same file again changes nothing: people
are matched by e-mail, organisations by name, pairs by their label, sets by name.

Matching by e-mail must not let an organiser pull someone else's people into their
programme: an existing account is placed only when the people page's rule
(people.PEOPLE_FOR_ORGANISER) lets the importer act on it, unless the server's operator imports.
"""

import csv
import io
import re

from .. import audit, auth
from ..db import write
from ..text import has_control_characters, has_line_controls
from . import (
    ORGANISATION_KINDS,
    ProgrammeError,
    add_member,
    create_organisation,
    organisation_by_name,
    organised_programme,
    programme,
    role_in_programme,
)
from .pairs import (
    DEFAULT_GROUND_RULES,
    PARTNERING_MODELS,
    create_learning_set,
    create_pair,
    pair,
    update_pair,
)
from .people import OPERATOR, person_for_organiser

REQUIRED_COLUMNS = ("email", "name", "role")
OPTIONAL_COLUMNS = (
    "programme",
    "programme_id",
    "organisation",
    "organisation_kind",
    "job_title",
    "pair",
    "borough",
    "priority_area",
    "problem_statement",
    "partnering_model",
    "learning_set",
)
PAIR_FIELDS = ("borough", "priority_area", "problem_statement", "partnering_model")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ROWS = 2000

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
    rows, problems = _read(text, programme_id)
    if problems:
        raise ImportRejected(problems)
    checker = _Checker(db, programme_id, by)
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


def _read(text, programme_id):
    reader = csv.DictReader(io.StringIO(text))
    header = [_column(c) for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if programme_id is None and not {"programme", "programme_id"} & set(header):
        missing.append("programme (or programme_id)")
    if missing:
        return [], [f"Row 1: the file has no column {', '.join(missing)}."]
    unknown = [c for c in header if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        return [], [f"Row 1: unknown column {', '.join(unknown)}."]
    reader.fieldnames = header
    rows = []
    try:
        numbered = list(enumerate(reader, start=2))
    except csv.Error as error:
        return [], [f"Row {reader.line_num}: the file is not valid CSV ({error})."]
    for number, raw in numbered:
        if number > MAX_ROWS + 1:
            return [], [f"The file has more than {MAX_ROWS} rows; split it."]
        if None in raw:
            return [], [f"Row {number}: more values than columns."]
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        if any(row.values()):
            rows.append((number, row))
    if not rows:
        return [], ["The file has no rows to import."]
    return rows, []


def _column(name):
    return (name or "").strip().lower().replace(" ", "_").replace("-", "_")


class _Checker:
    """Validates rows and remembers what they resolve to (programme, organisations, pairs)."""

    def __init__(self, db, programme_id, by):
        self.db, self.programme_id, self.by = db, programme_id, by
        self.kinds, self.models = ORGANISATION_KINDS, PARTNERING_MODELS
        self.problems = []
        self.emails = {}  # email -> first row number
        self.organisation_kinds = {}  # lower name -> (kind, row)
        self.pairs = {}  # (programme_id, label) -> {"rows": [...], fields...}
        self.facilitators = {}  # (programme_id, set name lower) -> (email, row)
        self.resolved = {}  # row number -> programme id

    def fail(self, number, message):
        self.problems.append(f"Row {number}: {message}")

    def check_row(self, number, row):
        if any(has_control_characters(v) for v in row.values()):
            return self.fail(number, "remove the control characters (such as NUL).")
        if any(has_line_controls(v) for k, v in row.items() if k != "problem_statement"):
            return self.fail(number, "remove the direction marks (such as right-to-left override).")
        email = auth.normalise_email(row["email"])
        if not EMAIL.match(email) or not email.isascii():
            self.fail(number, f"'{row['email']}' is not an e-mail address.")
        elif email in self.emails:
            self.fail(number, f"{email} appears twice (also row {self.emails[email]}).")
        else:
            self.emails[email] = number
            self._may_place(number, email)
        if not row["name"]:
            self.fail(number, "the name is empty.")
        if row["role"] not in auth.ROLES:
            self.fail(number, f"role '{row['role']}' is not one of {', '.join(auth.ROLES)}.")
        programme_id = self._programme(number, row)
        self._organisation(number, row)
        if programme_id is None:
            return
        self.resolved[number] = programme_id
        self._pair_and_set(number, row, programme_id, email)

    def _may_place(self, number, email):
        found = self.db.execute("SELECT id FROM people WHERE email = ?", [email]).fetchone()
        if (
            found
            and self.by != OPERATOR
            and person_for_organiser(self.db, self.by, found[0]) is None
        ):
            self.fail(
                number,
                f"{email} already has an account in a programme you do not organise; "
                "an organiser of that programme can add them to yours on the people page.",
            )

    def _programme(self, number, row):
        programme_id = self._named_programme(number, row)
        if (
            programme_id is not None
            and self.by != OPERATOR
            and organised_programme(self.db, self.by, programme_id) is None
        ):
            self.fail(number, f"you do not organise programme {programme_id}.")
            return None
        return programme_id

    def _named_programme(self, number, row):
        if self.programme_id is not None:
            wanted = str(self.programme_id)
            given = row.get("programme_id") or ""
            if given and given != wanted:
                self.fail(number, f"programme_id {given} is not the programme being imported.")
                return None
            return self.programme_id
        if row.get("programme_id"):
            if row["programme_id"].isdigit() and programme(self.db, int(row["programme_id"])):
                return int(row["programme_id"])
            self.fail(number, f"there is no programme with id {row['programme_id']}.")
            return None
        found = self.db.execute(
            "SELECT id FROM programmes WHERE lower(name) = lower(?)", [row.get("programme", "")]
        ).fetchone()
        if found is None:
            self.fail(number, f"there is no programme called '{row.get('programme', '')}'.")
            return None
        return found[0]

    def _organisation(self, number, row):
        name, kind = row.get("organisation", ""), row.get("organisation_kind", "")
        if not name:
            if kind:
                self.fail(number, "organisation_kind is given without an organisation.")
            return
        if kind and kind not in self.kinds:
            return self.fail(
                number,
                f"unknown organisation kind '{kind}' (use {', '.join(self.kinds)}).",
            )
        existing = self.db.execute(
            "SELECT kind FROM organisations WHERE lower(name) = lower(?)", [name]
        ).fetchone()
        earlier = self.organisation_kinds.get(name.lower())
        if existing is None and not kind and earlier is None:
            return self.fail(number, f"'{name}' is a new organisation: give its organisation_kind.")
        known = existing[0] if existing else (earlier[0] if earlier else None)
        if kind and known and kind != known:
            return self.fail(number, f"'{name}' is already of kind {known}, not {kind}.")
        self.organisation_kinds.setdefault(name.lower(), (kind or known, number))

    def _pair_and_set(self, number, row, programme_id, email):
        label, set_name = row.get("pair", ""), row.get("learning_set", "")
        if row["role"] == "facilitator" and set_name:
            key = (programme_id, set_name.lower())
            if key in self.facilitators:
                self.fail(
                    number,
                    f"set '{set_name}' already has a facilitator in row "
                    f"{self.facilitators[key][1]}.",
                )
            self.facilitators[key] = (email, number)
        if not label:
            if any(row.get(f) for f in PAIR_FIELDS):
                self.fail(number, "pair details are given without a pair label.")
            if set_name and row["role"] == "participant":
                self.fail(number, "a participant joins a set through their pair: give the pair.")
            return
        if row["role"] != "participant":
            return self.fail(number, "only participants are members of a pair.")
        model = row.get("partnering_model", "")
        if model and model not in self.models:
            self.fail(number, f"partnering model '{model}' is not one of {', '.join(self.models)}.")
        pair = self.pairs.setdefault((programme_id, label), {"rows": [], "emails": []})
        pair["rows"].append(number)
        pair["emails"].append(email)
        for field in (*PAIR_FIELDS, "learning_set"):
            value = row.get(field, "")
            if value and pair.get(field, value) != value:
                self.fail(number, f"{field} differs from the pair's earlier row {pair['rows'][0]}.")
            elif value:
                pair[field] = value

    def check_groups(self):
        for (programme_id, label), group in self.pairs.items():
            first = group["rows"][0]
            existing = self.db.execute(
                "SELECT id, priority_area FROM pairs WHERE programme_id = ? AND name = ?",
                [programme_id, label],
            ).fetchone()
            members = set(group["emails"])
            if existing:
                members |= {
                    r[0]
                    for r in self.db.execute(
                        """SELECT p.email FROM pair_members pm JOIN people p ON p.id = pm.person_id
                        WHERE pm.pair_id = ?""",
                        [existing[0]],
                    )
                }
            if not 2 <= len(members) <= 3:
                self.fail(
                    first,
                    f"pair '{label}' would have {len(members)} member(s); "
                    "a pair has two (three when a third partner joins).",
                )
            if not group.get("priority_area") and not existing:
                self.fail(first, f"pair '{label}' needs a priority_area.")


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
