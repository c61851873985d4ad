"""Side channel: the order of search results must not depend on entries the searcher
cannot read (issue 12, finding 3).

FTS5's bm25 weighs each word by how many entries in the whole index hold it, so ranking by
it let an attacker learn, from the order of two entries of their own, whether anyone's
private entry (in any programme) contains a word.
"""

import random
import string

from actionlearning.journal.entries import create_entry
from tests.security.conftest import client_for


def fresh_word(rng):
    return "".join(rng.choices(string.ascii_lowercase, k=14))


def probe_order(client, word, probe):
    """The order the attacker's two probe entries come back in, searching `word probe`."""
    response = client.get("/journal/search", query_string={"q": f"{word} {probe}"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    titles = ["Probe one", "Probe two"]
    assert all(title in page for title in titles)
    return sorted(titles, key=page.index)


def test_search_order_does_not_reveal_a_word_in_someone_elses_private_entry(app, db, world):
    rng = random.Random()
    word, probe = fresh_word(rng), fresh_word(rng)
    people, programme = world["people"], world["programme_id"]
    # A journal with some entries in it, as any real server has (none holds either word).
    for n in range(12):
        create_entry(db, people["dan"], programme, title=f"Week {n}", body="Notes on the week.")
    create_entry(
        db, people["carol"], programme, title="Probe one", body=f"{word} {word} {word} {probe}"
    )
    create_entry(
        db, people["carol"], programme, title="Probe two", body=f"{word} {probe} {probe} {probe}"
    )
    attacker = client_for(app, db, people["carol"])
    before = probe_order(attacker, word, probe)

    # Someone in another programme writes the word, many times, in a private entry.
    create_entry(
        db,
        people["outsider"],
        world["other_programme_id"],
        title="Private thoughts",
        body=f"{word} " * 30,
    )

    assert probe_order(attacker, word, probe) == before
