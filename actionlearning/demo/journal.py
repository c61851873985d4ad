"""Demo journal entries (every visibility, some consented) and a few responses.

Runs after the scheduling loader: each entry follows one of its set's past
meetings, and the latest past meeting is left for every member to reflect on,
so the cycle prompt has something to show.
"""

from .. import demo_data
from ..db import now, write
from ..journal.entries import add_response, create_entry


def _past_set_meetings(db, learning_set_id):
    return list(
        db.query(
            """SELECT id, ends_at FROM meetings WHERE learning_set_id = ?
            AND status != 'cancelled' AND ends_at <= ? ORDER BY starts_at""",
            [learning_set_id, now()],
        )
    )


def _set_of(db, pair_id):
    return db.execute("SELECT learning_set_id FROM pairs WHERE id = ?", [pair_id]).fetchone()[0]


def load(db, ids):
    """Write demo_data.JOURNAL_ENTRIES through journal.entries.create_entry, then the responses."""
    entry_ids, count = {}, {}
    for spec in demo_data.JOURNAL_ENTRIES:
        pair_id = ids["pair_ids"][spec["pair_key"]]
        author_id = ids["pair_members"][spec["pair_key"]][spec["author_index"]]
        # All but the latest past meeting: that one is left for the cycle prompt.
        meetings = _past_set_meetings(db, _set_of(db, pair_id))[:-1]
        n = count[spec["pair_key"]] = count.get(spec["pair_key"], -1) + 1
        meeting = meetings[n % len(meetings)] if meetings else None
        entry_id = create_entry(
            db,
            author_id,
            ids["programme_id"],
            title=spec["title"],
            body=spec["body"],
            what_happened=spec["what_happened"],
            so_what=spec["so_what"],
            now_what=spec["now_what"],
            themes=spec["themes"],
            tags=spec["tags"],
            visibility=spec["visibility"],
            consent_to_quote=spec["consent"],
            case_study_section=spec["case_study_section"] or "",
            meeting_id=meeting["id"] if meeting else None,
        )
        if meeting:  # written the evening after the meeting, not at load time
            with write(db):
                db.execute(
                    "UPDATE journal_entries SET created_at = ?, updated_at = ? WHERE id = ?",
                    [
                        _evening_after(meeting["ends_at"]),
                        _evening_after(meeting["ends_at"]),
                        entry_id,
                    ],
                )
        entry_ids[spec["title"]] = entry_id
    _load_responses(db, ids, entry_ids)
    ids["journal_entry_ids"] = entry_ids


def _evening_after(ends_at):
    return ends_at[:10] + "T19:30:00+00:00"


def _load_responses(db, ids, entry_ids):
    for spec in demo_data.JOURNAL_RESPONSES:
        if "facilitator" in spec:
            person_id = ids["facilitator_ids"][spec["facilitator"]]
        else:
            person_id = ids["pair_members"][spec["pair_key"]][spec["member_index"]]
        add_response(db, person_id, entry_ids[spec["entry_title"]], spec["body"])
