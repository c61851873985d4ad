"""The spreadsheet import: all rows checked first, nothing imported from a bad file, and
importing the same file twice changes nothing."""

import pytest

from actionlearning.programmes import importer
from actionlearning.programmes.people import OPERATOR

HEADER = (
    "email,name,role,organisation,organisation_kind,job_title,pair,borough,priority_area,"
    "partnering_model,learning_set\n"
)
GOOD = HEADER + (
    "amira@example.org,Amira Haddad,participant,Islington PCT,nhs,Head,islington,Islington,"
    "Brokerage,voluntary,Thames set\n"
    "tom@example.org,Tom Gallagher,participant,London Borough of Islington,local_authority,AD,"
    "islington,Islington,Brokerage,voluntary,Thames set\n"
    "daniel@example.org,Daniel Whitcombe,facilitator,Learning Network,other,,,,,,Thames set\n"
)

TABLES = ("organisations", "people", "programme_members", "pairs", "pair_members", "learning_sets")


def counts(db):
    return {t: db[t].count for t in TABLES}


def test_import_adds_organisations_people_pair_and_set(db, programme_id):
    result = importer.import_people(db, GOOD, programme_id, by=OPERATOR)

    assert result == {
        "organisations": 3,
        "people": 3,
        "memberships": 3,
        "learning_sets": 1,
        "pairs": 1,
        "pair_members": 2,
    }
    pair = db.execute("SELECT name, borough, learning_set_id FROM pairs").fetchone()
    learning_set = db.execute("SELECT id, name, facilitator_id FROM learning_sets").fetchone()
    daniel = db.execute("SELECT id FROM people WHERE email = 'daniel@example.org'").fetchone()
    assert pair == ("islington", "Islington", learning_set[0])
    assert learning_set[1:] == ("Thames set", daniel[0])


def test_import_same_file_twice_changes_nothing(db, programme_id):
    importer.import_people(db, GOOD, programme_id, by=OPERATOR)
    before = counts(db)

    result = importer.import_people(db, GOOD, programme_id, by=OPERATOR)

    assert set(result.values()) == {0}
    assert counts(db) == before


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("email,name\nx@example.org,X\n", "Row 1: the file has no column role."),
        (
            GOOD.replace("amira@example.org", "amira.example.org"),
            "Row 2: 'amira.example.org' is not an e-mail address.",
        ),
        (
            GOOD + "amira@example.org,Amira Again,participant,,,,,,,,\n",
            "Row 5: amira@example.org appears twice (also row 2).",
        ),
        (
            GOOD.replace(",local_authority,", ",council,"),
            "Row 3: unknown organisation kind 'council' (use nhs, local_authority, "
            "voluntary, other).",
        ),
        (
            GOOD.replace(",voluntary,Thames", ",friendly,Thames"),
            "Row 2: partnering model 'friendly' is not one of individual, voluntary, "
            "structural, mandated.",
        ),
        (
            GOOD.replace("Amira Haddad", "Amira\x00Haddad"),
            "Row 2: remove the control characters (such as NUL).",
        ),
    ],
)
def test_import_bad_file_reports_row_and_imports_nothing(db, programme_id, text, problem):
    before = counts(db)

    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_people(db, text, programme_id, by=OPERATOR)

    assert problem in rejected.value.problems
    assert counts(db) == before


def test_import_reports_every_bad_row(db, programme_id):
    text = GOOD.replace("amira@example.org", "bad").replace(",other,", ",charity,")

    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_people(db, text, programme_id, by=OPERATOR)

    assert [p.split(":")[0] for p in rejected.value.problems] == ["Row 2", "Row 4"]


def test_import_pair_of_one_is_refused(db, programme_id):
    text = "\n".join(GOOD.splitlines()[:2]) + "\n"

    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_people(db, text, programme_id, by=OPERATOR)

    assert rejected.value.problems == [
        "Row 2: pair 'islington' would have 1 member(s); a pair has two (three when a third "
        "partner joins)."
    ]


def test_import_unknown_programme_is_refused(db, programme_id):
    text = "programme," + GOOD.replace("\n", "\nNo such programme,", 3).rstrip(",")

    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_people(db, text, by=OPERATOR)

    assert rejected.value.problems[0] == "Row 2: there is no programme called 'No such programme'."


def test_import_people_command_imports_and_reports(runner, db, programme_id, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(GOOD)

    result = runner.invoke(args=["import-people", str(path), "--programme", str(programme_id)])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Imported: 3 organisations, 3 people")
    assert db["people"].count == 3


def test_import_people_command_bad_file_fails_and_changes_nothing(
    runner, db, programme_id, tmp_path
):
    path = tmp_path / "people.csv"
    path.write_text(GOOD.replace("tom@example.org", "tom@"))

    result = runner.invoke(args=["import-people", str(path), "--programme", str(programme_id)])

    assert result.exit_code == 1
    assert "Row 3: 'tom@' is not an e-mail address." in result.output
    assert db["people"].count == 0


def test_import_template_imports_cleanly(db, programme_id):
    result = importer.import_people(db, importer.TEMPLATE_CSV, programme_id, by=OPERATOR)

    assert (result["people"], result["pairs"], result["learning_sets"]) == (3, 1, 1)
