"""Before-and-after ratings: one response per person per round, aggregates with small
groups suppressed, charts drawn once per change, and nobody sees anyone else's answers."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from actionlearning import programmes
from actionlearning.evaluation import (
    FACTOR_LABELS,
    EvaluationError,
    close_round,
    open_round,
    own_response,
    save_response,
)
from actionlearning.evaluation.charts import chart
from actionlearning.evaluation.figures import aggregates

from .conftest import csrf_token, sign_in

MARKER = "zebra-comment-7731"


def ratings(value):
    return dict.fromkeys(FACTOR_LABELS, value)


@pytest.fixture
def make_members(db, make_pair):
    """make_members(set_id, n): n participants in pairs of the set; their ids."""

    def make(learning_set_id, n):
        ids = []
        while len(ids) < n:
            pair_id = make_pair(learning_set_id=learning_set_id)
            ids += [
                r[0]
                for r in db.execute(
                    "SELECT person_id FROM pair_members WHERE pair_id = ?", [pair_id]
                )
            ]
        return ids[:n]

    return make


def respond_all(db, round_id, people, value_of, comment=""):
    for person in people:
        save_response(
            db,
            person,
            round_id,
            ratings(value_of(person)),
            comments={"communication": comment} if comment else None,
        )


def test_rating_is_saved_and_read_back_by_its_author(db, programme_id, make_person):
    person = make_person()
    round_id = open_round(db, programme_id, "start")

    save_response(db, person, round_id, ratings(3), comments={"culture": "Slow going"})

    answers = own_response(db, person, round_id)
    assert answers["culture"]["rating"] == 3
    assert answers["culture"]["comment"] == "Slow going"


def test_second_response_replaces_the_first(db, programme_id, make_person):
    person = make_person()
    round_id = open_round(db, programme_id, "start")
    save_response(db, person, round_id, ratings(2))

    save_response(db, person, round_id, ratings(4))

    count = db.execute("SELECT count(*) FROM evaluation_responses").fetchone()[0]
    assert (count, own_response(db, person, round_id)["data"]["rating"]) == (1, 4)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({**ratings(3), "culture": 7}, "a whole number 1 to 5"),
        ({**ratings(3), "culture": 0}, "a whole number 1 to 5"),
        ({k: v for k, v in ratings(3).items() if k != "culture"}, "Missing: Culture"),
        ({**ratings(3), "made_up": 3}, "Unknown factor"),
    ],
)
def test_bad_rating_is_refused_and_changes_nothing(db, programme_id, make_person, bad, message):
    person = make_person()
    round_id = open_round(db, programme_id, "start")
    save_response(db, person, round_id, ratings(2))

    with pytest.raises(EvaluationError, match=message):
        save_response(db, person, round_id, bad)

    assert own_response(db, person, round_id)["culture"]["rating"] == 2


def test_response_after_the_round_closed_is_refused(db, programme_id, make_person):
    person = make_person()
    round_id = open_round(db, programme_id, "start")
    save_response(db, person, round_id, ratings(2))
    close_round(db, round_id)

    with pytest.raises(EvaluationError, match="closed"):
        save_response(db, person, round_id, ratings(5))

    assert own_response(db, person, round_id)["culture"]["rating"] == 2


def test_only_participants_of_the_programme_rate(db, programme_id, make_person):
    organiser = make_person(role="organiser")
    round_id = open_round(db, programme_id, "start")

    with pytest.raises(EvaluationError, match="not asked"):
        save_response(db, organiser, round_id, ratings(3))

    assert db.execute("SELECT count(*) FROM evaluation_responses").fetchone()[0] == 0


def test_group_of_four_shows_nothing_and_five_shows_figures(
    db, programme_id, make_members, make_set
):
    four = make_members(make_set(), 4)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, four, lambda p: 3)
    close_round(db, start)

    before = aggregates(db, programme_id)["rounds"][0]
    open_round(db, programme_id, "start")
    fifth = make_members(make_set(), 1)
    respond_all(db, start, fifth, lambda p: 3)
    close_round(db, start)
    after = aggregates(db, programme_id)["rounds"][0]

    assert (before["shown"], before["respondents"], before["means"]) == (False, None, {})
    assert (after["shown"], after["respondents"], after["means"]["culture"]) == (True, 5, 3.0)


def test_open_round_shows_no_figure_until_it_closes(db, programme_id, make_members, make_set):
    people = make_members(make_set(), 6)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, people, lambda p: 4)

    figures = aggregates(db, programme_id)

    assert figures["rounds"] == []


def test_set_withheld_when_the_rest_of_the_programme_is_under_five(
    db, programme_id, make_members, make_set
):
    big_set, small_set = make_set(), make_set()
    big = make_members(big_set, 6)
    small = make_members(small_set, 3)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, big, lambda p: 2)
    respond_all(db, start, small, lambda p: 5)
    close_round(db, start)

    figures = aggregates(db, programme_id)

    # The programme (9) is shown; the set of 6 is not, or 9 - 6 would reveal the other 3.
    shown = {s["id"]: s["rounds"][0]["shown"] for s in figures["sets"]}
    assert figures["rounds"][0]["shown"] is True
    assert shown == {big_set: False, small_set: False}


def test_sets_shown_when_every_remainder_is_five_or_more(db, programme_id, make_members, make_set):
    first, second = make_set(), make_set()
    respondents = make_members(first, 5) + make_members(second, 6)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, respondents, lambda p: 4)
    close_round(db, start)

    figures = aggregates(db, programme_id)

    assert [s["rounds"][0]["respondents"] for s in figures["sets"]] == [5, 6]


def test_chart_figures_equal_a_hand_computed_fixture(db, programme_id, make_members, make_set):
    people = make_members(make_set(), 6)
    start = open_round(db, programme_id, "start")
    # Start: 1, 2, 2, 3, 3, 4 -> mean 2.5; end: 3, 4, 4, 4, 5, 5 (first person absent) -> 4.4
    for person, value in zip(people, [1, 2, 2, 3, 3, 4], strict=True):
        save_response(db, person, start, ratings(value))
    close_round(db, start)
    end = open_round(db, programme_id, "end")
    for person, value in zip(people[1:], [4, 4, 4, 5, 5], strict=True):
        save_response(db, person, end, ratings(value))
    close_round(db, end)

    table = chart(db, programme_id, "ratings")

    assert table["columns"] == [
        "Factor",
        "Start of the programme (n=6)",
        "End of the programme (n=5)",
        "Change",
    ]
    assert table["rows"][0] == ["Shared goals", 2.5, 4.4, 1.9]
    assert "from 2.5 to 4.4" in table["alt"]


def test_chart_is_drawn_once_per_change(db, programme_id, make_members, make_set):
    people = make_members(make_set(), 5)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, people, lambda p: 3)
    close_round(db, start)
    first = chart(db, programme_id, "ratings")
    drawn_at = db.execute("SELECT drawn_at, fingerprint FROM evaluation_charts").fetchall()

    again = chart(db, programme_id, "ratings")
    unchanged = db.execute("SELECT drawn_at, fingerprint FROM evaluation_charts").fetchall()
    open_round(db, programme_id, "start")
    respond_all(db, start, people[:1], lambda p: 5)
    close_round(db, start)
    changed = chart(db, programme_id, "ratings")

    assert (again["svg"], unchanged) == (first["svg"], drawn_at)
    assert changed["rows"][0][1] == 3.4
    assert changed["svg"] != first["svg"]


def test_charts_are_valid_svg_and_png(db, programme_id, make_members, make_set):
    people = make_members(make_set(), 5)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, people, lambda p: 3)
    close_round(db, start)

    for kind in ("ratings", "attendance", "themes"):
        drawn = chart(db, programme_id, kind)

        assert ET.fromstring(drawn["svg"]).tag == "{http://www.w3.org/2000/svg}svg"
        assert drawn["png"][:8] == b"\x89PNG\r\n\x1a\n"
        assert drawn["alt"]


# Pages: who sees what


@pytest.fixture
def rated(db, programme_id, make_members, make_set, make_person):
    """A closed start round: set A of 4 respondents (too few), set B of 6, one comment."""
    facilitator_a = make_person(role="facilitator")
    set_a = make_set(facilitator_id=facilitator_a)
    set_b = make_set()
    small = make_members(set_a, 4)
    large = make_members(set_b, 6)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, small, lambda p: 1, comment=MARKER)
    respond_all(db, start, large, lambda p: 5)
    close_round(db, start)
    return {
        "round": start,
        "author": small[0],
        "other_participant": large[0],
        "facilitator": facilitator_a,
        "organiser": make_person(role="organiser"),
        "set_a": set_a,
    }


def test_organiser_page_shows_charts_and_suppresses_the_small_set(app, db, programme_id, rated):
    client = app.test_client()
    sign_in(client, db, rated["organiser"])

    page = client.get(f"/programmes/{programme_id}/evaluation").get_data(as_text=True)
    svg = client.get(f"/programmes/{programme_id}/evaluation/ratings.svg")

    assert "Start of the programme (n=10)" in page
    assert "too few to show" in page
    assert MARKER not in page
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"


def test_facilitator_sees_own_set_suppressed_never_individuals(app, db, rated):
    client = app.test_client()
    sign_in(client, db, rated["facilitator"])

    page = client.get("/evaluation").get_data(as_text=True)
    answers = client.get(f"/evaluation/rounds/{rated['round']}")

    assert "too few to show" in page
    assert MARKER not in page
    assert answers.status_code == 404


def test_nobody_else_sees_a_persons_ratings_or_comment(app, db, programme_id, rated):
    surfaces = [
        "/",
        "/evaluation",
        f"/evaluation/rounds/{rated['round']}",
        f"/programmes/{programme_id}/evaluation",
        f"/programmes/{programme_id}/evaluation.csv",
        f"/programmes/{programme_id}/evaluation/ratings.svg",
    ]
    seen = {}
    for who in ("author", "other_participant", "facilitator", "organiser"):
        client = app.test_client()
        sign_in(client, db, rated[who])
        seen[who] = any(MARKER in client.get(path).get_data(as_text=True) for path in surfaces)

    assert seen == {
        "author": True,
        "other_participant": False,
        "facilitator": False,
        "organiser": False,
    }


def test_evaluation_pages_of_another_programme_answer_404(
    app, db, programme_id, rated, make_person
):
    elsewhere = programmes.create_programme(db, "Elsewhere", "2026-09-01", "2027-08-31")
    outsider = make_person(role="organiser", programme=elsewhere)
    client = app.test_client()
    sign_in(client, db, outsider)

    paths = [
        f"/programmes/{programme_id}/evaluation",
        f"/programmes/{programme_id}/evaluation.csv",
        f"/programmes/{programme_id}/evaluation/ratings.svg",
    ]

    assert [client.get(path).status_code for path in paths] == [404, 404, 404]


def test_csv_has_figures_and_withholds_small_groups(app, db, programme_id, rated):
    client = app.test_client()
    sign_in(client, db, rated["organiser"])

    text = client.get(f"/programmes/{programme_id}/evaluation.csv").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(text)))

    whole = [r for r in table if r[0] == "Whole programme" and r[3] == "Culture"]
    withheld = [r for r in table if r[2] == "too few to show"]
    assert whole == [["Whole programme", "Start of the programme", "10", "Culture", "3.4"]]
    assert len(withheld) == 2  # set A (4) and set B (6: the rest would be 4)


def test_rating_form_refuses_seven_with_a_message(app, db, programme_id, make_person):
    person = make_person()
    round_id = open_round(db, programme_id, "start")
    client = app.test_client()
    sign_in(client, db, person)
    token = csrf_token(client, f"/evaluation/rounds/{round_id}")
    data = {f"rating_{key}": "3" for key in FACTOR_LABELS} | {"rating_culture": "7"}

    response = client.post(f"/evaluation/rounds/{round_id}", data={**data, "csrf_token": token})

    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM evaluation_responses").fetchone()[0] == 0


def test_my_schedule_shows_an_open_round_to_do(app, db, programme_id, make_person):
    person = make_person()
    round_id = open_round(db, programme_id, "start")
    client = app.test_client()
    sign_in(client, db, person)

    page = client.get("/").get_data(as_text=True)

    assert f"/evaluation/rounds/{round_id}" in page


def test_own_journal_download_carries_own_ratings_only(db, programme_id, make_person):
    import json
    import zipfile

    from actionlearning.journal.export import journal_export_zip

    me, other = make_person(), make_person()
    round_id = open_round(db, programme_id, "start")
    save_response(db, me, round_id, ratings(4), comments={"culture": "Mine"})
    save_response(db, other, round_id, ratings(1), comments={"culture": MARKER})

    archive = zipfile.ZipFile(io.BytesIO(journal_export_zip(db, me, "Me")))
    exported = json.loads(archive.read("ratings.json"))["ratings"]

    assert {(r["factor"], r["rating"]) for r in exported if r["factor"] == "Culture"} == {
        ("Culture", 4)
    }
    assert MARKER not in json.dumps(exported)


def test_comment_marked_for_the_case_study_reaches_the_pair_only(
    app, db, programme_id, make_pair, make_person
):
    pair_id = make_pair()
    author, partner = [
        r[0] for r in db.execute("SELECT person_id FROM pair_members WHERE pair_id = ?", [pair_id])
    ]
    other_pair_member = db.execute(
        "SELECT person_id FROM pair_members WHERE pair_id = ?", [make_pair()]
    ).fetchone()[0]
    round_id = open_round(db, programme_id, "start")
    save_response(
        db,
        author,
        round_id,
        ratings(3),
        comments={"culture": "Quote me on culture", "data": MARKER},
        for_case_study={"culture"},
    )

    def edit_page(person):
        client = app.test_client()
        sign_in(client, db, person)
        return client.get(f"/case-studies/{pair_id}/edit").get_data(as_text=True)

    partner_sees = edit_page(partner)

    assert "Quote me on culture" in partner_sees
    assert MARKER not in partner_sees
    assert "Quote me on culture" not in edit_page(other_pair_member)


def test_pack_section_images_embed_in_word(db, programme_id, make_members, make_set, tmp_path):
    import shutil
    import subprocess
    import zipfile

    pandoc = shutil.which("pandoc")
    if pandoc is None:
        pytest.skip("pandoc is not installed")
    people = make_members(make_set(), 5)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, people, lambda p: 4)
    close_round(db, start)
    from actionlearning.evaluation.pack import evaluation_section

    markdown, images = evaluation_section(db, programme_id)
    (tmp_path / "pack.md").write_text("# Pack\n\n## Evaluation\n\n" + markdown)
    for name, data in images.items():
        (tmp_path / name).write_bytes(data)

    subprocess.run([pandoc, "pack.md", "-o", "pack.docx"], cwd=tmp_path, check=True)
    docx = zipfile.ZipFile(tmp_path / "pack.docx")
    media = [n for n in docx.namelist() if n.startswith("word/media/")]
    text = subprocess.run(
        [pandoc, str(tmp_path / "pack.docx"), "-t", "plain"], capture_output=True, text=True
    ).stdout

    assert sorted(images) == sorted(
        f"evaluation-{k}.png" for k in ("ratings", "attendance", "themes")
    )
    assert all(data[:8] == b"\x89PNG\r\n\x1a\n" for data in images.values())
    assert len(media) == 3
    assert "Start of the programme (n=5)" in text


def test_pack_zip_holds_the_evaluation_section_and_its_charts(
    db, programme_id, make_members, make_set
):
    from actionlearning.casestudies import export

    people = make_members(make_set(), 5)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, people, lambda p: 4)
    close_round(db, start)

    files = dict(export.export_files(db, programme_id, "all"))
    pack = files[export.PACK_FILE]

    evaluation = pack.index('## <span id="pack-evaluation"></span>Evaluation')
    assert evaluation < pack.index("evaluation-ratings.png")
    for kind in ("ratings", "attendance", "themes"):
        assert f"(evaluation-{kind}.png)" in pack
        assert files[f"evaluation-{kind}.png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert "| Culture | 4.0 |" in pack


def test_pack_in_word_and_pdf_shows_the_evaluation_charts(
    client, db, programme_id, make_members, make_set, make_person, tmp_path
):
    import zipfile

    from tests.test_documents import DOCX, download

    organiser = make_person(role="organiser")
    people = make_members(make_set(), 5)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, people, lambda p: 4)
    close_round(db, start)
    sign_in(client, db, organiser)

    word = download(client, "/case-studies/export/conference-pack.docx", DOCX)
    pdf = download(client, "/case-studies/export/conference-pack.pdf", "application/pdf")

    media = [n for n in zipfile.ZipFile(io.BytesIO(word)).namelist() if n.startswith("word/media/")]
    assert len(media) == 3
    assert pdf_images(pdf, tmp_path) == 3


def pdf_images(data, tmp_path):
    """How many pictures the PDF shows (pdfimages lists a transparent PNG's mask apart)."""
    import shutil
    import subprocess

    if not shutil.which("pdfimages"):
        pytest.skip("pdfimages is not installed (make test installs poppler-utils)")
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return sum(1 for line in listing.splitlines()[2:] if line.split()[2] == "image")


def test_sums_are_worked_out_once_and_again_after_each_change(
    db, programme_id, make_members, make_set
):
    first_set, second_set = make_set(), make_set()
    people = make_members(first_set, 8) + make_members(second_set, 6)
    start = open_round(db, programme_id, "start")
    respond_all(db, start, people, lambda p: 2 if p in people[:8] else 4)
    close_round(db, start)

    def set_means():
        return [
            s["rounds"][0]["means"].get("culture") for s in aggregates(db, programme_id)["sets"]
        ]

    def summed():
        return db.execute("SELECT fingerprint FROM evaluation_figures").fetchall()

    before = set_means()
    stored = summed()
    assert (set_means(), summed()) == (before, stored)  # read again: not summed again

    # A pair moves from the first set to the second: both sets' figures follow.
    moved_pair = db.execute(
        "SELECT pair_id FROM pair_members WHERE person_id = ?", [people[0]]
    ).fetchone()[0]
    db.execute("UPDATE pairs SET learning_set_id = ? WHERE id = ?", [second_set, moved_pair])
    moved = set_means()
    # Reopened within the same second, a changed answer still counts once closed again.
    open_round(db, programme_id, "start")
    respond_all(db, start, people[8:], lambda p: 5)
    close_round(db, start)

    assert before == [2.0, 4.0]
    assert moved == [2.0, 3.5]  # six 2s left; six 4s and the two moved 2s
    assert set_means() == [2.0, 4.2]  # six 5s and two 2s: 4.25
