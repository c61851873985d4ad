"""Writing the journal: the actions that create, change and delete entries and add
responses, with the checks on what an entry may hold (parse_tags, _clean) and the
rendering of its text to sanitised HTML. These functions read entries only through the
queries in actionlearning.journal (own_entry and visible_entry, built on VISIBLE there),
so the one visibility rule decides whom an entry can be changed or answered by.
"""

import re

from ..db import now, one, write
from ..mail.notifications import queue_response_notice
from ..text import has_control_characters, has_line_controls, rendered
from . import (
    CASE_STUDY_SECTIONS,
    MAX_BODY,
    MAX_PROMPT,
    MAX_RESPONSE,
    MAX_TAGS,
    MAX_TITLE,
    PROMPTS,
    REVISION_FIELDS,
    TAG_PATTERN,
    THEMES,
    VISIBILITIES,
    JournalError,
    meeting_choices,
    own_entry,
    pair_of,
    visible_entry,
    writable_programmes,
)
from .cards import store_card


def parse_tags(text):
    """'Pilot, first set' -> ['first-set', 'pilot']; refuses odd characters with a message."""
    tags = []
    for raw in re.split(r"[,;\n]", text or "") if isinstance(text, str) else text or ():
        tag = "-".join(raw.strip().lower().split())
        if not tag:
            continue
        if not TAG_PATTERN.match(tag):
            raise JournalError(
                f"The tag '{raw.strip()[:40]}' may hold only letters, numbers and hyphens "
                "(up to 40 characters)."
            )
        tags.append(tag)
    tags = sorted(set(tags))
    if len(tags) > MAX_TAGS:
        raise JournalError(f"Use at most {MAX_TAGS} tags.")
    return tags


def _render(text):
    return rendered(text, JournalError)


def _prompts_html(fields):
    # The headings are ours; each answer is rendered and sanitised on its own.
    return "".join(
        f"<h3>{label}</h3>\n{_render(fields[key])}"
        for key, label in PROMPTS.items()
        if fields[key].strip()
    )


def preview(fields):
    """The sanitised HTML an entry would show, for the Preview button (nothing is saved)."""
    texts = {k: fields.get(k) or "" for k in ("body", *PROMPTS)}
    return {"body_html": _render(texts["body"]), "prompts_html": _prompts_html(texts)}


def _clean(db, person_id, programme_id, fields, existing=None):
    """Check an entry's fields; returns the row values to store or raises JournalError."""
    texts = {k: (fields.get(k) or "") for k in ("title", "body", *PROMPTS)}
    texts["title"] = texts["title"].strip()
    problems = []
    if any(has_control_characters(v) for v in texts.values()):
        problems.append("Remove the control characters (such as NUL) from the text.")
    elif has_line_controls(texts["title"]):
        problems.append("Remove the direction marks from the title.")
    if not texts["title"]:
        problems.append("An entry needs a title.")
    if len(texts["title"]) > MAX_TITLE:
        problems.append(f"Keep the title under {MAX_TITLE} characters.")
    if len(texts["body"]) > MAX_BODY or any(len(texts[k]) > MAX_PROMPT for k in PROMPTS):
        problems.append(
            f"Keep the body under {MAX_BODY} characters and each prompt under {MAX_PROMPT}."
        )
    if not any(texts[k].strip() for k in ("body", *PROMPTS)):
        problems.append("Write something in the body or in at least one of the prompts.")
    visibility = fields.get("visibility") or "private"
    if visibility not in VISIBILITIES:
        problems.append(f"Visibility must be one of {', '.join(VISIBILITIES)}.")
    themes = sorted(set(fields.get("themes") or ()))
    if any(t not in THEMES for t in themes):
        problems.append("Choose themes from the list.")
    section = fields.get("case_study_section") or ""
    if section and section not in CASE_STUDY_SECTIONS:
        problems.append(f"Case-study section must be one of {', '.join(CASE_STUDY_SECTIONS)}.")
    try:
        tags = parse_tags(fields.get("tags"))
    except JournalError as error:
        problems.append(str(error))
        tags = []
    meeting_id = fields.get("meeting_id") or None
    allowed = {m for m, _ in meeting_choices(db, person_id, programme_id)}
    allowed.add((existing or {}).get("meeting_id"))
    if meeting_id and meeting_id not in allowed:
        problems.append("Choose a meeting from the list.")
    pair_id = (existing or {}).get("pair_id") or pair_of(db, person_id, programme_id)
    if visibility in ("pair", "set") and pair_id is None:
        problems.append(
            "You are not in a pair in this programme, so share with everyone or no one."
        )
    elif (
        visibility == "set"
        and not one(db, "SELECT learning_set_id FROM pairs WHERE id = ?", [pair_id])[
            "learning_set_id"
        ]
    ):
        problems.append("Your pair is not in a learning set yet, so choose another audience.")
    if problems:
        raise JournalError(" ".join(problems))
    return {
        **texts,
        "body_html": _render(texts["body"]),
        "prompts_html": _prompts_html(texts),
        "visibility": visibility,
        "meeting_id": meeting_id,
        "pair_id": pair_id,
        "consent_to_quote": int(bool(fields.get("consent_to_quote"))),
        "case_study_section": section,
        "themes": themes,
        "tags": tags,
    }


def _store_labels(db, entry_id, themes, tags):
    db.execute("DELETE FROM journal_entry_themes WHERE entry_id = ?", [entry_id])
    db.execute("DELETE FROM journal_entry_tags WHERE entry_id = ?", [entry_id])
    db["journal_entry_themes"].insert_all([{"entry_id": entry_id, "theme": t} for t in themes])
    db["journal_entry_tags"].insert_all([{"entry_id": entry_id, "tag": t} for t in tags])


def create_entry(db, author_id, programme_id=None, **fields):
    """Save a new entry (rendered, sanitised and indexed now) and return its id.

    fields: title, body, what_happened, so_what, now_what, visibility, themes (list),
    tags (list or comma-separated text), meeting_id, consent_to_quote, case_study_section.
    """
    programmes = [p["id"] for p in writable_programmes(db, author_id)]
    if programme_id is None and programmes:
        programme_id = programmes[0]
    if programme_id not in programmes:
        raise JournalError("You can write entries only in a programme you belong to.")
    row = _clean(db, author_id, programme_id, fields)
    themes, tags = row.pop("themes"), row.pop("tags")
    stamp = now()
    with write(db):
        entry_id = (
            db["journal_entries"]
            .insert(
                {**row, "author_id": author_id, "programme_id": programme_id}
                | {"created_at": stamp, "updated_at": stamp}
            )
            .last_pk
        )
        _store_labels(db, entry_id, themes, tags)
        store_card(db, author_id, entry_id)
    return entry_id


def update_entry(db, author_id, entry_id, **fields):
    """Change an entry, keeping the previous version as a revision; only its author may."""
    existing = own_entry(db, author_id, entry_id)
    if existing is None:
        raise JournalError("There is no entry of yours with that number.")
    row = _clean(db, author_id, existing["programme_id"], fields, existing)
    themes, tags = row.pop("themes"), row.pop("tags")
    with write(db):
        db["journal_revisions"].insert(
            {k: existing[k] for k in REVISION_FIELDS}
            | {
                "entry_id": entry_id,
                "themes": ", ".join(existing["themes"]),
                "tags": ", ".join(existing["tags"]),
                "saved_at": existing["updated_at"],
            }
        )
        db["journal_entries"].update(entry_id, {**row, "updated_at": now()})
        _store_labels(db, entry_id, themes, tags)
        store_card(db, author_id, entry_id)
    return entry_id


def delete_entry(db, author_id, entry_id):
    """Delete an entry for good, with its revisions, responses, labels and search rows."""
    with write(db):
        owned = one(
            db,
            "SELECT 1 FROM journal_entries WHERE id = ? AND author_id = ?",
            [entry_id, author_id],
        )
        if not owned:
            raise JournalError("There is no entry of yours with that number.")
        for table in (
            "journal_responses",
            "journal_revisions",
            "journal_entry_themes",
            "journal_entry_tags",
        ):
            db.execute(f"DELETE FROM {table} WHERE entry_id = ?", [entry_id])
        # The delete trigger removes the entry's row from journal_entries_fts.
        db.execute("DELETE FROM journal_entries WHERE id = ?", [entry_id])


def add_response(db, person_id, entry_id, body, base_url=None):
    """A short response to a shared entry from someone who may read it; returns its id.

    With base_url, the entry's author is told by e-mail (that a response came, not what it
    says), in the same write."""
    body = (body or "").strip()
    if not body:
        raise JournalError("Write a response first.")
    if len(body) > MAX_RESPONSE:
        raise JournalError(f"Keep a response under {MAX_RESPONSE} characters.")
    if has_control_characters(body):
        raise JournalError("Remove the control characters (such as NUL) from the text.")
    with write(db):
        entry = visible_entry(db, person_id, entry_id)
        if entry is None or entry["visibility"] == "private":
            raise JournalError("Responses are for entries shared with you.")
        response_id = (
            db["journal_responses"]
            .insert(
                {
                    "entry_id": entry_id,
                    "author_id": person_id,
                    "body": body,
                    "body_html": _render(body),
                    "created_at": now(),
                }
            )
            .last_pk
        )
        if base_url:
            queue_response_notice(
                db,
                entry_id=entry_id,
                author_id=entry["author_id"],
                responder_id=person_id,
                programme_id=entry["programme_id"],
                base_url=base_url,
            )
        return response_id
