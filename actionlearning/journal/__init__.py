"""The reflective journal: its vocabulary (themes, visibilities, prompts, limits), the
visibility ladder and the queries that read entries, revisions and responses. Writing
(create, update, delete, respond) is in journal/entries.py, search in journal/search.py,
each author's own export in journal/export.py, the blueprint in journal/views.py.

Who may read an entry is decided in one place, `_visible_sql` here (as VISIBLE): every
list, page, search, response, export, action and command builds on it, and the other journal
modules import it from here rather than repeat it. Its parts (a person's learning sets) come
from membership.py, where every access rule's parts are stated.
"""

import re
from datetime import datetime, timedelta

from ..db import now, one, rows
from ..membership import learning_sets_of, learning_sets_of_member, pairs_of, programmes_of
from ..times import meeting_label

THEMES = (
    "shared goals",
    "relationships and trust",
    "communication",
    "financial arrangements",
    "roles and structure",
    "leadership",
    "performance reporting",
    "data and information",
    "culture",
    "stakeholder and community engagement",
    "third-sector involvement",
    "confidence",
    "environment",
)
VISIBILITIES = {
    "private": "Only me",
    "pair": "My pair",
    "set": "My learning set and its facilitator",
    "programme": "Everyone in the programme",
}
# Rolfe's reflective model: the three questions every entry may answer.
PROMPTS = {"what_happened": "What happened?", "so_what": "So what?", "now_what": "Now what?"}
CASE_STUDY_SECTIONS = {
    "problem": "What was the problem?",
    "what_we_did": "What did we do?",
    "outcomes": "What were the outcomes?",
    "learning": "What did we learn?",
}
PAGE_SIZE = 20
REFLECT_DAYS = 30
MAX_TITLE = 200
MAX_BODY = 20000
MAX_PROMPT = 5000
MAX_RESPONSE = 2000
MAX_TAGS = 10
TAG_PATTERN = re.compile(r"^[\w][\w-]{0,39}$")
# What a revision keeps of an entry before it changes (update_entry, the own-data export).
REVISION_FIELDS = ("title", "body", "body_html", *PROMPTS, "prompts_html", "visibility")


class JournalError(ValueError):
    """A journal change that cannot be made; the message says why."""


# Who may read an entry. `viewer` is an SQL expression for the reader's person id
# (":me", or a column when checking a whole pair at once); entries are aliased `e`.
# Everyone but the author must still be a member of the entry's programme, so
# removing someone from a programme removes their access at once.
#
# The reader's programmes, pairs and the pairs of their learning sets are each one list,
# looked up once per query (SQLite keeps an IN (SELECT ...) that does not mention `e` as a
# small index), so telling whether an entry is readable is a few probes of those lists.
# Walking the entries newest first, a list can then stop after a page (docs/benchmarks.md).
def _visible_sql(viewer):
    set_pairs = (
        f"SELECT sp.id FROM pairs sp WHERE sp.learning_set_id IN ({learning_sets_of(viewer)})"
    )
    return (
        f"(+e.author_id = {viewer} OR (+e.programme_id IN ({programmes_of(viewer)}) AND ("
        "e.visibility = 'programme' "
        f"OR (e.visibility = 'pair' AND e.pair_id IN ({pairs_of(viewer)})) "
        f"OR (e.visibility = 'set' AND e.pair_id IN ({set_pairs})))))"
    )


VISIBLE = _visible_sql(":me")

# Entry rows are read with what lists and pages show beside them, composed from named
# parts: the entry's own columns (all of them, or only what a list row shows), the labels
# (author, time zone, themes, tags, meeting) and the joins those labels come from.
_ALL_COLUMNS = "e.*"
# What a list row shows (templates/journal/_list.html): no entry text.
_LIST_COLUMNS = "e.id, e.author_id, e.meeting_id, e.title, e.visibility, e.created_at, e.card_html"
_LABEL_COLUMNS = """a.name AS author_name, pr.time_zone,
    (SELECT group_concat(t.theme, '|') FROM journal_entry_themes t WHERE t.entry_id = e.id)
        AS theme_list,
    (SELECT group_concat(t.tag, '|') FROM journal_entry_tags t WHERE t.entry_id = e.id)
        AS tag_list,
    m.title AS meeting_title, m.starts_at AS meeting_starts_at"""
_LABEL_JOINS = """JOIN people a ON a.id = e.author_id
JOIN programmes pr ON pr.id = e.programme_id
LEFT JOIN meetings m ON m.id = e.meeting_id"""


def entry_rows_sql(columns=_ALL_COLUMNS, source="journal_entries e"):
    """SELECT columns and labels FROM source (which names the entries `e`) ... WHERE: the
    caller adds the condition, always including VISIBLE."""
    return f"SELECT {columns},\n{_LABEL_COLUMNS}\nFROM {source}\n{_LABEL_JOINS}\nWHERE "


# Queries


def _entry(entry):
    """A row of entry_rows_sql(), with its labels as sorted lists and its meeting as a label."""
    # group_concat of a (entry_id, label) primary key: no repeats, no empty labels
    themes, tags = entry.pop("theme_list"), entry.pop("tag_list")
    entry["themes"] = sorted(themes.split("|")) if themes else []
    entry["tags"] = sorted(tags.split("|")) if tags else []
    entry["meeting_label"] = (
        meeting_label(entry["meeting_title"], entry["meeting_starts_at"], entry["time_zone"])
        if entry["meeting_title"]
        else ""
    )
    return entry


def entries_visible_to(
    db,
    person_id,
    *,
    author=None,
    visibility=None,
    theme=None,
    tag=None,
    meeting_id=None,
    since=None,
    until=None,
    older_than=None,
    newer_than=None,
    limit=PAGE_SIZE,
    text=True,
):
    """Journal entries this person may read, newest first, with optional filters.

    author: "me" for their own entries, "others" for entries shared with them.
    since/until: ISO dates (inclusive) on the day the entry was written.
    older_than/newer_than: an entry's place in the list (entry_key), to start after it;
    newer_than gives the entries just newer than it, nearest first.
    text: False gives only the columns a list shows (no body, prompts or their HTML).
    """
    sql = entry_rows_sql(_ALL_COLUMNS if text else _LIST_COLUMNS) + VISIBLE
    params = {"me": person_id, "limit": limit}
    if author == "me":
        sql += " AND e.author_id = :me"
    elif author == "others":
        sql += " AND e.author_id != :me"
    if visibility:
        sql += " AND e.visibility = :visibility"
        params["visibility"] = visibility
    if theme:
        sql += " AND EXISTS (SELECT 1 FROM journal_entry_themes ft"
        sql += " WHERE ft.entry_id = e.id AND ft.theme = :theme)"
        params["theme"] = theme
    if tag:
        sql += " AND EXISTS (SELECT 1 FROM journal_entry_tags fg"
        sql += " WHERE fg.entry_id = e.id AND fg.tag = :tag)"
        params["tag"] = tag
    if meeting_id:
        sql += " AND e.meeting_id = :meeting_id"
        params["meeting_id"] = meeting_id
    if since:
        sql += " AND e.created_at >= :since"
        params["since"] = str(since)
    if until:
        sql += " AND e.created_at < :until"
        next_day = datetime.fromisoformat(str(until)) + timedelta(days=1)
        params["until"] = next_day.date().isoformat()
    order = "DESC"
    # Keyset pagination: the index on created_at (m013) starts right at the cursor, so a
    # page a thousand entries down costs what the first one does (OFFSET walked them all).
    # The created_at <= / >= term is the one the index can use; the OR settles ties.
    if older_than:
        sql += " AND e.created_at <= :key_at AND (e.created_at < :key_at OR e.id < :key_id)"
        params["key_at"], params["key_id"] = older_than
    elif newer_than:
        sql += " AND e.created_at >= :key_at AND (e.created_at > :key_at OR e.id > :key_id)"
        params["key_at"], params["key_id"] = newer_than
        order = "ASC"
    sql += f" ORDER BY e.created_at {order}, e.id {order} LIMIT :limit"
    return [_entry(row) for row in rows(db, sql, params)]


def entry_key(db, person_id, entry_id):
    """(created_at, id): where an entry this person may read sits in the lists, or None.

    Through VISIBLE, so that a hidden entry's number used as a cursor tells nothing of
    when it was written.
    """
    row = one(
        db,
        "SELECT e.created_at, e.id FROM journal_entries e WHERE e.id = :entry AND " + VISIBLE,
        {"me": person_id, "entry": entry_id},
    )
    return (row["created_at"], row["id"]) if row else None


def entry_page(db, person_id, older=None, newer=None, per_page=PAGE_SIZE, **filters):
    """A page of entries_visible_to, without their text: {"entries", "older", "newer"}.

    older/newer: the id of an entry the page starts after (older than it, or newer);
    unknown or unreadable ones give the first page. In the answer, "older" and "newer"
    are the ids to pass for the next page each way, or None when there is none. A row
    past the page or a one-row look beyond it says so: no count, no OFFSET.
    """
    older_key = entry_key(db, person_id, older) if older else None
    newer_key = entry_key(db, person_id, newer) if newer and not older_key else None
    found = entries_visible_to(
        db,
        person_id,
        older_than=older_key,
        newer_than=newer_key,
        limit=per_page + 1,
        text=False,
        **filters,
    )
    more = len(found) > per_page
    entries = found[:per_page]
    if newer_key:
        entries.reverse()
    page = {"entries": entries, "older": None, "newer": None}
    if not entries:
        return page
    first, last = _key(entries[0]), _key(entries[-1])
    if newer_key:
        page["newer"] = entries[0]["id"] if more else None
        beyond = entries_visible_to(db, person_id, older_than=last, limit=1, text=False, **filters)
        page["older"] = entries[-1]["id"] if beyond else None
    else:
        page["older"] = entries[-1]["id"] if more else None
        beyond = older_key and entries_visible_to(
            db, person_id, newer_than=first, limit=1, text=False, **filters
        )
        page["newer"] = entries[0]["id"] if beyond else None
    return page


def _key(entry):
    return entry["created_at"], entry["id"]


def visible_entry(db, person_id, entry_id):
    """The entry if this person may read it, else None (missing and not-yours look alike)."""
    sql = entry_rows_sql() + "e.id = :entry AND " + VISIBLE
    row = one(db, sql, {"me": person_id, "entry": entry_id})
    return _entry(row) if row else None


def own_entry(db, person_id, entry_id):
    """The entry if this person wrote it, else None: for editing, history and deleting."""
    entry = visible_entry(db, person_id, entry_id)
    return entry if entry and entry["author_id"] == person_id else None


def revisions_of(db, person_id, entry_id):
    """Earlier versions of an entry, newest first; only ever for its author."""
    return rows(
        db,
        """SELECT r.* FROM journal_revisions r JOIN journal_entries e ON e.id = r.entry_id
        WHERE r.entry_id = :entry AND e.author_id = :me ORDER BY r.id DESC""",
        {"me": person_id, "entry": entry_id},
    )


def responses_to(db, person_id, entry_id):
    """Responses to an entry, oldest first, for exactly the people who may read the entry."""
    return rows(
        db,
        """SELECT r.*, p.name AS author_name FROM journal_responses r
        JOIN journal_entries e ON e.id = r.entry_id JOIN people p ON p.id = r.author_id
        WHERE r.entry_id = :entry AND """
        + VISIBLE
        + " ORDER BY r.created_at, r.id",
        {"me": person_id, "entry": entry_id},
    )


def consented_entries_for_pair(db, pair_id):
    """Entries the pair's members agreed to quote in its case study, by section.

    Only entries every member of the pair may read under the one visibility rule,
    never a private one, whatever its consent flag says. Ordered by case-study
    section (problem, what we did, outcomes, learning, then none), oldest first.
    """
    order = " ".join(f"WHEN '{key}' THEN {i}" for i, key in enumerate(CASE_STUDY_SECTIONS))
    sql = (
        entry_rows_sql()
        + "e.pair_id = :pair AND e.consent_to_quote = 1 AND e.visibility != 'private' "
        + "AND NOT EXISTS (SELECT 1 FROM pair_members cpm WHERE cpm.pair_id = :pair AND NOT "
        + _visible_sql("cpm.person_id")
        + f") ORDER BY CASE e.case_study_section {order} ELSE 99 END, e.created_at, e.id"
    )
    return [_entry(row) for row in rows(db, sql, {"pair": pair_id})]


def pair_of(db, person_id, programme_id):
    """The id of the person's pair in a programme, or None."""
    row = one(
        db,
        """SELECT p.id FROM pairs p JOIN pair_members pm ON pm.pair_id = p.id
        WHERE pm.person_id = ? AND p.programme_id = ? ORDER BY p.id LIMIT 1""",
        [person_id, programme_id],
    )
    return row["id"] if row else None


def writable_programmes(db, person_id):
    """The programmes a person can write entries in, newest first."""
    return rows(
        db,
        """SELECT p.id, p.name FROM programmes p
        JOIN programme_members m ON m.programme_id = p.id AND m.person_id = ?
        ORDER BY p.starts_on DESC, p.name""",
        [person_id],
    )


# Meetings an entry can follow: programme-wide ones (seminars, the conference) and
# the meetings of the sets the person belongs to or facilitates.
_LINKABLE_MEETINGS = f"""SELECT m.id, m.title, m.starts_at, m.learning_set_id, pr.time_zone
FROM meetings m JOIN programmes pr ON pr.id = m.programme_id
WHERE m.programme_id = :programme AND m.status != 'cancelled' AND (
    m.learning_set_id IS NULL OR m.learning_set_id IN ({learning_sets_of()}))"""


def meeting_choices(db, person_id, programme_id):
    """(id, label) of the meetings this person's entries may follow, most recent first."""
    found = rows(
        db,
        _LINKABLE_MEETINGS + " ORDER BY m.starts_at DESC",
        {"me": person_id, "programme": programme_id},
    )
    return [(r["id"], meeting_label(r["title"], r["starts_at"], r["time_zone"])) for r in found]


def default_meeting(db, person_id, programme_id, at=None):
    """The person's most recent set meeting that has started, or None."""
    row = one(
        db,
        "SELECT id FROM ("
        + _LINKABLE_MEETINGS
        + ") WHERE learning_set_id IS NOT NULL AND starts_at <= :at"
        + " ORDER BY starts_at DESC LIMIT 1",
        {"me": person_id, "programme": programme_id, "at": at or now()},
    )
    return row["id"] if row else None


def meetings_to_reflect_on(db, person_id, at=None, days=REFLECT_DAYS):
    """Set meetings of the person's sets that ended in the last `days` days, not yet
    reflected on (no entry of theirs follows it) and not missed (apologies or absent)."""
    at = at or now()
    since = (datetime.fromisoformat(at) - timedelta(days=days)).isoformat()
    found = rows(
        db,
        f"""SELECT m.id, m.title, m.starts_at, pr.time_zone FROM meetings m
        JOIN programmes pr ON pr.id = m.programme_id
        WHERE m.status != 'cancelled' AND m.ends_at <= :at AND m.starts_at >= :since
        AND m.learning_set_id IN ({learning_sets_of_member()})
        AND NOT EXISTS (SELECT 1 FROM journal_entries e
            WHERE e.meeting_id = m.id AND e.author_id = :me)
        AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.meeting_id = m.id
            AND a.person_id = :me AND a.status IN ('apologies', 'absent'))
        ORDER BY m.starts_at DESC""",
        {"me": person_id, "at": at, "since": since},
    )
    return [
        {"id": r["id"], "label": meeting_label(r["title"], r["starts_at"], r["time_zone"])}
        for r in found
    ]
