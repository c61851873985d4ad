"""Long Markdown fields never cut a paste short: no maxlength, the limit shown, and text over
it refused with a message while nothing is saved."""

import re

from actionlearning import journal

from .conftest import csrf_token

LONG = ("A paragraph of reflection about the discharge pathway. " * 40 + "\r\n\r\n") * 95


def test_entry_form_has_no_maxlength_and_shows_the_limit(client, login, make_person):
    login(make_person())

    html = client.get("/journal/new").get_data(as_text=True)

    body = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", html).group(0)
    assert "maxlength" not in body
    assert 'data-limit="20000"' in body
    assert 'aria-describedby="body-count"' in body
    assert '<small class="char-count" id="body-count">Up to 20,000 characters.</small>' in html
    assert '<script src="/static/charcount.js" defer></script>' in html


def test_overlong_entry_is_refused_and_nothing_is_saved(client, login, db, make_person):
    author = make_person()
    login(author)
    data = {"title": "Pasted", "body": LONG, "visibility": "private"}

    response = client.post(
        "/journal/new", data={**data, "csrf_token": csrf_token(client, "/journal/new")}
    )

    assert len(LONG) > 200_000
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Entry saved" not in html
    assert "characters long and the limit is 20,000: nothing was saved." in html
    assert journal.entries_visible_to(db, author) == []


def test_entry_at_the_limit_counting_line_breaks_once_is_saved(client, login, db, make_person):
    author = make_person()
    login(author)
    body = ("x" * 99 + "\r\n") * 200  # 20,000 characters as typed, 20,200 bytes sent

    response = client.post(
        "/journal/new",
        data={
            "title": "Full",
            "body": body,
            "visibility": "private",
            "csrf_token": csrf_token(client, "/journal/new"),
        },
    )

    assert response.status_code == 302
    assert [e["title"] for e in journal.entries_visible_to(db, author)] == ["Full"]


def test_case_study_sections_show_the_limit_without_maxlength(client, login, db, make_pair):
    pair_id = make_pair()
    member = db.execute(
        "SELECT person_id FROM pair_members WHERE pair_id = ?", [pair_id]
    ).fetchone()[0]
    login(member)

    html = client.get(f"/case-studies/{pair_id}/edit").get_data(as_text=True)

    areas = re.findall(r"<textarea[^>]*>", html)
    counted = [a for a in areas if "data-limit" in a]
    assert len(counted) >= 5
    assert not [a for a in counted if "maxlength" in a]
