"""Case studies: one per pair, in four parts, written together and approved for the conference.

Who may do what is decided in `access()`: pair members edit, organisers of the programme
review, the facilitator of the pair's learning set reads, and everyone else sees nothing.
Every save is checked against the revision the editor started from, inside the write lock,
so that no one's work is silently overwritten. Queries and actions first; submitting,
approving, returning and reopening in casestudies/workflow.py, what the pages show in
casestudies/pages.py, Markdown export in casestudies/export.py, the blueprint in
casestudies/views.py.
"""

import difflib
import json

from ..db import now, one, rows, write
from ..journal import CASE_STUDY_SECTIONS, THEMES, consented_entries_for_pair
from ..membership import learning_sets_facilitated_by, pairs_of, programmes_organised_by
from ..text import (
    has_control_characters,
    has_line_controls,
    plain_markdown,
    rendered,
    single_line,
)

# The four questions every case study answers, in order, with exactly these headings
# (stated in the journal, whose entries say which of them they inform).
SECTIONS = CASE_STUDY_SECTIONS
MARKDOWN_FIELDS = ("summary", *SECTIONS)
TEXT_FIELDS = ("title", *MARKDOWN_FIELDS)
FIELD_LABELS = {
    "title": "Title",
    "summary": "Summary",
    **SECTIONS,
    "key_outcomes": "Key outcomes",
    "themes": "Themes",
}
STATUSES = {"draft": "Draft", "submitted": "Submitted", "approved": "Approved"}
ATTRIBUTIONS = {"named": "with the author's name", "anonymous": "anonymously"}
MAX_TITLE = 200
MAX_TEXT = 20000
MAX_KEY_OUTCOMES = 12
MAX_KEY_OUTCOME = 200


class CaseStudyError(ValueError):
    """A case-study change that cannot be made; the message says why."""


class NotAllowed(CaseStudyError):
    """The person may see the case study but not do this to it."""


class StaleRevision(CaseStudyError):
    """The save was based on an older revision; `changes` says what the others changed."""

    def __init__(self, current_revision, changes, savers):
        super().__init__(
            "Someone else saved this case study while you were editing, so your save was "
            "not made. Their changes are shown below; your text is still in the form. "
            "Merge the two and save again."
        )
        self.current_revision = current_revision
        self.changes = changes
        self.savers = savers


def render_section(source):
    """The stored HTML of one case-study field."""
    return rendered(plain_markdown(source), CaseStudyError)


# Queries


# The one statement of who may do what to the case study of pair `p`: 'edit' for a member
# of the pair, 'review' for an organiser of its programme, 'read' for the facilitator of
# its learning set, NULL for everyone else (who sees nothing of it).
ACCESS = f"""CASE
    WHEN p.id IN ({pairs_of()}) THEN 'edit'
    WHEN p.programme_id IN ({programmes_organised_by()}) THEN 'review'
    WHEN p.learning_set_id IN ({learning_sets_facilitated_by()}) THEN 'read'
END"""


def access(db, person_id, pair_id):
    """'edit', 'review', 'read' or None: what this person may do to the pair's case study
    (ACCESS)."""
    row = one(
        db,
        f"SELECT {ACCESS} AS level FROM pairs p WHERE p.id = :pair",
        {"me": person_id, "pair": pair_id},
    )
    return row["level"] if row else None


def pair_details(db, pair_id):
    """The pair with its programme, set and members (name, organisation), or None."""
    pair = one(
        db,
        """SELECT p.*, g.name AS programme_name, g.time_zone, s.name AS learning_set_name
           FROM pairs p JOIN programmes g ON g.id = p.programme_id
           LEFT JOIN learning_sets s ON s.id = p.learning_set_id WHERE p.id = ?""",
        [pair_id],
    )
    if pair is None:
        return None
    pair["members"] = members_of_pairs(db, [pair_id]).get(pair_id, [])
    pair["label"] = pair_label(pair)
    return pair


def pair_label(pair):
    """'Islington: Third-sector brokerage for personal budget holders'."""
    name = pair.get("name") or pair["priority_area"]
    return f"{pair['borough']}: {name}" if pair.get("borough") else name


def members_of_pairs(db, pair_ids):
    """{pair_id: [{id, name, organisation, organisation_kind}]} in one query."""
    if not pair_ids:
        return {}
    marks = ", ".join("?" for _ in pair_ids)
    members = {}
    for row in rows(
        db,
        f"""SELECT pm.pair_id, p.id, p.name, o.name AS organisation, o.kind AS organisation_kind
            FROM pair_members pm JOIN people p ON p.id = pm.person_id
            LEFT JOIN organisations o ON o.id = p.organisation_id
            WHERE pm.pair_id IN ({marks}) ORDER BY pm.pair_id, p.name""",
        list(pair_ids),
    ):
        members.setdefault(row.pop("pair_id"), []).append(row)
    return members


def _case_study(row):
    study = dict(row)
    study["key_outcomes"] = json.loads(study.get("key_outcomes") or "[]")
    study["themes"] = sorted(set((study.pop("theme_list", None) or "").split("|")) - {""})
    return study


_CASE_STUDY_ROWS = """SELECT c.*,
    (SELECT group_concat(t.theme, '|') FROM case_study_themes t WHERE t.case_study_id = c.id)
        AS theme_list
FROM case_studies c """


def case_study(db, pair_id):
    """The pair's case study with its key outcomes and themes as lists, or None."""
    row = one(db, _CASE_STUDY_ROWS + "WHERE c.pair_id = ?", [pair_id])
    return _case_study(row) if row else None


def history(db, case_study_id):
    """Every save and workflow step, newest first, with who and when."""
    return rows(
        db,
        """SELECT r.id, r.revision, r.kind, r.comment, r.saved_at, p.name AS person_name
               FROM case_study_revisions r LEFT JOIN people p ON p.id = r.person_id
               WHERE r.case_study_id = ? ORDER BY r.id DESC""",
        [case_study_id],
    )


def excerpts_for_editor(db, pair_id):
    """Consented journal entries of the pair, grouped by the section they inform
    ('' for entries that name none), each with its author's organisation."""
    members = {m["id"]: m for m in members_of_pairs(db, [pair_id]).get(pair_id, [])}
    groups = {key: [] for key in (*SECTIONS, "")}
    for entry in consented_entries_for_pair(db, pair_id):
        author = members.get(entry["author_id"], {})
        entry["author_organisation"] = author.get("organisation") or ""
        groups.setdefault(entry.get("case_study_section") or "", []).append(entry)
    return groups


def changes_since(db, case_study_id, base_revision):
    """What changed between a saved revision and now, field by field: the current text
    and a line diff; plus who saved since."""
    current = _snapshot(_case_study(one(db, _CASE_STUDY_ROWS + "WHERE c.id = ?", [case_study_id])))
    base_row = one(
        db,
        """SELECT * FROM case_study_revisions
           WHERE case_study_id = ? AND revision = ? AND kind = 'save'""",
        [case_study_id, base_revision],
    )
    base = _revision_snapshot(base_row) if base_row else _empty_snapshot()
    changes = []
    for field, label in FIELD_LABELS.items():
        before, after = base[field], current[field]
        if before == after:
            continue
        diff = difflib.unified_diff(
            before.splitlines(), after.splitlines(), "before", "now", lineterm="", n=1
        )
        changes.append({"field": field, "label": label, "theirs": after, "diff": list(diff)[2:]})
    savers = rows(
        db,
        """SELECT r.revision, r.saved_at, p.name AS person_name
               FROM case_study_revisions r LEFT JOIN people p ON p.id = r.person_id
               WHERE r.case_study_id = ? AND r.kind = 'save' AND r.revision > ?
               ORDER BY r.revision""",
        [case_study_id, base_revision],
    )
    return changes, savers


def _snapshot(study):
    """The editable fields as text, so two versions compare line by line."""
    return {
        **{field: study.get(field) or "" for field in TEXT_FIELDS},
        "key_outcomes": "\n".join(study["key_outcomes"]),
        "themes": "\n".join(sorted(study["themes"])),
    }


def _revision_snapshot(row):
    return _snapshot(
        {
            **dict(row),
            "key_outcomes": json.loads(row["key_outcomes"] or "[]"),
            "themes": json.loads(row["themes"] or "[]"),
        }
    )


def _empty_snapshot():
    return _snapshot({"key_outcomes": [], "themes": []})


# Actions


def clean_fields(fields):
    """The editable fields checked and tidied; CaseStudyError lists every problem."""
    raw = [fields.get(name) or "" for name in TEXT_FIELDS]
    key_outcomes = fields.get("key_outcomes") or []
    if isinstance(key_outcomes, str):
        key_outcomes = key_outcomes.splitlines()
    themes = list(dict.fromkeys(fields.get("themes") or []))
    problems = []
    if any(has_control_characters(v) for v in [*raw, *key_outcomes, *themes]):
        problems.append("Remove the control characters (such as NUL) from the text.")
    elif has_line_controls(fields.get("title")) or any(map(has_line_controls, key_outcomes)):
        problems.append("Remove the direction marks from the title and key outcomes.")
    values = {"title": single_line(fields.get("title"))}
    for name in MARKDOWN_FIELDS:
        values[name] = (fields.get(name) or "").replace("\r\n", "\n").strip()
        if len(values[name]) > MAX_TEXT:
            problems.append(f"{FIELD_LABELS[name]} is longer than {MAX_TEXT} characters.")
    if not values["title"]:
        problems.append("A case study needs a title.")
    elif len(values["title"]) > MAX_TITLE:
        problems.append(f"The title is longer than {MAX_TITLE} characters.")
    # People paste bulleted lists: one outcome a line, bullets dropped.
    values["key_outcomes"] = [single_line(k).lstrip("-*•").strip() for k in key_outcomes]
    values["key_outcomes"] = [k for k in values["key_outcomes"] if k]
    if len(values["key_outcomes"]) > MAX_KEY_OUTCOMES:
        problems.append(f"List at most {MAX_KEY_OUTCOMES} key outcomes.")
    if any(len(k) > MAX_KEY_OUTCOME for k in values["key_outcomes"]):
        problems.append(f"Keep each key outcome under {MAX_KEY_OUTCOME} characters.")
    if any(theme not in THEMES for theme in themes):
        problems.append("Choose themes from the list.")
    values["themes"] = sorted(themes)
    if problems:
        raise CaseStudyError(" ".join(problems))
    return values


def excerpt_markdown(entry, attribution):
    """A journal entry as a Markdown blockquote, signed by name or as 'a pair member'."""
    text = (entry.get("body") or "").strip() or "\n\n".join(
        (entry.get(key) or "").strip()
        for key in ("what_happened", "so_what", "now_what")
        if (entry.get(key) or "").strip()
    )
    lines = [f"> {line}" if line.strip() else ">" for line in text.splitlines()]
    if attribution == "named":
        signature = ", ".join(
            part for part in (entry["author_name"], entry.get("author_organisation")) if part
        )
    else:
        signature = "a pair member"
    return "\n".join([*lines, ">", f"> — {signature}"])


def _with_excerpt(db, pair_id, values, insert):
    """values with a consented entry appended to its section; anything else is refused."""
    entries = {e["id"]: e for group in excerpts_for_editor(db, pair_id).values() for e in group}
    entry = entries.get(insert.get("entry_id"))
    if entry is None:
        raise CaseStudyError(
            "That journal entry cannot be quoted here: it is not one of this pair's entries "
            "that its author agreed to share."
        )
    section = entry.get("case_study_section") or insert.get("section")
    if section not in SECTIONS:
        raise CaseStudyError("Choose the section the excerpt should go in.")
    if insert.get("attribution") not in ATTRIBUTIONS:
        raise CaseStudyError("Choose whether to quote the entry with its author's name.")
    before = values[section].rstrip()
    excerpt = excerpt_markdown(entry, insert["attribution"])
    values[section] = f"{before}\n\n{excerpt}" if before else excerpt
    if len(values[section]) > MAX_TEXT:
        raise CaseStudyError(f"{SECTIONS[section]} would be longer than {MAX_TEXT} characters.")
    return values


def save_case_study(db, pair_id, person_id, base_revision, fields, insert=None):
    """Save the pair's case study as a new revision and return its number.

    base_revision is the revision the editor started from (0 before the first save); a
    save based on any other is refused with StaleRevision. insert, when given, is
    {"entry_id", "attribution" ('named' or 'anonymous'), "section" (for an entry that names
    none)}: a consented journal entry appended to its section as a quotation.
    """
    if access(db, person_id, pair_id) != "edit":
        raise NotAllowed("Only the pair's members can edit its case study.")
    values = clean_fields(fields)
    if insert:
        values = _with_excerpt(db, pair_id, values, insert)
    with write(db):
        current = case_study(db, pair_id)
        revision = current["revision"] if current else 0
        if current and current["status"] == "approved":
            raise CaseStudyError(
                "This case study is approved and read-only until an organiser reopens it."
            )
        if base_revision != revision:
            changes, savers = (
                changes_since(db, current["id"], base_revision) if current else ((), ())
            )
            raise StaleRevision(revision, changes, savers)
        stamp = now()
        row = {
            **{name: values[name] for name in TEXT_FIELDS},
            **{name + "_html": render_section(values[name]) for name in MARKDOWN_FIELDS},
            "key_outcomes": json.dumps(values["key_outcomes"]),
            "revision": revision + 1,
            "updated_at": stamp,
        }
        if current is None:
            row.update(pair_id=pair_id, status="draft", created_at=stamp)
            case_study_id = db["case_studies"].insert(row).last_pk
        else:
            case_study_id = current["id"]
            db["case_studies"].update(case_study_id, row)
        db.execute("DELETE FROM case_study_themes WHERE case_study_id = ?", [case_study_id])
        db["case_study_themes"].insert_all(
            [{"case_study_id": case_study_id, "theme": t} for t in values["themes"]]
        )
        _log(db, case_study_id, revision + 1, "save", person_id, stamp, values=values)
    return revision + 1


def _log(db, case_study_id, revision, kind, person_id, stamp, values=None, comment=""):
    row = {
        "case_study_id": case_study_id,
        "revision": revision,
        "kind": kind,
        "comment": comment,
        "person_id": person_id,
        "saved_at": stamp,
    }
    if values:
        row.update({name: values[name] for name in TEXT_FIELDS})
        row["key_outcomes"] = json.dumps(values["key_outcomes"])
        row["themes"] = json.dumps(values["themes"])
    db["case_study_revisions"].insert(row)
