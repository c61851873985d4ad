"""Journal search: the FTS5 index read through the one visibility rule.

The rule itself (VISIBLE) lives in actionlearning.journal; the search SQL builds on it, so
a search can only ever find entries the reader may read.
"""

import re

from markupsafe import Markup, escape

from ..db import rows
from . import VISIBLE, _entry, entry_rows_sql

SEARCH_LIMIT = 50


def fts_query(text):
    """A user's words as an FTS5 query that cannot be a syntax error.

    Every word becomes a quoted string (so AND, NEAR, (, * and " are just text);
    a trailing * on a word keeps its meaning as a prefix search.
    """
    terms = []
    for word in (text or "").split():
        prefix = word.endswith("*")
        word = word.strip('*"')
        if word:
            terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms)


SNIPPET_START, SNIPPET_END = "\x02", "\x03"  # control characters are refused in all input


def _highlight(snippet):
    """Escape a snippet and turn the FTS markers into <mark>: the words can hold markup."""
    parts = re.split(f"[{SNIPPET_START}{SNIPPET_END}]", snippet or "")
    return Markup("").join(
        Markup("<mark>%s</mark>") % part if i % 2 else escape(part) for i, part in enumerate(parts)
    )


# Newest first, by entry number (ids follow the order entries were saved), which FTS5
# walks backwards without reading every match: the first page costs the same however
# many entries hold the words. Not bm25: it weighs each word by how many entries in the
# whole index hold it, readable or not, so the order of two entries of one's own would
# tell whether someone's private entry, in any programme, contains a word.
_SEARCH_SOURCE = "journal_entries_fts JOIN journal_entries e ON e.id = journal_entries_fts.rowid"
_SNIPPET = "snippet(journal_entries_fts, -1, :start, :end, '…', 16) AS snippet"


def search_entries(db, person_id, text, limit=SEARCH_LIMIT):
    """Entries this person may read that match the words, newest first, with escaped
    snippets; at most `limit` of them.

    The visibility rule sits inside the search SQL, so the cap never hides an entry
    behind ones the person may not read, and the order depends on readable entries only.
    """
    query = fts_query(text)
    if not query:
        return []
    sql = (
        entry_rows_sql(f"e.*, {_SNIPPET}", _SEARCH_SOURCE)
        + "journal_entries_fts MATCH :query AND "
        + VISIBLE
        + " ORDER BY journal_entries_fts.rowid DESC LIMIT :limit"
    )
    params = {
        "me": person_id,
        "query": query,
        "limit": limit,
        "start": SNIPPET_START,
        "end": SNIPPET_END,
    }
    results = []
    for row in rows(db, sql, params):
        entry = _entry(row)
        entry["snippet_marked"] = _highlight(entry.pop("snippet"))
        results.append(entry)
    return results
