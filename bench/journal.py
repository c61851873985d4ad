"""The journal as a participant meets it: the signed-in list and saving an entry.

Baseline: Flask's hello-world through the same test client machinery, in the same run.
The list is read with 1,000 entries in the programme (a page shows 20); saving goes
through the real form (CSRF, validation, Markdown rendering and sanitising, FTS index,
one BEGIN IMMEDIATE write with synchronous=FULL).
"""

from itertools import count

from actionlearning import journal

from . import (
    bench_app,
    csrf_token,
    hello_world,
    ms,
    per_call,
    programme_with_people,
    ratio,
    scratch_directory,
    signed_in_client,
)

ENTRIES = 1_000
VISIBILITIES = ("private", "pair", "set", "programme")
BODY = "We met the **discharge team**.\n\n- what worked\n- what did not\n\n" + "Notes. " * 60


def run():
    with scratch_directory() as directory:
        app, db = bench_app(directory)
        ids = programme_with_people(db, participants=8)
        people = ids["participant_ids"]
        for n in range(ENTRIES):
            journal.create_entry(
                db,
                people[n % len(people)],
                ids["programme_id"],
                title=f"Reflection {n}",
                body=BODY,
                visibility=VISIBILITIES[n % len(VISIBILITIES)],
            )
        client = signed_in_client(app, db, people[0])
        for path in ("/journal", "/journal/shared"):
            assert client.get(path).status_code == 200, path
        hello = per_call(hello_world(), number=200)
        mine = per_call(lambda: client.get("/journal"), number=30)
        shared = per_call(lambda: client.get("/journal/shared"), number=30)
        token = csrf_token(client, "/journal/new")
        numbers = count()

        def save():
            response = client.post(
                "/journal/new",
                data={
                    "title": f"Saved {next(numbers)}",
                    "body": BODY,
                    "visibility": "pair",
                    "csrf_token": token,
                },
            )
            assert response.status_code == 302, response.status_code

        saved = per_call(save, number=20, repeat=3)
        db.conn.close()
    return [
        (
            f"journal list (/journal, signed in, {ENTRIES:,} entries) vs hello-world",
            f"{ratio(mine, hello)} ({ms(mine)} vs {ms(hello)})",
            "< 50x, < 50 ms",
        ),
        (
            "shared journal list (/journal/shared) vs hello-world",
            f"{ratio(shared, hello)} ({ms(shared)})",
            "< 50x, < 50 ms",
        ),
        (
            "entry save (POST /journal/new, 302) vs hello-world",
            f"{ratio(saved, hello)} ({ms(saved)})",
            "< 100 ms",
        ),
    ]
