"""Each author's own download of their journal: journal.md and journal.json in a zip.

It holds only what the author wrote, read through entries_visible_to (author="me"), the
same visibility rule as every other page.
"""

import io
import json
import zipfile
from datetime import UTC, datetime

from ..db import now
from ..evaluation import FACTOR_LABELS, own_ratings
from ..portable_markdown.escaping import inline
from ..text import plain_markdown
from . import (
    CASE_STUDY_SECTIONS,
    PROMPTS,
    REVISION_FIELDS,
    VISIBILITIES,
    entries_visible_to,
    responses_to,
    revisions_of,
)


def own_journal(db, person_id):
    """Every entry this person wrote (private ones too), oldest first, with revisions
    and responses, for their own download."""
    entries = list(reversed(entries_visible_to(db, person_id, author="me", limit=-1)))
    for entry in entries:
        entry["revisions"] = revisions_of(db, person_id, entry["id"])
        entry["responses"] = responses_to(db, person_id, entry["id"])
    return entries


EXPORT_FIELDS = (
    "id",
    "title",
    "body",
    *PROMPTS,
    "themes",
    "tags",
    "visibility",
    "consent_to_quote",
    "case_study_section",
    "meeting_label",
    "created_at",
    "updated_at",
)


def journal_markdown(entries, author_name):
    """The entries as one Markdown document; people's text never makes a heading of its own."""
    lines = [f"# Reflective journal of {inline(author_name)}", ""]
    for entry in entries:
        lines += [f"## {inline(entry['title'])}", ""]
        lines.append(f"- Written: {entry['created_at']}; last changed: {entry['updated_at']}")
        lines.append(f"- Shared with: {VISIBILITIES[entry['visibility']]}")
        if entry["meeting_label"]:
            lines.append(f"- After: {inline(entry['meeting_label'])}")
        if entry["themes"]:
            lines.append(f"- Themes: {', '.join(entry['themes'])}")
        if entry["tags"]:
            lines.append(f"- Tags: {inline(', '.join(entry['tags']))}")
        if entry["consent_to_quote"]:
            section = CASE_STUDY_SECTIONS.get(entry["case_study_section"], "any section")
            lines.append(f"- May be quoted in the case study ({section})")
        lines.append("")
        if entry["body"].strip():
            lines += [plain_markdown(entry["body"]), ""]
        for key, label in PROMPTS.items():
            if entry[key].strip():
                lines += [f"### {label}", "", plain_markdown(entry[key]), ""]
        for response in entry["responses"]:
            lines += [
                f"> {inline(response['author_name'])} responded: {inline(response['body'])}",
                "",
            ]
    return "\n".join(lines)


def journal_export_zip(db, person_id, author_name):
    """A zip holding journal.md and journal.json: everything this person wrote."""
    entries = own_journal(db, person_id)
    data = [
        {k: e[k] for k in EXPORT_FIELDS}
        | {
            "revisions": [
                {k: r[k] for k in (*REVISION_FIELDS, "themes", "tags", "saved_at") if k in r}
                for r in e["revisions"]
            ],
            "responses": [
                {"author": r["author_name"], "body": r["body"], "created_at": r["created_at"]}
                for r in e["responses"]
            ],
        }
        for e in entries
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("journal.md", journal_markdown(entries, author_name))
        archive.writestr(
            "journal.json",
            json.dumps(
                {"author": author_name, "exported_at": now(), "entries": data},
                indent=2,
                ensure_ascii=False,
            ),
        )
        ratings = own_ratings(db, person_id)
        if ratings:  # the person's evaluation answers are theirs to take too
            for rating in ratings:
                rating["factor"] = FACTOR_LABELS[rating["factor"]]
            archive.writestr(
                "ratings.json", json.dumps({"ratings": ratings}, indent=2, ensure_ascii=False)
            )
    return buffer.getvalue()


def export_file_name(when=None):
    return f"journal-{(when or datetime.now(UTC)).date().isoformat()}.zip"
