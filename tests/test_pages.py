"""Forms and pages people trust: grouped choices, the people page, organisations, the
programme's home, the calendar, help, favicon and badges."""

import re
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from actionlearning import auth, programmes, scheduling
from actionlearning.db import connect, migrate, write
from actionlearning.migrations import MIGRATIONS, m012_organisation_keys
from actionlearning.programmes import people

from .conftest import csrf_token


def test_visibility_choice_is_a_fieldset_with_hint_under_the_radio_buttons(
    client, login, make_person
):
    login(make_person())

    html = client.get("/journal/new").get_data(as_text=True)

    fieldset = html[
        html.index('<fieldset class="field choices"', html.index("Who can read it") - 400) :
    ]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "<legend>Who can read it</legend>" in fieldset
    assert fieldset.index('type="radio"') < fieldset.index("Only me: not even the organisers")
    assert 'aria-describedby="visibility-hint"' in fieldset


def test_pair_members_are_checkboxes_in_a_fieldset(client, login, make_person, programme_id):
    login(make_person(role="organiser"))
    make_person(name="Asha Patel")

    html = client.get(f"/programmes/{programme_id}/pairs").get_data(as_text=True)

    fieldset = html[html.index('<fieldset class="field choices"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert "<legend>Members (two, or three with a third partner)</legend>" in fieldset
    assert 'type="checkbox"' in fieldset and "Asha Patel" in fieldset
    assert fieldset.index("Asha Patel") < fieldset.index("Partners are normally from different")


# The people page: search and filters, a page per person, editing, deactivation confirmed


@pytest.fixture
def organiser(make_person):
    return make_person(role="organiser", name="Olive Organiser")


def post(client, path, data, form_path):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_path)})


def listed_names(html):
    return re.findall(r'<th scope="row"><a href="/people/\d+">([^<]+)</a>', html)


@pytest.fixture
def cohort(db, make_person, make_organisation, programme_id, organiser):
    camden = make_organisation("Camden Council", "local_authority")
    make_person(name="Asha Patel", email="asha@camden.gov.uk", organisation_id=camden)
    make_person(name="Ben Okafor", role="facilitator")
    make_person(name="Cara Invited", password=None)
    db.execute("UPDATE people SET password_hash = NULL WHERE name = 'Cara Invited'")
    elsewhere = programmes.create_programme(
        db, "Cohort 2", "2027-09-01", "2028-07-31", organiser_id=organiser
    )
    make_person(name="Dev Second", programme=elsewhere)
    return elsewhere


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"q": "camden"}, ["Asha Patel"]),
        ({"q": "asha@"}, ["Asha Patel"]),
        ({"q": "%"}, []),
        ({"role": "facilitator"}, ["Ben Okafor"]),
        ({"sign_up": "invited"}, ["Cara Invited"]),
        ({"sign_up": "signed-up", "role": "participant", "q": "a"}, ["Asha Patel", "Dev Second"]),
    ],
)
def test_people_page_search_and_filters(client, login, organiser, cohort, query, names):
    login(organiser)

    html = client.get("/people", query_string=query).get_data(as_text=True)

    assert listed_names(html) == names


def test_people_page_programme_filter(client, login, organiser, cohort):
    login(organiser)

    html = client.get("/people", query_string={"programme": cohort}).get_data(as_text=True)

    assert listed_names(html) == ["Dev Second", "Olive Organiser"]


def test_people_filters_never_show_another_programmes_person(db, organiser, make_person):
    other = programmes.create_programme(
        db,
        "Other borough",
        "2026-09-01",
        "2027-08-31",
        organiser_id=make_person("organiser", programme=None),
    )
    make_person(name="Bea Elsewhere", programme=other)

    found = people.people_listing(db, organiser, search="Bea", programme_id=other)

    assert found == []


def test_people_page_has_one_link_per_person_and_no_action_buttons(
    client, login, organiser, cohort
):
    login(organiser)

    html = client.get("/people").get_data(as_text=True)

    assert "Deactivate" not in html and "Add to programme" not in html
    assert len(listed_names(html)) == 5


def test_organiser_edits_a_persons_name_organisation_and_job_title(
    client, login, db, organiser, make_person, make_organisation
):
    person = make_person(name="Asha Patl")
    trust = make_organisation("Whittington Health NHS Trust")
    login(organiser)

    response = post(
        client,
        f"/people/{person}/edit",
        {"name": "Asha Patel", "organisation_id": trust, "job_title": "Discharge lead"},
        f"/people/{person}/edit",
    )

    assert response.status_code == 302
    row = auth.person(db, person)
    assert (row["name"], row["organisation_id"], row["job_title"]) == (
        "Asha Patel",
        trust,
        "Discharge lead",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Whittington Health NHS Trust" in page and "Discharge lead" in page


@pytest.mark.parametrize("bad", ["Asha\x00Patel", "Asha\x07"])
def test_person_edit_refuses_control_characters_and_changes_nothing(
    client, login, db, organiser, make_person, bad
):
    person = make_person(name="Asha Patel")
    login(organiser)

    response = post(
        client,
        f"/people/{person}/edit",
        {"name": bad, "organisation_id": 0, "job_title": ""},
        f"/people/{person}/edit",
    )

    assert response.status_code == 200
    assert "control characters" in response.get_data(as_text=True)
    assert auth.person(db, person)["name"] == "Asha Patel"


def test_deactivation_asks_first_and_changes_nothing_until_confirmed(
    client, login, db, organiser, make_person
):
    person = make_person(name="Asha Patel")
    login(organiser)

    asked = post(client, f"/people/{person}/deactivate", {}, f"/people/{person}")

    assert asked.status_code == 200
    assert "Deactivate Asha Patel?" in asked.get_data(as_text=True)
    assert auth.person(db, person)["is_active"] == 1

    done = post(client, f"/people/{person}/deactivate", {"confirm": "yes"}, f"/people/{person}")

    assert done.status_code == 302
    assert auth.person(db, person)["is_active"] == 0


# Links to copy


def test_feed_link_is_shown_whole_with_a_copy_button_for_the_script(client, login, make_person):
    login(make_person())

    html = client.get("/calendar").get_data(as_text=True)

    link = re.search(
        r'<textarea id="personal-link" class="copy" readonly[^>]*>([^<]+)</textarea>', html
    )
    assert link and link.group(1).startswith("http://localhost/feeds/")
    assert '<button type="button" class="secondary" data-copy="personal-link" hidden>' in html
    assert '<script src="/static/copy.js" defer></script>' in html


def test_copy_script_is_served_as_javascript(client):
    with client.get("/static/copy.js") as response:
        assert response.status_code == 200
        assert response.mimetype in ("text/javascript", "application/javascript")


# Organisations: one name, whatever the capitals and spaces


def test_organisation_differing_only_in_case_and_spacing_is_refused_naming_the_existing_one(
    client, login, db, organiser, make_organisation
):
    make_organisation("London Borough of Camden", "local_authority")
    login(organiser)

    response = post(
        client,
        "/organisations",
        {"name": "  london borough   of camden ", "kind": "local_authority"},
        "/organisations",
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "“London Borough of Camden” is already on the list" in html
    assert [o["name"] for o in programmes.organisations(db)] == ["London Borough of Camden"]


def test_near_duplicate_organisation_is_offered_then_added_only_when_asked(
    client, login, db, organiser, make_organisation
):
    make_organisation("London Borough of Camden", "local_authority")
    login(organiser)
    data = {"name": "London Borough of Camdem", "kind": "local_authority"}

    offered = post(client, "/organisations", data, "/organisations")

    html = offered.get_data(as_text=True)
    assert "Is it one of these?" in html and "<li>London Borough of Camden</li>" in html
    assert len(programmes.organisations(db)) == 1

    added = post(client, "/organisations", {**data, "add_anyway": "1"}, "/organisations")

    assert added.status_code == 302
    assert [o["name"] for o in programmes.organisations(db)] == [
        "London Borough of Camdem",
        "London Borough of Camden",
    ]


def test_unrelated_organisation_is_added_without_a_question(client, login, db, organiser):
    login(organiser)

    response = post(
        client, "/organisations", {"name": "Whittington Health", "kind": "nhs"}, "/organisations"
    )

    assert response.status_code == 302
    assert [o["name"] for o in programmes.organisations(db)] == ["Whittington Health"]


def test_import_and_demo_reuse_an_organisation_whatever_its_spacing(db, make_organisation):
    camden = make_organisation("London Borough of Camden", "local_authority")

    assert programmes.create_organisation(db, "LONDON  borough of camden", "nhs") == camden


def test_unique_key_holds_even_past_the_domain(db, make_organisation):
    make_organisation("London Borough of Camden", "local_authority")

    with pytest.raises(sqlite3.IntegrityError):
        db["organisations"].insert(
            {"name": "x", "kind": "nhs", "name_key": "london borough of camden"}
        )


def test_organisation_key_migration_keeps_old_duplicates_and_keys_the_oldest(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    before = MIGRATIONS.index(m012_organisation_keys)
    for number, migration in enumerate(MIGRATIONS[:before], start=1):
        with write(db):
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    for name in ("London Borough of Camden", "london borough of camden", "Whittington Health"):
        db["organisations"].insert({"name": name, "kind": "nhs"})

    migrate(db)

    keys = db.execute("SELECT name, name_key FROM organisations ORDER BY id").fetchall()
    assert keys == [
        ("London Borough of Camden", "london borough of camden"),
        ("london borough of camden", None),
        ("Whittington Health", "whittington health"),
    ]
    with pytest.raises(programmes.ProgrammeError, match="“London Borough of Camden”"):
        programmes.add_organisation(db, "LONDON BOROUGH OF CAMDEN", "local_authority")
    db.conn.close()


# Favicon and badges


def test_favicon_answers_at_the_root_and_is_linked_from_every_page(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200

    html = client.get("/login").get_data(as_text=True)

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_meeting_status_badges_differ_in_colour_and_words(
    client, login, db, organiser, programme_id, make_meeting
):
    kept = make_meeting(datetime(2027, 1, 12, 12), datetime(2027, 1, 12, 13), title="Kept")
    dropped = make_meeting(datetime(2027, 2, 9, 12), datetime(2027, 2, 9, 13), title="Dropped")
    scheduling.cancel_meeting(db, dropped, "Speaker ill")
    login(organiser)

    html = client.get(f"/programmes/{programme_id}/meetings").get_data(as_text=True)

    assert '<span class="badge status-scheduled">Scheduled</span>' in html
    assert '<span class="badge status-cancelled">Cancelled</span> Speaker ill' in html
    assert kept
    css = client.get("/static/style.css")
    colours = {
        name: re.search(rf"\.status-{name}[^{{]*\{{([^}}]*)\}}", css.get_data(as_text=True)).group(
            1
        )
        for name in (
            "scheduled",
            "cancelled",
            "draft",
            "submitted",
            "approved",
            "attended",
            "apologies",
            "absent",
        )
    }
    css.close()
    assert len({colours[n] for n in ("scheduled", "cancelled")}) == 2
    assert len({colours[n] for n in ("draft", "submitted", "approved")}) == 3
    assert len({colours[n] for n in ("attended", "apologies", "absent")}) == 3


# The programme's home


@pytest.fixture
def running_set(db, programme_id, make_set, make_pair, make_person, make_meeting):
    """A set of one pair with two meetings held (January, February) and one ahead (March)."""
    facilitator = make_person(role="facilitator", name="Fay Facilitator")
    learning_set = make_set(name="Set Camden", facilitator_id=facilitator)
    pair = make_pair(learning_set_id=learning_set, borough="Camden")
    members = sorted(
        r[0] for r in db.execute("SELECT person_id FROM pair_members WHERE pair_id = ?", [pair])
    )
    meetings = [
        make_meeting(
            datetime(2027, month, 12, 10),
            datetime(2027, month, 12, 13),
            title=f"Set Camden {month}",
            learning_set_id=learning_set,
        )
        for month in (1, 2, 3)
    ]
    at = "2027-03-01T00:00:00+00:00"
    scheduling.records.record_attendance(
        db, meetings[0], {members[0]: "attended", members[1]: "attended"}, at=at
    )
    scheduling.records.record_attendance(
        db, meetings[1], {members[0]: "attended", members[1]: "apologies"}, at=at
    )
    scheduling.records.add_action_point(db, meetings[0], members[0], "Ring the ward manager")
    return {"set": learning_set, "meetings": meetings, "members": members, "at": at}


def test_programme_dashboard_counts_attendance_across_held_meetings(db, programme_id, running_set):
    dashboard = scheduling.dashboard.programme_dashboard(db, programme_id, at=running_set["at"])

    (summary,) = dashboard["learning_sets"]
    assert (summary["meetings_held"], summary["attended"], summary["expected"]) == (2, 3, 4)
    assert (summary["attendance_rate"], summary["apologies"]) == (75, 1)
    assert [a["text"] for a in summary["overdue"]] == ["Ring the ward manager"]
    assert [m["id"] for m in dashboard["ahead"]] == running_set["meetings"][2:]
    assert summary["learning_set"]["facilitator_name"] == "Fay Facilitator"


def test_programme_home_shows_each_part_with_links_to_act(
    client, login, db, organiser, programme_id, running_set, make_person
):
    make_person(name="Ivy Invited", password=None)
    db.execute("UPDATE people SET password_hash = NULL WHERE name = 'Ivy Invited'")
    login(organiser)

    html = client.get(f"/programmes/{programme_id}").get_data(as_text=True)

    for heading in (
        "Coming up",
        "Attendance across sets",
        "Overdue action points",
        "Case studies",
        "Invited, not signed up yet",
        "Programme details",
    ):
        assert heading in html
    assert re.search(r'<a href="/people/\d+">Ivy Invited</a>', html)
    assert '<span class="badge status-none">Not started</span>' in html
    assert f'href="/learning-sets/{running_set["set"]}/meetings">Set Camden</a>' in html


def test_programme_home_is_the_organisers_only(client, login, programme_id, make_person, db):
    other = programmes.create_programme(
        db,
        "Other borough",
        "2026-09-01",
        "2027-08-31",
        organiser_id=make_person("organiser", programme=None),
    )
    login(make_person(role="organiser"))

    assert client.get(f"/programmes/{other}").status_code == 403


# The month page


def month_titles(html):
    return re.findall(r'<a href="/meetings/\d+">([^<]+)</a>', html.split('class="month"', 1)[1])


def test_month_page_shows_each_role_only_the_meetings_they_may_see(
    client, login, db, programme_id, make_set, make_pair, make_person, organiser, make_meeting
):
    own_set, other_set = make_set(name="Set A"), make_set(name="Set B")
    pair = make_pair(learning_set_id=own_set)
    make_pair(learning_set_id=other_set)
    member = db.execute("SELECT person_id FROM pair_members WHERE pair_id = ?", [pair]).fetchone()[
        0
    ]
    for title, kind, day, learning_set in (
        ("A meets", "set_meeting", 12, own_set),
        ("B meets", "set_meeting", 13, other_set),
        ("Seminar on data", "seminar", 20, None),
    ):
        make_meeting(
            datetime(2027, 1, day, 10),
            datetime(2027, 1, day, 12),
            title=title,
            kind=kind,
            learning_set_id=learning_set,
        )
    facilitator_b = db.execute(
        "SELECT facilitator_id FROM learning_sets WHERE id = ?", [other_set]
    ).fetchone()[0]
    seen = {}
    for role, person in (
        ("participant", member),
        ("facilitator", facilitator_b),
        ("organiser", organiser),
    ):
        login(person)
        html = client.get(f"/programmes/{programme_id}/calendar?month=2027-01").get_data(
            as_text=True
        )
        seen[role] = month_titles(html)

    assert seen == {
        "participant": ["A meets", "Seminar on data"],
        "facilitator": ["B meets", "Seminar on data"],
        "organiser": ["A meets", "B meets", "Seminar on data"],
    }


def test_month_page_lays_out_weeks_from_monday_with_links_either_side(
    client, login, programme_id, organiser
):
    login(organiser)

    html = client.get(f"/programmes/{programme_id}/calendar?month=2027-01").get_data(as_text=True)

    assert "<h1>Test programme: January 2027</h1>" in html
    assert f'href="/programmes/{programme_id}/calendar?month=2026-12" rel="prev"' in html
    assert f'href="/programmes/{programme_id}/calendar?month=2027-02" rel="next"' in html
    days = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">', html)
    assert (days[0], days[-1], len(days)) == ("2026-12-28", "2027-01-31", 35)
    assert "<script" not in html.split("<main", 1)[1]


def test_month_page_is_404_outside_the_programme(client, login, db, programme_id, make_person):
    login(make_person(programme=None))

    assert client.get(f"/programmes/{programme_id}/calendar").status_code == 404


def test_month_near_the_clock_change_puts_a_meeting_on_its_local_day(
    db, programme_id, organiser, make_meeting
):
    # 00:30 on 1 April in London is 23:30 on 31 March in UTC: it belongs to April.
    make_meeting(datetime(2027, 4, 1, 0, 30), datetime(2027, 4, 1, 1, 0), title="Early")

    march = scheduling.month.meetings_in_month(db, organiser, programme_id, date(2027, 3, 1))
    april = scheduling.month.month_grid(db, organiser, programme_id, date(2027, 4, 1))

    assert march == []
    (day,) = [d for week in april["weeks"] for d in week if d["meetings"]]
    assert day["date"] == date(2027, 4, 1)


# Help


@pytest.mark.parametrize("role", ["participant", "facilitator", "organiser"])
def test_help_sends_each_role_to_its_own_page_linked_from_the_header(
    client, login, make_person, role
):
    login(make_person(role=role))

    home = client.get("/").get_data(as_text=True)
    response = client.get("/help")
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert '<a href="/help">Help</a>' in home
    assert response.headers["Location"] == f"/help/{role}"
    assert f"<h1>Help for {role}s</h1>" in page
    assert (
        "<strong>Only me</strong> (the default): no one else, <em>not even the organisers</em>"
        in page
    )
    for app_name in ("Outlook", "Google Calendar", "Apple Calendar", "Thunderbird"):
        assert f"<dt>{app_name}</dt>" in page


def test_facilitator_help_says_what_they_never_see(client):
    page = client.get("/help/facilitator").get_data(as_text=True)

    never = page[page.index("What you never see") :]
    assert "<strong>Only me</strong>" in never[: never.index("</ul>")]


def test_participant_help_links_their_sets_ground_rules(client, login, db, make_set, make_pair):
    learning_set = make_set(name="Set Camden")
    pair = make_pair(learning_set_id=learning_set)
    member = db.execute("SELECT person_id FROM pair_members WHERE pair_id = ?", [pair]).fetchone()[
        0
    ]
    login(member)

    page = client.get("/help/participant").get_data(as_text=True)

    assert "what is said in the set stays in the set" in page
    assert f'<a href="/learning-sets/{learning_set}/ground-rules">Set Camden</a>' in page


def test_help_for_an_unknown_role_is_404(client):
    assert client.get("/help/superuser").status_code == 404


def test_readme_says_private_entries_are_the_authors_alone():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")

    assert "(the default; only the author,\n  organisers included)" not in readme
    assert "only the author\n  reads it, not even the organisers" in readme


# The demo: today's NHS bodies in the seed programme's boroughs


def test_demo_uses_todays_nhs_bodies_and_keeps_the_boroughs():
    from actionlearning import demo_data

    names = [o["name"] for o in demo_data.ORGANISATIONS]
    text = repr(demo_data.__dict__)
    assert not [n for n in names if "Primary Care Trust" in n or "PCT" in n]
    assert "the PCT" not in text and "The PCT" not in text
    assert "NHS North Central London Integrated Care Board" in names
    assert "Whittington Health NHS Trust" in names
    assert {p["borough"] for p in demo_data.PAIRS} == {
        "Camden",
        "Greenwich",
        "Haringey",
        "Islington",
        "Lewisham",
        "Newham",
        "Southwark",
        "Tower Hamlets",
    }
    members = {m["organisation"] for p in demo_data.PAIRS for m in p["members"]}
    assert members <= set(names)


def test_help_names_other_roles_pages_without_linking_them(client, login, make_person):
    login(make_person())

    page = client.get("/help/organiser").get_data(as_text=True)

    assert "<em>people</em>" in page and 'href="/people"' not in page
