"""The set-up pages and each role's home page, through the real forms."""

from datetime import datetime

import pytest

from actionlearning import auth, programmes, scheduling
from actionlearning.programmes import people
from actionlearning.programmes.pairs import create_pair, learning_set_warnings
from actionlearning.scheduling import records

from .conftest import csrf_token


@pytest.fixture
def organiser(make_person):
    return make_person(role="organiser")


@pytest.fixture
def running_set(db, programme_id, make_set, make_pair, make_meeting):
    """A set with two pairs and a past and a future meeting."""
    set_id = make_set(name="Thames set")
    for _ in range(2):
        make_pair(learning_set_id=set_id)
    past, future = (
        make_meeting(start, start.replace(hour=13), set_id, title=title)
        for title, start in (
            ("October set", datetime(2026, 10, 13, 10)),
            ("January set", datetime(2027, 1, 12, 10)),
        )
    )
    learning_set = db["learning_sets"].get(set_id)
    return {
        "id": set_id,
        "facilitator": learning_set["facilitator_id"],
        "members": scheduling.set_member_ids(db, set_id),
        "past": past,
        "future": future,
    }


def post(client, path, data, form_path=None):
    token = csrf_token(client, form_path or path)
    return client.post(path, data={**data, "csrf_token": token})


@pytest.mark.parametrize(
    "path",
    ["/programmes", "/organisations", "/programmes/{p}/pairs", "/programmes/{p}/import"],
)
def test_setup_pages_forbidden_to_participant(client, login, make_person, programme_id, path):
    login(make_person())

    response = client.get(path.format(p=programme_id))

    assert response.status_code == 403


def test_programme_pages_forbidden_to_organiser_of_another_programme(
    client, login, db, organiser, programme_id
):
    other = programmes.create_programme(db, "Other", "2026-09-01", "2027-08-31")
    login(organiser)

    response = client.get(f"/programmes/{other}/sets")

    assert response.status_code == 403


def test_create_programme_with_unknown_time_zone_changes_nothing(client, login, db, organiser):
    login(organiser)
    before = db["programmes"].count

    response = post(
        client,
        "/programmes",
        {
            "name": "New",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "time_zone": "Mars/Base",
        },
    )

    assert response.status_code == 200
    assert "is not a time zone this server knows" in response.get_data(as_text=True)
    assert db["programmes"].count == before


def test_create_programme_makes_creator_its_organiser(client, login, db, organiser):
    login(organiser)

    response = post(
        client,
        "/programmes",
        {
            "name": "Cohort 2",
            "starts_on": "2027-09-01",
            "ends_on": "2028-07-31",
            "time_zone": "Europe/London",
        },
    )

    new_id = db.execute("SELECT id FROM programmes WHERE name = 'Cohort 2'").fetchone()[0]
    assert response.headers["Location"] == f"/programmes/{new_id}"
    assert programmes.role_in_programme(db, organiser, new_id) == "organiser"


def test_pair_from_one_organisation_is_added_with_a_warning(
    client, login, db, organiser, programme_id, make_person, make_organisation
):
    organisation = make_organisation(kind="nhs")
    a, b = (make_person(organisation_id=organisation) for _ in range(2))
    login(organiser)

    response = post(
        client,
        f"/programmes/{programme_id}/pairs",
        {
            "member_ids": [a, b],
            "priority_area": "Stroke",
            "partnering_model": "individual",
            "learning_set_id": 0,
        },
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "Two partners work for the same organisation." in page
    assert db["pairs"].count == 1


def test_pair_member_outside_programme_is_refused(db, programme_id, make_person):
    outsider = make_person(programme=None)

    with pytest.raises(programmes.ProgrammeError, match="must be in the programme"):
        create_pair(db, programme_id, [make_person(), outsider], "Stroke")

    assert db["pairs"].count == 0


def test_set_outside_four_to_eight_members_is_warned(db, make_set, make_pair):
    set_id = make_set()
    make_pair(learning_set_id=set_id)

    warnings = learning_set_warnings(db, set_id)

    assert warnings == ["The set has 2 members; a set works best with 4 to 8."]


def test_participant_home_is_my_schedule(client, login, running_set, db):
    member = running_set["members"][0]
    records.add_action_point(db, running_set["past"], member, "Ring the ward manager")
    login(member)

    page = client.get("/").get_data(as_text=True)

    assert "<h1>My schedule</h1>" in page
    assert "January set" in page and "October set" not in page  # upcoming only
    assert "Ring the ward manager" in page
    assert "Send apologies" in page


def test_participant_sends_apologies_from_my_schedule(client, login, running_set, db):
    member = running_set["members"][0]
    login(member)

    post(client, f"/meetings/{running_set['future']}/apologies", {}, form_path="/")

    row = db["attendance"].get((running_set["future"], member))
    assert row["status"] == "apologies"


def test_facilitator_home_shows_attendance_and_never_journal_text(
    client, login, running_set, db, programme_id
):
    member = running_set["members"][0]
    records.record_attendance(db, running_set["past"], {member: "attended"})
    db["journal_entries"].insert(
        {
            "author_id": member,
            "programme_id": programme_id,
            "title": "Secret reflection",
            "body": "Secret body",
            "visibility": "set",
            "created_at": "2026-10-14T00:00:00+00:00",
            "updated_at": "2026-10-14T00:00:00+00:00",
        }
    )
    login(running_set["facilitator"])

    page = client.get("/").get_data(as_text=True)

    assert "<h1>My sets</h1>" in page
    assert "1 of 1 (100%)" in page
    assert "Secret" not in page


def test_organiser_home_is_programme_overview(client, login, organiser):
    login(organiser)

    page = client.get("/").get_data(as_text=True)

    assert "<h1>Programme overview</h1>" in page
    assert "Test programme" in page


def test_meeting_page_hidden_from_someone_outside_the_set(client, login, running_set, make_person):
    login(make_person())

    response = client.get(f"/meetings/{running_set['past']}")

    assert response.status_code == 404


def test_member_must_agree_ground_rules_on_meeting_page(client, login, running_set, db):
    member = running_set["members"][0]
    login(member)
    path = f"/meetings/{running_set['future']}"

    before = client.get(path).get_data(as_text=True)
    post(
        client,
        f"/learning-sets/{running_set['id']}/ground-rules",
        {"meeting_id": running_set["future"]},
        path,
    )
    after = client.get(path).get_data(as_text=True)

    assert "I agree to these ground rules" in before
    assert "I agree to these ground rules" not in after
    assert "What is said here stays here." in after


def test_facilitator_records_attendance_and_action_point(client, login, running_set, db):
    a, b = running_set["members"][:2]
    login(running_set["facilitator"])
    path = f"/meetings/{running_set['past']}"

    post(client, f"{path}/attendance", {f"status-{a}": "attended", f"status-{b}": "absent"}, path)
    post(client, f"{path}/action-points", {"owner_id": a, "text": "Draft the pathway"}, path)

    statuses = {
        r["person_id"]: r["status"] for r in records.attendance_for_meeting(db, running_set["past"])
    }
    assert (statuses[a], statuses[b]) == ("attended", "absent")
    assert [p["text"] for p in records.action_points_made_at(db, running_set["past"])] == [
        "Draft the pathway"
    ]


def test_participant_cannot_record_attendance(client, login, running_set, db):
    a = running_set["members"][0]
    login(a)
    path = f"/meetings/{running_set['past']}"

    response = post(client, f"{path}/attendance", {f"status-{a}": "attended"}, path)

    assert response.status_code == 403
    assert db["attendance"].count == 0


def test_facilitator_previews_and_saves_series(client, login, running_set, db):
    login(running_set["facilitator"])
    path = f"/learning-sets/{running_set['id']}/series"
    rule = {
        "frequency": "monthly",
        "nth": "-1",
        "weekday": "4",
        "first": "2026-12-01",
        "last": "2027-02-28",
        "start_time": "10:00",
        "end_time": "13:00",
    }

    preview = post(client, path, {**rule, "action": "preview"}).get_data(as_text=True)
    saved = post(
        client, path, {**rule, "action": "save", "include": ["0", "1", "2"], "move": ["0"]}
    )

    assert "Bank holiday: Christmas Day." in preview
    assert "The set already meets then:" in preview
    assert saved.status_code == 302
    starts = [m["starts_at"] for m in scheduling.meetings_for_set(db, running_set["id"])]
    assert starts == [  # January already has its meeting: that date is skipped
        "2026-10-13T09:00:00+00:00",
        "2026-12-29T10:00:00+00:00",
        "2027-01-12T10:00:00+00:00",
        "2027-02-26T10:00:00+00:00",
    ]


def test_cancelled_meeting_stays_listed_as_cancelled(client, login, running_set, db):
    login(running_set["facilitator"])
    path = f"/meetings/{running_set['future']}"

    post(client, f"{path}/cancel", {"reason": "Snow"}, path)
    page = client.get(f"/learning-sets/{running_set['id']}/meetings").get_data(as_text=True)

    assert '<span class="badge status-cancelled">Cancelled</span> Snow' in page
    assert scheduling.meeting(db, running_set["future"])["sequence"] == 1


def test_move_meeting_outside_programme_is_refused(client, login, running_set, db):
    login(running_set["facilitator"])
    path = f"/meetings/{running_set['future']}/edit"

    response = post(
        client,
        path,
        {"title": "January set", "on": "2027-09-14", "start_time": "10:00", "end_time": "13:00"},
    )

    assert "outside the programme&#39;s dates" in response.get_data(as_text=True)
    assert scheduling.meeting(db, running_set["future"])["sequence"] == 0


def test_organiser_adds_seminar_with_lunchtime_default(client, login, db, organiser, programme_id):
    login(organiser)
    path = f"/programmes/{programme_id}/seminars/new"

    form = client.get(path).get_data(as_text=True)
    post(
        client,
        path,
        {
            "title": "Four models of partnering",
            "on": "2027-01-20",
            "start_time": "12:30",
            "end_time": "13:30",
            "speaker": "Prof Adjei",
        },
    )

    assert 'value="12:30"' in form
    seminar = scheduling.meetings_for_programme(db, programme_id, kinds=["seminar"])[0]
    assert (seminar["starts_at"], seminar["speaker"]) == ("2027-01-20T12:30:00+00:00", "Prof Adjei")


def test_upload_page_rejects_bad_file_with_row_numbers(client, login, db, organiser, programme_id):
    import io

    login(organiser)
    path = f"/programmes/{programme_id}/import"
    data = {
        "csrf_token": csrf_token(client, path),
        "file": (io.BytesIO(b"email,name,role\nbad,X,participant\n"), "people.csv"),
    }

    page = client.post(path, data=data, content_type="multipart/form-data").get_data(as_text=True)

    assert "Nothing was imported" in page
    assert "Row 2: &#39;bad&#39; is not an e-mail address." in page


def test_template_csv_download(client, login, organiser):
    login(organiser)

    response = client.get("/import-template.csv")

    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("email,name,role,organisation")


def test_organiser_edits_programme_details(client, login, db, organiser, programme_id):
    login(organiser)
    path = f"/programmes/{programme_id}"

    form = client.get(path).get_data(as_text=True)
    post(
        client,
        path,
        {
            "name": "Renamed",
            "starts_on": "2026-09-01",
            "ends_on": "2027-08-31",
            "time_zone": "Europe/London",
            "conference_on": "2027-07-08",
        },
    )

    assert 'value="2026-09-01"' in form
    assert programmes.programme(db, programme_id)["name"] == "Renamed"


def test_programme_ending_before_it_starts_changes_nothing(db, programme_id):
    with pytest.raises(programmes.ProgrammeError, match="ends before it starts"):
        programmes.update_programme(db, programme_id, "Backwards", "2027-08-31", "2026-09-01")

    assert programmes.programme(db, programme_id)["name"] == "Test programme"


def test_organiser_adds_existing_person_to_programme(client, login, db, organiser, make_person):
    other = programmes.create_programme(
        db, "Cohort 2", "2027-09-01", "2028-07-31", organiser_id=organiser
    )
    person = make_person()
    login(organiser)

    post(
        client,
        f"/people/{person}/programmes",
        {"programme_id": other, "role": "facilitator"},
        "/people",
    )

    assert programmes.role_in_programme(db, person, other) == "facilitator"


# People page: an organiser sees and acts on their own programmes' people only


@pytest.fixture
def other_programmes_person(db, make_person):
    """A participant only in another programme (another borough, another organiser)."""
    other = programmes.create_programme(
        db,
        "Other borough",
        "2026-09-01",
        "2027-08-31",
        organiser_id=make_person("organiser", programme=None),
    )
    return make_person(name="Bea Elsewhere", email="bea@other.example.org", programme=other)


def person_state(db, person_id):
    """Everything the people page's actions could change about one person."""
    return [
        db.execute(f"SELECT * FROM {table} WHERE {column} = ?", [person_id]).fetchall()
        for table, column in (
            ("people", "id"),
            ("programme_members", "person_id"),
            ("account_links", "person_id"),
        )
    ]


def test_people_page_hides_people_only_in_another_programme(
    client, login, organiser, other_programmes_person, make_person
):
    make_person(name="Owen Own", email="owen@example.org")
    make_person(name="Una Unplaced", email="una@example.org", programme=None)
    login(organiser)

    page = client.get("/people").get_data(as_text=True)

    assert "Bea Elsewhere" not in page
    assert "bea@other.example.org" not in page
    assert ("Owen Own" in page, "owen@example.org" in page) == (True, True)
    assert ("Una Unplaced" in page, "una@example.org" in page) == (True, True)


def test_people_listing_is_own_programmes_people_and_unplaced_accounts(
    db, organiser, other_programmes_person, make_person
):
    own, unplaced = make_person(), make_person(programme=None)

    ids = {p["id"] for p in people.people_listing(db, organiser)}

    assert ids == {organiser, own, unplaced}


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("programmes", {"role": "participant"}),
        ("deactivate", {"confirm": "yes"}),
        ("activate", {}),
        ("edit", {"name": "Renamed", "organisation_id": 0, "job_title": ""}),
        ("reset-link", {}),
    ],
)
def test_people_action_on_another_programmes_person_is_404_and_changes_nothing(
    client, login, db, organiser, programme_id, other_programmes_person, action, data
):
    person = other_programmes_person
    if action == "activate":
        auth.set_active(db, person, False)
    login(organiser)
    before = person_state(db, person)

    response = post(
        client, f"/people/{person}/{action}", {**data, "programme_id": programme_id}, "/people"
    )

    assert response.status_code == 404
    assert person_state(db, person) == before


def test_organiser_deactivates_own_participant(client, login, db, organiser, make_person):
    person = make_person()
    login(organiser)

    response = post(client, f"/people/{person}/deactivate", {"confirm": "yes"}, "/people")

    assert response.status_code == 302
    assert auth.person(db, person)["is_active"] == 0


def test_organiser_cannot_deactivate_an_organiser_they_do_not_work_with(
    client, login, db, organiser, make_person
):
    unplaced = make_person(role="organiser", programme=None)
    login(organiser)

    response = post(client, f"/people/{unplaced}/deactivate", {"confirm": "yes"}, "/people")

    assert response.status_code == 403
    assert "organises a programme with them" in response.get_data(as_text=True)
    assert auth.person(db, unplaced)["is_active"] == 1


def test_organiser_deactivates_a_fellow_organiser_of_their_programme(
    client, login, db, organiser, make_person
):
    colleague = make_person(role="organiser")
    login(organiser)

    response = post(client, f"/people/{colleague}/deactivate", {"confirm": "yes"}, "/people")

    assert response.status_code == 302
    assert auth.person(db, colleague)["is_active"] == 0


def test_organiser_places_an_unplaced_account_in_own_programme(
    client, login, db, organiser, programme_id, make_person
):
    person = make_person(programme=None)
    login(organiser)

    response = post(
        client,
        f"/people/{person}/programmes",
        {"programme_id": programme_id, "role": "participant"},
        "/people",
    )

    assert response.status_code == 302
    assert programmes.role_in_programme(db, person, programme_id) == "participant"


def test_invite_into_another_programme_is_refused(
    client, login, db, organiser, other_programmes_person
):
    other = db.execute(
        "SELECT programme_id FROM programme_members WHERE person_id = ?", [other_programmes_person]
    ).fetchone()[0]
    login(organiser)
    people_before = db["people"].count

    response = post(
        client,
        "/people",
        {
            "name": "Mallory",
            "email": "mallory@example.org",
            "organisation_id": 0,
            "role": "participant",
            "programme_id": other,
        },
    )

    assert response.status_code == 200
    assert db["people"].count == people_before
