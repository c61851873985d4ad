"""Journal search at 100,000 entries against a bare FTS5 query on the same index.

The entries are written straight into the table in one transaction (the FTS triggers
index them as the app's own saves would); a participant then searches through
search_entries (visibility rule, joins, snippets) and through the search page.
The baselines: the bare `MATCH ... ORDER BY rowid DESC LIMIT 50` on the same index (the
search's own order, newest first), and a Flask hello-world for the page.
"""

import random

from actionlearning.db import now, write
from actionlearning.journal.search import search_entries

from . import (
    bench_app,
    hello_world,
    ms,
    per_call,
    programme_with_people,
    ratio,
    scratch_directory,
    signed_in_client,
)

ENTRIES = 100_000
VISIBILITIES = ("private", "private", "pair", "set", "programme")
COMMON = "discharge"  # in about 1 entry in 20
RARE = "reablement"  # in about 1 entry in 4,000
FILLER = (
    "partnership meeting council trust budget team manager patient care service borough "
    "agreed plan week staff leadership set colleague data pathway review board referral "
    "housing community nurse social worker commissioning pilot funding risk trust"
).split()
BARE = (
    "SELECT rowid FROM journal_entries_fts WHERE journal_entries_fts MATCH ?"
    " ORDER BY rowid DESC LIMIT 50"
)


def fill(db, ids, count=ENTRIES, seed=100):
    rng = random.Random(seed)
    authors = ids["participant_ids"]
    pair_of = {p: ids["pair_ids"][n // 2] for n, p in enumerate(authors)}
    stamp = now()

    def rows():
        for n in range(count):
            words = rng.choices(FILLER, k=40)
            if n % 20 == 0:
                words[rng.randrange(40)] = COMMON
            if n % 4001 == 0:
                words[rng.randrange(40)] = RARE
            body = " ".join(words)
            author = authors[n % len(authors)]
            yield (
                author,
                ids["programme_id"],
                pair_of[author],
                f"Reflection {n}",
                body,
                f"<p>{body}</p>",
                VISIBILITIES[n % len(VISIBILITIES)],
                stamp,
                stamp,
            )

    with write(db):
        db.conn.executemany(
            """INSERT INTO journal_entries (author_id, programme_id, pair_id, title, body,
               body_html, visibility, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)""",
            rows(),
        )


def run():
    with scratch_directory() as directory:
        app, db = bench_app(directory)
        ids = programme_with_people(db, participants=20)
        fill(db, ids)
        reader = ids["participant_ids"][0]
        client = signed_in_client(app, db, reader)
        hello = per_call(hello_world(), number=200)
        rows = []
        for word, label in ((COMMON, "common word"), (RARE, "rare word")):
            bare = per_call(lambda w=word: db.execute(BARE, [w]).fetchall(), number=20)
            ours = per_call(lambda w=word: search_entries(db, reader, w), number=10, repeat=3)
            page = per_call(
                lambda w=word: client.get(f"/journal/search?q={w}"), number=10, repeat=3
            )
            assert client.get(f"/journal/search?q={word}").status_code == 200
            found = len(search_entries(db, reader, word))
            rows += [
                (
                    f"search, {label} ({found} shown) at {ENTRIES:,} entries: "
                    "search_entries vs bare FTS5",
                    f"{ratio(ours, bare)} ({ms(ours)} vs {ms(bare)})",
                    "< 20x, < 100 ms",
                ),
                (
                    f"search page, {label}, signed in: /journal/search vs hello-world",
                    f"{ratio(page, hello)} ({ms(page)} vs {ms(hello)})",
                    "< 200 ms",
                ),
            ]
        db.conn.close()
        return rows
