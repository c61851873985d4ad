"""The journal's pages as a programme grows (issue 18): the same page at 2,000, 20,000 and
200,000 entries, timed side by side in one run, as ratios to the 2,000-entry figure.

A programme of 200 participants in one learning set (100 pairs) with a facilitator and an
organiser; entries are spread across the participants with all four visibilities, written
over two years. They are inserted in one transaction straight through SQL, then indexed by
FTS5's 'rebuild' into the app's own search table (the bodies are plain text, so their HTML
is a <p>): building 200,000 entries takes well under a minute, not the hours the form would.

Each page is timed through the test client, signed in through the real login form, in turns
across the three journals (so a change of load on a shared machine hits all three alike);
each figure is the best of the turns' medians.
"""

import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from actionlearning import journal
from actionlearning.db import write

from . import bench_app, ms, programme_with_people, scratch_directory, signed_in_client

SIZES = (2_000, 20_000, 200_000)
PARTICIPANTS = 200
VISIBILITIES = ("private", "pair", "set", "programme")
COMMON = "discharge"  # in one entry in 10: 50 readable matches even at 2,000
FILLER = (
    "partnership meeting council trust budget team manager patient care service borough "
    "agreed plan week staff leadership set colleague data pathway review board referral "
    "housing community nurse social worker commissioning pilot funding risk trust"
).split()
# (label, how to reach the page: a path, or "deep" for the shared list 40 pages down)
PAGES = (
    ("/journal (my own; 10 shown at 2,000 entries, 20 above)", "participant", "/journal"),
    ("/journal/shared (20 shown)", "participant", "/journal/shared"),
    ("/journal/shared, 40 pages down (Older 40 times; 20 shown)", "participant", "deep"),
    ("facilitator's /journal/shared (20 shown)", "facilitator", "/journal/shared"),
    (
        f"/journal/search?q={COMMON} (common word; 50 shown)",
        "participant",
        f"/journal/search?q={COMMON}",
    ),
    (
        "/journal/search?q=reflection 99 (rare: 1 match)",
        "participant",
        "/journal/search?q=reflection%2099",
    ),
)
DEEP_PAGES = 40
TURNS = 5
CALLS = 15
OLDER_LINK = re.compile(r'<a href="([^"]+)" rel="next">Older</a>')
CARD = '<article class="card">'


def fill(db, ids, count):
    """`count` entries across the participants, oldest first, in one transaction."""
    authors = ids["participant_ids"]
    pair_of = {person: ids["pair_ids"][n // 2] for n, person in enumerate(authors)}
    start = datetime(2025, 9, 1, 9, tzinfo=UTC)
    step = timedelta(days=730) / count  # two years of writing, whatever the count

    def rows():
        for n in range(count):
            body = " ".join(FILLER[(n * 7 + k * 13) % len(FILLER)] for k in range(40))
            if n % 10 == 0:
                body += f" {COMMON}"
            author = authors[(n * 37) % len(authors)]  # 37 is prime to 200: all write
            stamp = (start + step * n).replace(microsecond=0).isoformat()
            yield (
                author,
                ids["programme_id"],
                pair_of[author],
                f"Reflection {n}",
                body,
                f"<p>{body}</p>",
                VISIBILITIES[(n // 3) % len(VISIBILITIES)],
                stamp,
                stamp,
            )

    # The FTS triggers index one row at a time; for 200,000 rows FTS5's own 'rebuild' (the
    # same index from the same rows, in one pass) takes a fraction of the time.
    triggers = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'journal_entries'"
        )
    ]
    with write(db):
        for name in [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'journal_entries'"
            )
        ]:
            db.execute(f"DROP TRIGGER [{name}]")
        db.conn.executemany(
            """INSERT INTO journal_entries (author_id, programme_id, pair_id, title, body,
               body_html, visibility, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)""",
            rows(),
        )
        db.execute(
            """INSERT OR IGNORE INTO journal_entry_themes (entry_id, theme)
            SELECT id, CASE id % 3 WHEN 0 THEN 'communication' WHEN 1 THEN 'leadership'
                ELSE 'culture' END FROM journal_entries"""
        )
        db.execute("INSERT INTO journal_entries_fts (journal_entries_fts) VALUES ('rebuild')")
        for sql in triggers:
            db.execute(sql)


def journal_of(directory, size):
    """(clients by role, db) for a fresh journal of `size` entries."""
    app, db = bench_app(directory)
    ids = programme_with_people(db, participants=PARTICIPANTS)
    started = time.perf_counter()
    fill(db, ids, size)
    print(f"  {size:,} entries built in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    clients = {
        "participant": signed_in_client(app, db, ids["participant_ids"][0]),
        "facilitator": signed_in_client(app, db, ids["facilitator_id"]),
    }
    return clients, db


def deep_path(client):
    """The shared list's address DEEP_PAGES pages down, reached as a reader would."""
    path = "/journal/shared"
    for _ in range(DEEP_PAGES):
        found = OLDER_LINK.search(client.get(path).get_data(as_text=True))
        assert found, f"fewer than {DEEP_PAGES} pages of shared entries"
        path = found.group(1).replace("&amp;", "&")
    return path


def median_call(function, calls=CALLS):
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(sizes=SIZES):
    """{label: {size: seconds}} for every page, timed in turns across the journals."""
    with scratch_directory() as directory:
        journals = {}
        for size in sizes:
            sub = f"{directory}/{size}"
            os.mkdir(sub)
            journals[size] = journal_of(sub, size)
        targets = []
        for label, role, path in PAGES:
            for size, (clients, _db) in journals.items():
                client = clients[role]
                where = deep_path(client) if path == "deep" else path
                page = client.get(where)
                assert page.status_code == 200, (where, page.status_code)
                shown = page.get_data(as_text=True).count(CARD)
                if "search" not in where and size > sizes[0]:
                    assert shown == journal.PAGE_SIZE, (label, size, shown)
                targets.append((label, size, lambda c=client, w=where: c.get(w)))
        best = {}
        for _ in range(TURNS):
            for label, size, call in targets:
                seconds = median_call(call)
                key = best.setdefault(label, {})
                key[size] = min(key.get(size, float("inf")), seconds)
        for _clients, db in journals.values():
            db.conn.close()
        return best


def table(best, sizes=SIZES):
    """The issue's table: each page at each size and its growth from the smallest."""
    head = " | ".join(f"{size:,} entries" for size in sizes)
    grow = " | ".join(f"{size // sizes[0]}x data" for size in sizes[1:])
    lines = [f"| page | {head} | {grow} |", "| --- |" + " --- |" * (2 * len(sizes) - 1)]
    for label, figures in best.items():
        cells = [ms(figures[size]) for size in sizes]
        cells += [f"{figures[size] / figures[sizes[0]]:.2f}x" for size in sizes[1:]]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run():
    best = measure()
    print(table(best), file=sys.stderr)
    rows = []
    small, middle, large = SIZES
    for label, figures in best.items():
        rows.append(
            (
                f"journal at scale, {label}: {middle:,} vs {small:,} entries",
                f"{figures[middle] / figures[small]:.2f}x "
                f"({ms(figures[middle])} vs {ms(figures[small])})",
                "<= 1.5x",
            )
        )
        rows.append(
            (
                f"journal at scale, {label}: {large:,} vs {small:,} entries",
                f"{figures[large] / figures[small]:.2f}x ({ms(figures[large])})",
                "<= 2x",
            )
        )
    return rows


if __name__ == "__main__":
    sizes = tuple(int(size) for size in sys.argv[1:]) or SIZES
    print(table(measure(sizes), sizes))
