"""Reading and checking the rows of a spreadsheet import (programmes/importer.py) before
anything is written: each problem named by its row number, and what each row resolves to
(programme, organisation, pair, set) remembered for the write."""

import csv
import io
import re

from .. import auth
from ..text import has_control_characters, has_line_controls
from . import ORGANISATION_KINDS, organised_programme, programme
from .pairs import PARTNERING_MODELS
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


def read_rows(text, programme_id):
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


class RowChecker:
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
