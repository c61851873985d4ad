"""Hostile input: SQL and FTS injection, oversize bodies and CSV files, control characters,
and path tricks in export names. Each attack is refused or neutralised and changes nothing."""

import gc
import io
import re
import warnings
import zipfile

import pytest

from actionlearning import casestudies, journal
from actionlearning.journal.search import search_entries
from tests.conftest import sign_in
from tests.live import flask_command

from .conftest import SECRET, page_token, snapshot

INJECTIONS = [
    "' OR 1=1 --",
    "'; DROP TABLE journal_entries; --",
    '" OR ""="',
    "Zanzibar*",
    "Zanzibar OR x",
    "title:Zanzibar",
    "{title body}: Zanzibar",
    "NEAR(Zanzibar private, 5)",
    "Zanzibar NOT x",
    "(((",
    '"unbalanced',
    "^Zanzibar",
    "*",
    "Zanzibar-private-reflection",
    "1 UNION SELECT body FROM journal_entries",
    "%' --",
]


@pytest.mark.parametrize("query", INJECTIONS)
def test_search_injection_finds_only_what_the_reader_may_see(arena, query):
    client = arena.client("carol")
    before = snapshot(arena.db)

    response = client.get("/journal/search", query_string={"q": query})

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"{SECRET} body" not in text  # the query itself is shown back, escaped
    assert f"/journal/{arena.world['private_entry_id']}" not in text
    assert snapshot(arena.db) == before
    assert search_entries(arena.db, arena.world["people"]["carol"], query) == [] or all(
        SECRET not in (e["title"] + e["body"])
        for e in search_entries(arena.db, arena.world["people"]["carol"], query)
    )


def test_search_the_author_still_finds_her_own_private_entry(arena):
    response = arena.client("alice").get("/journal/search", query_string={"q": "Zanzibar"})
    assert SECRET in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query_string",
    [
        {"tag": "' OR 1=1 --"},
        {"theme": "x' OR '1'='1"},
        {"since": "2020-01-01' OR 1=1 --", "until": "9999"},
        {"meeting": "1 OR 1=1"},
        {"page": "-1"},
        {"page": "0"},
        {"visibility": "private"},
    ],
)
def test_list_filter_injection_shows_nothing_extra(arena, query_string):
    client = arena.client("carol")
    for path in ("/journal", "/journal/shared"):
        response = client.get(path, query_string=query_string)
        assert response.status_code in (200, 404)
        assert SECRET not in response.get_data(as_text=True)


def test_list_page_number_overflow_is_not_a_server_error(arena):
    response = arena.client("carol").get("/journal", query_string={"page": "9" * 20})
    assert response.status_code in (200, 404)


def entry_count(db):
    return db.execute("SELECT count(*) FROM journal_entries").fetchone()[0]


def test_oversize_body_gets_413_and_saves_nothing(app, db, world):
    client = app.test_client()
    sign_in(client, db, world["people"]["alice"])
    before = snapshot(db)

    response = client.post(
        "/journal/new",
        data={
            "title": "Huge",
            "body": "x" * (3 * 1024 * 1024),
            "visibility": "private",
            "csrf_token": page_token(client),
        },
    )

    assert response.status_code == 413
    assert snapshot(db) == before


def test_long_body_under_the_upload_limit_is_refused_with_a_message(app, db, world):
    client = app.test_client()
    sign_in(client, db, world["people"]["alice"])
    before = entry_count(db)
    response = client.post(
        "/journal/new",
        data={
            "title": "Long",
            "body": "x" * (journal.MAX_BODY + 1),
            "visibility": "private",
            "csrf_token": page_token(client),
        },
    )
    assert response.status_code == 200
    assert entry_count(db) == before


def post_csv(client, programme_id, data, name="people.csv"):
    return client.post(
        f"/programmes/{programme_id}/import",
        data={
            "file": (io.BytesIO(data), name),
            "csrf_token": page_token(client, f"/programmes/{programme_id}/import"),
        },
        content_type="multipart/form-data",
    )


CSV_HEADER = "email,name,role\r\n"


def test_oversize_csv_gets_413_and_imports_nothing(app, db, world):
    client = app.test_client()
    sign_in(client, db, world["people"]["organiser"])
    before = snapshot(db)
    rows = "".join(f"big{n}@example.org,Person {n},participant\r\n" for n in range(80_000))

    with warnings.catch_warnings():
        # Werkzeug leaves the big upload's temporary file to the garbage collector.
        warnings.simplefilter("ignore", ResourceWarning)
        response = post_csv(client, world["programme_id"], (CSV_HEADER + rows).encode())
        status = response.status_code
        response.close()
        del response
        gc.collect()

    assert status == 413
    assert snapshot(db) == before


def test_csv_with_too_many_rows_is_refused_whole(app, db, world):
    client = app.test_client()
    sign_in(client, db, world["people"]["organiser"])
    before = snapshot(db)
    rows = "".join(f"r{n}@example.org,Person {n},participant\r\n" for n in range(5_000))

    response = post_csv(client, world["programme_id"], (CSV_HEADER + rows).encode())

    assert response.status_code in (200, 400, 413)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "bad_row",
    [
        "nul@example.org,Nul\x00Name,participant",
        "bell@example.org,Bell\x07Name,participant",
        "esc@example.org,Esc\x1b[31mName,participant",
        "\u0430lice@example.org,Confusable,organiser",
        "=cmd|' /C calc'!A0@example.org,Formula,participant",
        "ok@example.org,Okay,superuser",
    ],
)
def test_csv_with_a_hostile_row_imports_nothing(app, db, world, bad_row):
    client = app.test_client()
    sign_in(client, db, world["people"]["organiser"])
    before = snapshot(db)
    text = CSV_HEADER + "good@example.org,Good Person,participant\r\n" + bad_row + "\r\n"

    response = post_csv(client, world["programme_id"], text.encode())

    assert response.status_code == 200
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "field",
    ["title", "body", "what_happened"],
)
@pytest.mark.parametrize("character", ["\x00", "\x08", "\x1b", "\x7f"])
def test_control_characters_in_an_entry_are_refused(app, db, world, field, character):
    client = app.test_client()
    sign_in(client, db, world["people"]["alice"])
    before = snapshot(db)
    data = {"title": "Fine", "body": "Fine", "visibility": "private"}
    data[field] = f"Bad{character}text"

    response = client.post("/journal/new", data={**data, "csrf_token": page_token(client)})

    assert response.status_code == 200
    assert "control characters" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_control_characters_in_a_case_study_are_refused(app, db, world):
    client = app.test_client()
    sign_in(client, db, world["people"]["alice"])
    pair = world["pair_id"]
    before = snapshot(db)
    study = casestudies.case_study(db, pair)
    response = client.post(
        f"/case-studies/{pair}/edit",
        data={
            "base_revision": str(study["revision"]),
            "title": "Title\x00",
            "problem": "Problem\x00",
            "csrf_token": page_token(client, f"/case-studies/{pair}/edit"),
        },
    )
    assert response.status_code in (200, 400)
    assert snapshot(db) == before


def test_control_characters_in_a_meeting_venue_are_refused(app, db, world):
    client = app.test_client()
    sign_in(client, db, world["people"]["facilitator"])
    meeting = world["meeting_id"]
    before = snapshot(db)
    response = client.post(
        f"/meetings/{meeting}/edit",
        data={
            "title": "Thames set meeting",
            "on": "2026-10-13",
            "start_time": "10:00",
            "end_time": "13:00",
            "venue": "Room\x00 2",
            "csrf_token": page_token(client, f"/meetings/{meeting}/edit"),
        },
    )
    assert response.status_code == 200
    assert snapshot(db) == before


def test_control_characters_in_sign_in_are_a_clean_refusal(client, db, world):
    response = client.post(
        "/login",
        data={
            "email": "alice@example.org\x00",
            "password": "correct-horse-battery",
            "csrf_token": page_token(client, "/login"),
        },
    )
    assert response.status_code in (200, 400)
    assert client.get("/journal").status_code == 302


def test_control_characters_in_create_user_are_refused(tmp_path):
    result = flask_command(
        tmp_path / "x.db",
        "create-user",
        "c@example.org",
        "--name",
        "Bad\x07Name",
        "--password",
        "correct-horse-battery",
        check=False,
    )
    assert result.returncode != 0
    assert "control characters" in result.stderr + result.stdout


TRICKY_TITLES = [
    "../../../etc/passwd",
    "..\\..\\windows\\system32",
    "/absolute/path",
    "con",
    "case-study.md\r\nX-Injected: 1",
    '"; filename="evil.exe',
    "%2e%2e%2fetc",
]


def safe_file_name(name):
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name)) and ".." not in name


@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_path_tricks_in_a_title_never_reach_a_file_name(app, db, world, tmp_path, title):
    pair = world["pair_id"]
    study = casestudies.case_study(db, pair)
    title = title.replace("\r\n", " ")  # control characters are refused anyway
    casestudies.save_case_study(
        db, pair, world["people"]["alice"], study["revision"], {**study, "title": title}
    )
    client = app.test_client()
    sign_in(client, db, world["people"]["organiser"])

    download = client.get(f"/case-studies/{pair}/case-study.md")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    names = re.findall(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)', disposition)
    assert names and all(safe_file_name(n) for n in names), disposition
    assert "\n" not in disposition and "evil.exe" not in disposition

    archive = client.get(f"/case-studies/export.zip?programme={world['programme_id']}&status=all")
    if archive.status_code == 200:
        with zipfile.ZipFile(io.BytesIO(archive.data)) as z:
            assert all(safe_file_name(n) for n in z.namelist()), z.namelist()

    exports = tmp_path / "exports"
    out = exports / "out"
    export = casestudies.export.write_export(db, str(out), world["programme_id"], "all")
    written = {p.relative_to(exports).as_posix() for p in exports.rglob("*") if p.is_file()}
    assert written == {f"out/{name}" for name in export["files"]}
    assert all(safe_file_name(name) for name in export["files"])


def test_path_tricks_in_an_author_name_never_reach_the_journal_export(app, db, world):
    db.execute("UPDATE people SET name = '../../evil' WHERE id = ?", [world["people"]["alice"]])
    client = app.test_client()
    sign_in(client, db, world["people"]["alice"])
    response = client.get("/journal/export.zip")
    assert response.status_code == 200
    assert "evil" not in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as z:
        assert all(".." not in n and not n.startswith("/") for n in z.namelist())
