"""The journal: saving, validation, rendering, revisions, responses, lists, export, delete."""

import html
import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from actionlearning import auth, journal, scheduling
from actionlearning.db import write
from actionlearning.journal.entries import add_response, create_entry, delete_entry, update_entry
from actionlearning.journal.export import journal_markdown, own_journal
from actionlearning.journal.search import SEARCH_LIMIT, search_entries
from actionlearning.text import sanitise_card
from tests.conftest import csrf_token


@pytest.fixture
def make_entry(db):
    """make_entry(author_id, **fields) saves an entry through the domain function."""

    def make(author_id, title="An entry", body="Some thoughts.", **fields):
        return create_entry(db, author_id, title=title, body=body, **fields)

    return make


@pytest.fixture
def pair_members(db, make_pair, make_set):
    """Two partners in a pair inside a learning set: (first, second, pair_id)."""
    pair_id = make_pair(learning_set_id=make_set())
    first, second = [
        r[0]
        for r in db.execute(
            "SELECT person_id FROM pair_members WHERE pair_id = ? ORDER BY person_id", [pair_id]
        )
    ]
    return first, second, pair_id


def add_meeting(db, programme_id, learning_set_id, starts_at, ends_at, title="Set meeting"):
    """A meeting row straight into the table (scheduling's own functions are tested there)."""
    with write(db):
        return (
            db["meetings"]
            .insert(
                {
                    "programme_id": programme_id,
                    "learning_set_id": learning_set_id,
                    "kind": "set_meeting" if learning_set_id else "seminar",
                    "title": title,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "status": "scheduled",
                    "uid": f"{title}-{starts_at}@test",
                    "sequence": 0,
                    "created_at": starts_at,
                    "updated_at": starts_at,
                }
            )
            .last_pk
        )


def set_of(db, pair_id):
    return db.execute("SELECT learning_set_id FROM pairs WHERE id = ?", [pair_id]).fetchone()[0]


# Saving


def test_entry_saved_from_form_redirects_to_entry(client, db, login, make_person):
    author = make_person()
    login(author)

    response = client.post(
        "/journal/new",
        data={
            "title": "First set",
            "body": "I felt **exposed**.",
            "visibility": "private",
            "csrf_token": csrf_token(client, "/journal/new"),
        },
    )

    entry_id = db.execute("SELECT id FROM journal_entries").fetchone()[0]
    assert response.status_code == 302
    assert response.headers["Location"] == f"/journal/{entry_id}"
    page = client.get(f"/journal/{entry_id}").get_data(as_text=True)
    assert "<strong>exposed</strong>" in page


def test_entry_stores_prompts_themes_tags_and_consent(db, make_entry, pair_members):
    author, _, pair_id = pair_members

    entry_id = make_entry(
        author,
        body="",
        what_happened="We met the finance teams.",
        so_what="Money matters.",
        now_what="",
        themes=["financial arrangements", "communication"],
        tags="Finance, first set",
        visibility="pair",
        consent_to_quote=True,
        case_study_section="learning",
    )

    entry = journal.visible_entry(db, author, entry_id)
    assert entry["themes"] == ["communication", "financial arrangements"]
    assert entry["tags"] == ["finance", "first-set"]
    assert entry["pair_id"] == pair_id
    assert (entry["consent_to_quote"], entry["case_study_section"]) == (1, "learning")
    assert entry["prompts_html"] == (
        "<h3>What happened?</h3>\n<p>We met the finance teams.</p>"
        "<h3>So what?</h3>\n<p>Money matters.</p>"
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": ""}, "An entry needs a title."),
        ({"body": "", "what_happened": " "}, "Write something in the body or in at least one"),
        ({"visibility": "everyone"}, "Visibility must be one of private, pair, set, programme."),
        ({"themes": ["gossip"]}, "Choose themes from the list."),
        ({"tags": "ok, <b>bad</b>"}, "The tag '<b>bad</b>' may hold only letters"),
        ({"body": "nul \x00 here"}, "Remove the control characters"),
        ({"case_study_section": "epilogue"}, "Case-study section must be one of"),
        ({"title": "x" * 201}, "Keep the title under 200 characters."),
    ],
)
def test_entry_bad_input_refused_and_nothing_saved(db, make_person, fields, message):
    author = make_person()

    with pytest.raises(journal.JournalError) as error:
        create_entry(db, author, **({"title": "T", "body": "B"} | fields))

    assert message in str(error.value)
    assert db["journal_entries"].count == 0


def test_entry_with_pair_visibility_refused_without_a_pair(db, make_person):
    author = make_person()

    with pytest.raises(journal.JournalError) as error:
        create_entry(db, author, title="T", body="B", visibility="pair")

    assert str(error.value) == (
        "You are not in a pair in this programme, so share with everyone or no one."
    )


def test_entry_form_shows_error_and_saves_nothing(client, db, login, make_person):
    login(make_person())

    response = client.post(
        "/journal/new",
        data={"title": "T", "body": "", "csrf_token": csrf_token(client, "/journal/new")},
    )

    assert response.status_code == 200
    assert "Write something in the body" in response.get_data(as_text=True)
    assert db["journal_entries"].count == 0


def test_entry_without_programme_refused(db, make_person):
    loner = make_person(programme=None)

    with pytest.raises(journal.JournalError) as error:
        create_entry(db, loner, title="T", body="B")

    assert str(error.value) == "You can write entries only in a programme you belong to."


def test_entry_preview_shows_rendered_html_and_saves_nothing(client, db, login, make_person):
    login(make_person())

    response = client.post(
        "/journal/new",
        data={
            "title": "T",
            "body": "A [link](https://example.org) and <script>alert(1)</script>",
            "preview": "1",
            "csrf_token": csrf_token(client, "/journal/new"),
        },
    )

    page = response.get_data(as_text=True)
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">link</a>' in page
    assert "<script>alert(1)" not in page
    assert db["journal_entries"].count == 0


def test_entry_markdown_sanitised_once_at_save(db, make_entry, make_person):
    author = make_person()

    entry_id = make_entry(author, body='<img src=x onerror="alert(1)"> [x](javascript:alert(1))')

    stored = db["journal_entries"].get(entry_id)["body_html"]
    assert "onerror" not in stored
    assert "javascript:" not in stored


# Meetings and the cycle prompt


def test_entry_defaults_to_most_recent_set_meeting(db, pair_members, programme_id):
    author, _, pair_id = pair_members
    learning_set_id = set_of(db, pair_id)
    add_meeting(
        db,
        programme_id,
        learning_set_id,
        "2026-10-13T09:00:00+00:00",
        "2026-10-13T12:00:00+00:00",
        "October set",
    )
    november = add_meeting(
        db,
        programme_id,
        learning_set_id,
        "2026-11-10T10:00:00+00:00",
        "2026-11-10T13:00:00+00:00",
        "November set",
    )
    add_meeting(
        db,
        programme_id,
        learning_set_id,
        "2026-12-08T10:00:00+00:00",
        "2026-12-08T13:00:00+00:00",
        "December set",
    )

    chosen = journal.default_meeting(db, author, programme_id, at="2026-11-20T00:00:00+00:00")

    assert chosen == november


def test_entry_refuses_meeting_of_another_set(db, pair_members, make_set, programme_id):
    author = pair_members[0]
    other = add_meeting(
        db, programme_id, make_set(), "2026-11-10T10:00:00+00:00", "2026-11-10T13:00:00+00:00"
    )

    with pytest.raises(journal.JournalError) as error:
        create_entry(db, author, title="T", body="B", meeting_id=other)

    assert str(error.value) == "Choose a meeting from the list."


def test_reflect_prompt_lists_past_set_meetings_until_reflected_on(db, pair_members, programme_id):
    author, partner, pair_id = pair_members
    learning_set_id = set_of(db, pair_id)
    old = add_meeting(
        db,
        programme_id,
        learning_set_id,
        "2026-09-01T10:00:00+00:00",
        "2026-09-01T13:00:00+00:00",
        "Long ago",
    )
    recent = add_meeting(
        db,
        programme_id,
        learning_set_id,
        "2026-11-10T10:00:00+00:00",
        "2026-11-10T13:00:00+00:00",
        "Recent",
    )
    add_meeting(
        db,
        programme_id,
        learning_set_id,
        "2026-12-08T10:00:00+00:00",
        "2026-12-08T13:00:00+00:00",
        "Future",
    )
    at = "2026-11-20T00:00:00+00:00"
    create_entry(db, author, title="Reflected", body="B", meeting_id=recent)

    assert [m["id"] for m in journal.meetings_to_reflect_on(db, author, at=at)] == []
    assert [m["id"] for m in journal.meetings_to_reflect_on(db, partner, at=at)] == [recent]
    assert old not in [m["id"] for m in journal.meetings_to_reflect_on(db, partner, at=at)]


def test_reflect_link_prefills_meeting(client, db, login, pair_members, programme_id):
    author, _, pair_id = pair_members
    meeting_id = add_meeting(
        db,
        programme_id,
        set_of(db, pair_id),
        "2026-10-13T09:00:00+00:00",
        "2026-10-13T12:00:00+00:00",
        "October set",
    )
    login(author)

    page = client.get(f"/journal/new?meeting_id={meeting_id}").get_data(as_text=True)

    assert f'<option selected value="{meeting_id}">October set' in page


# Revisions


def test_edit_keeps_previous_version_for_author_only(client, db, login, make_entry, pair_members):
    author, partner, _ = pair_members
    entry_id = make_entry(author, title="Before", body="Old words", visibility="pair")
    update_entry(db, author, entry_id, title="After", body="New words", visibility="pair")
    login(partner)

    partner_view = client.get(f"/journal/{entry_id}/history")

    assert partner_view.status_code == 404
    assert [r["title"] for r in journal.revisions_of(db, author, entry_id)] == ["Before"]
    assert journal.revisions_of(db, partner, entry_id) == []


def test_edit_by_someone_else_refused(db, make_entry, pair_members):
    author, partner, _ = pair_members
    entry_id = make_entry(author, visibility="programme")

    with pytest.raises(journal.JournalError):
        update_entry(db, partner, entry_id, title="Hijack", body="x")

    assert journal.visible_entry(db, author, entry_id)["title"] == "An entry"


def test_edit_form_saves_and_history_page_shows_old_version(
    client, db, login, make_entry, make_person
):
    author = make_person()
    entry_id = make_entry(author, title="Draft", body="First thoughts")
    login(author)

    client.post(
        f"/journal/{entry_id}/edit",
        data={
            "title": "Final",
            "body": "Second thoughts",
            "visibility": "private",
            "csrf_token": csrf_token(client, f"/journal/{entry_id}/edit"),
        },
    )

    history = client.get(f"/journal/{entry_id}/history").get_data(as_text=True)
    assert journal.visible_entry(db, author, entry_id)["title"] == "Final"
    assert "<p>First thoughts</p>" in history


# Responses


def test_response_visible_to_exactly_readers_of_entry(db, make_entry, pair_members, make_person):
    author, partner, _ = pair_members
    outsider = make_person()
    entry_id = make_entry(author, visibility="pair")
    add_response(db, partner, entry_id, "Well put.")

    assert [r["body"] for r in journal.responses_to(db, author, entry_id)] == ["Well put."]
    assert [r["body"] for r in journal.responses_to(db, partner, entry_id)] == ["Well put."]
    assert journal.responses_to(db, outsider, entry_id) == []


def test_response_refused_from_someone_who_cannot_read_entry(
    db, make_entry, pair_members, make_person
):
    author = pair_members[0]
    outsider = make_person()
    entry_id = make_entry(author, visibility="pair")

    with pytest.raises(journal.JournalError):
        add_response(db, outsider, entry_id, "Sneaky")

    assert db["journal_responses"].count == 0


def test_response_posted_through_page(client, db, login, make_entry, pair_members):
    author, partner, _ = pair_members
    entry_id = make_entry(author, visibility="pair")
    login(partner)

    response = client.post(
        f"/journal/{entry_id}/responses",
        data={"body": "Thank you", "csrf_token": csrf_token(client, f"/journal/{entry_id}")},
    )

    assert response.status_code == 302
    assert "<p>Thank you</p>" in client.get(f"/journal/{entry_id}").get_data(as_text=True)


# Lists


def test_my_journal_filters_by_theme_tag_and_date(db, make_entry, make_person):
    author = make_person()
    make_entry(author, title="Money", themes=["financial arrangements"], tags="budget")
    make_entry(author, title="Trust", themes=["relationships and trust"], tags="team")

    by_theme = journal.entries_visible_to(db, author, author="me", theme="relationships and trust")
    by_tag = journal.entries_visible_to(db, author, author="me", tag="budget")
    by_date = journal.entries_visible_to(db, author, author="me", until="2000-01-01")

    assert [e["title"] for e in by_theme] == ["Trust"]
    assert [e["title"] for e in by_tag] == ["Money"]
    assert by_date == []


def test_my_journal_pages_of_twenty(client, login, make_entry, make_person):
    author = make_person()
    for n in range(25):
        make_entry(author, title=f"Entry number {n:02d}")
    login(author)

    first = client.get("/journal").get_data(as_text=True)
    older = re.search(r'<a href="([^"]+)" rel="next">Older</a>', first).group(1)
    second = client.get(html.unescape(older)).get_data(as_text=True)

    assert first.count("Entry number") == 20
    assert second.count("Entry number") == 5
    assert "Entry number 24" in first and "Entry number 00" in second


OLDER = re.compile(r'<a href="([^"]+)" rel="next">Older</a>')
NEWER = re.compile(r'<a href="([^"]+)" rel="prev">Newer</a>')


def titles_on(page):
    return re.findall(r"Entry number \d\d", page)


def test_older_and_newer_links_walk_every_entry_once_even_written_in_the_same_second(
    client, db, login, make_entry, make_person
):
    author = make_person()
    for n in range(45):
        make_entry(author, title=f"Entry number {n:02d}", tags="walk")
    # All in one second, as an import or a busy minute writes them: the id settles ties.
    db.execute("UPDATE journal_entries SET created_at = '2027-01-05T10:00:00+00:00'")
    db.conn.commit()
    login(author)

    pages, path = [], "/journal?tag=walk"
    while path:
        page = client.get(path).get_data(as_text=True)
        pages.append(page)
        older = OLDER.search(page)
        path = html.unescape(older.group(1)) if older else None
    back = client.get(html.unescape(NEWER.search(pages[-1]).group(1))).get_data(as_text=True)

    walked = [title for page in pages for title in titles_on(page)]
    assert walked == [f"Entry number {n:02d}" for n in reversed(range(45))]
    assert [len(titles_on(page)) for page in pages] == [20, 20, 5]
    assert NEWER.search(pages[0]) is None and "tag=walk" in OLDER.search(pages[0]).group(1)
    assert titles_on(back) == titles_on(pages[1]) and NEWER.search(back)


def test_a_page_older_than_an_entry_one_may_not_read_is_the_first_page(
    client, login, make_entry, make_person
):
    author, reader = make_person(), make_person()
    hidden = None
    for n in range(25):
        make_entry(author, title=f"Entry number {n:02d}", visibility="programme")
        if n == 10:  # halfway down the list: a page older than it would start there
            hidden = make_entry(author, title="Private", visibility="private")
    login(reader)

    first = client.get("/journal/shared").get_data(as_text=True)
    probed = client.get(f"/journal/shared?older={hidden}").get_data(as_text=True)

    assert titles_on(probed) == titles_on(first)


def test_theme_filter_form_keeps_the_chosen_theme_and_clears_to_the_plain_list(
    client, login, make_entry, make_person
):
    author = make_person()
    make_entry(author, title="On trust", themes=["relationships and trust"])
    make_entry(author, title="On money", themes=["financial arrangements"])
    login(author)

    page = client.get("/journal?theme=relationships and trust").get_data(as_text=True)

    assert "On trust" in page and "On money" not in page
    assert "<option selected>relationships and trust</option>" in page
    assert page.count(" selected>") == 1
    assert '<a href="/journal">Clear</a>' in page


def test_shared_list_shows_others_entries_by_level(client, login, make_entry, pair_members):
    author, partner, _ = pair_members
    make_entry(author, title="For my pair", visibility="pair")
    make_entry(author, title="For everyone", visibility="programme")
    login(partner)

    pair_only = client.get("/journal/shared?visibility=pair").get_data(as_text=True)

    assert "For my pair" in pair_only
    assert "For everyone" not in pair_only


def test_list_card_follows_a_renamed_author_and_a_moved_meeting(
    client, db, login, pair_members, programme_id
):
    author, _, pair_id = pair_members
    meeting_id = add_meeting(
        db,
        programme_id,
        set_of(db, pair_id),
        "2026-10-13T09:00:00+00:00",
        "2026-10-13T12:00:00+00:00",
        "October set",
    )
    create_entry(db, author, title="After October", body="B", meeting_id=meeting_id)
    auth.update_person(db, author, "Renamed Author")
    scheduling.update_meeting(db, meeting_id, title="Moved set")
    login(author)

    page = client.get("/journal").get_data(as_text=True)

    assert "Renamed Author" in page
    assert "Moved set · Tue 13 Oct 2026, 10:00" in page
    assert "October set" not in page


def test_list_card_shows_an_edited_entry_as_saved(client, db, login, pair_members):
    author, _, _ = pair_members
    entry_id = create_entry(db, author, title="T", body="B", themes=["culture"], tags="walk")
    update_entry(db, author, entry_id, title="T", body="B", themes=["leadership"], tags="run")
    login(author)

    page = client.get("/journal").get_data(as_text=True)

    assert re.findall(r'href="\?(?:theme|tag)=(\w+)"', page) == ["leadership", "run"]


# Search


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "AND",
        "(",
        "NEAR",
        'unbalanced "quote',
        "OR NOT",
        "a AND (b",
        "^",
        ":",
        "-x",
        "'",
        "NEAR(a b)",
        "\\",
    ],
)
def test_search_hostile_query_never_errors(client, db, login, make_entry, make_person, query):
    author = make_person()
    make_entry(author, title="Partnership AND trust (NEAR) *stars*")
    login(author)

    response = client.get("/journal/search", query_string={"q": query})

    assert response.status_code == 200
    assert isinstance(search_entries(db, author, query), list)


def test_search_finds_prefix_and_highlights_escaped(db, make_entry, make_person):
    author = make_person()
    make_entry(author, title="Hostile", body="<b>partnerships</b> & trust")

    results = search_entries(db, author, "partner*")

    assert [r["title"] for r in results] == ["Hostile"]
    assert (
        str(results[0]["snippet_marked"])
        == "&lt;b&gt;<mark>partnerships</mark>&lt;/b&gt; &amp; trust"
    )


def test_search_page_escapes_snippet(client, login, make_entry, make_person):
    author = make_person()
    make_entry(author, title="T", body="<script>alert('boo')</script> quokka")
    login(author)

    page = client.get("/journal/search?q=quokka").get_data(as_text=True)

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;boo&#39;)&lt;/script&gt; <mark>quokka</mark>" in page


def test_search_caps_results(db, make_entry, make_person):
    author = make_person()
    for n in range(SEARCH_LIMIT + 5):
        make_entry(author, title=f"Wombat {n}")

    assert len(search_entries(db, author, "wombat")) == SEARCH_LIMIT


def test_search_forgets_deleted_entry(db, make_entry, make_person):
    author = make_person()
    entry_id = make_entry(author, title="Numbat sighting", body="numbat")

    delete_entry(db, author, entry_id)

    assert search_entries(db, author, "numbat") == []
    assert (
        db.execute(
            "SELECT count(*) FROM journal_entries_fts WHERE journal_entries_fts MATCH 'numbat'"
        ).fetchone()[0]
        == 0
    )


def test_search_follows_edits(db, make_entry, make_person):
    author = make_person()
    entry_id = make_entry(author, title="Kestrel", body="kestrel")

    update_entry(db, author, entry_id, title="Falcon", body="falcon")

    assert search_entries(db, author, "kestrel") == []
    assert [r["id"] for r in search_entries(db, author, "falcon")] == [entry_id]


# Own data


def test_delete_removes_revisions_responses_labels_and_index(
    client, db, login, make_entry, pair_members
):
    author, partner, _ = pair_members
    entry_id = make_entry(author, visibility="pair", themes=["culture"], tags="x")
    update_entry(
        db,
        author,
        entry_id,
        title="Edited",
        body="B",
        visibility="pair",
        themes=["culture"],
        tags="x",
    )
    add_response(db, partner, entry_id, "Reply")
    login(author)

    response = client.post(
        f"/journal/{entry_id}/delete",
        data={"csrf_token": csrf_token(client, f"/journal/{entry_id}/delete")},
    )

    assert response.status_code == 302
    counts = [
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in (
            "journal_entries",
            "journal_revisions",
            "journal_responses",
            "journal_entry_themes",
            "journal_entry_tags",
            "journal_entries_fts",
        )
    ]
    assert counts == [0, 0, 0, 0, 0, 0]


def test_delete_by_someone_else_is_not_found(client, db, login, make_entry, pair_members):
    author, partner, _ = pair_members
    entry_id = make_entry(author, visibility="pair")
    login(partner)

    response = client.post(
        f"/journal/{entry_id}/delete",
        data={"csrf_token": csrf_token(client, f"/journal/{entry_id}")},
    )

    assert response.status_code == 404
    assert db["journal_entries"].count == 1


def test_export_zip_holds_only_own_entries_as_markdown_and_json(
    client, login, make_entry, pair_members
):
    author, partner, _ = pair_members
    make_entry(
        author, title="My private thoughts", body="Secret", visibility="private", themes=["culture"]
    )
    make_entry(partner, title="Partner's shared entry", visibility="pair")
    login(author)

    response = client.get("/journal/export.zip")

    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("journal.json"))
    markdown = archive.read("journal.md").decode()
    assert response.headers["Content-Type"] == "application/zip"
    assert sorted(archive.namelist()) == ["journal.json", "journal.md"]
    assert [e["title"] for e in data["entries"]] == ["My private thoughts"]
    assert data["entries"][0]["themes"] == ["culture"]
    assert "## My private thoughts" in markdown
    assert "Partner's shared entry" not in markdown


def test_my_schedule_invites_reflection_on_last_set_meeting(
    client, db, login, pair_members, programme_id
):
    author, _, pair_id = pair_members
    yesterday = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
    meeting_id = add_meeting(
        db,
        programme_id,
        set_of(db, pair_id),
        yesterday.isoformat(),
        (yesterday + timedelta(hours=3)).isoformat(),
        "Yesterday's set",
    )
    login(author)

    page = client.get("/").get_data(as_text=True)

    assert f'href="/journal/new?meeting_id={meeting_id}">write about it</a>' in page


def test_own_markdown_export_keeps_hash_lines_as_text(db, make_entry, make_person):
    author = make_person(name="Ada #1")
    make_entry(author, title="# Not a heading", body="Notes\n#winterpressures came up again")

    text = journal_markdown(own_journal(db, author), "Ada #1")

    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["# Reflective journal of Ada \\#1", "## \\# Not a heading"]
    assert "\\#winterpressures came up again" in text


def test_stored_card_keeps_only_what_a_card_is_made_of():
    hostile = (
        '<p class="entry-meta" onclick="steal()"><script>steal()</script>'
        '<a class="badge" href="javascript:steal()">x</a> <a href="?theme=Pilot">Pilot</a>'
        '<time datetime="2026-11-29">Sun 29 Nov 2026</time><img src="x"></p>'
    )

    card = sanitise_card(hostile)

    assert card == (
        '<p class="entry-meta"><a class="badge">x</a> <a href="?theme=Pilot">Pilot</a>'
        '<time datetime="2026-11-29">Sun 29 Nov 2026</time></p>'
    )
