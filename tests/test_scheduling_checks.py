"""Every date change is checked: bank holidays, past dates, outside the programme, clashes,
and times the clocks skip or repeat. Each guard warns and changes nothing, then a confirmed
"Schedule anyway" (or a chosen time) goes ahead."""

import re
from datetime import UTC, datetime

import icalendar
import pytest
import vobject

from actionlearning import programmes, scheduling
from actionlearning.scheduling import checks

from .conftest import csrf_token


@pytest.fixture
def organiser(make_person):
    return make_person(role="organiser")


@pytest.fixture
def january(db, programme_id, make_set, make_pair, make_meeting):
    """A set with two pairs and one meeting on Tue 12 Jan 2027, 10:00-13:00."""
    set_id = make_set(name="Thames set")
    for _ in range(2):
        make_pair(learning_set_id=set_id)
    meeting_id = make_meeting(
        datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 13), set_id, title="January set"
    )
    facilitator = db["learning_sets"].get(set_id)["facilitator_id"]
    return {"set": set_id, "meeting": meeting_id, "facilitator": facilitator}


def post(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def move(client, meeting_id, on, start="10:00", end="13:00", **extra):
    data = {"title": "January set", "on": on, "start_time": start, "end_time": end, **extra}
    return post(client, f"/meetings/{meeting_id}/edit", data)


def token(html):
    """The value a ticked "Schedule anyway" sends back."""
    return re.search(r'name="confirmed" value="([0-9a-f]+)"', html).group(1)


def errors_under(html, field_id):
    """The messages shown under one field (its aria-describedby target)."""
    block = re.search(rf'<div id="{field_id}-error">(.*?)</div>', html, re.S)
    return re.findall(r'<p class="error">(.*?)</p>', block.group(1)) if block else []


def test_moving_a_meeting_to_christmas_day_warns_and_changes_nothing(client, login, db, january):
    login(january["facilitator"])

    response = move(client, january["meeting"], "2026-12-25")

    html = response.get_data(as_text=True)
    assert errors_under(html, "on") == [
        "Friday 25 December 2026 is Christmas Day, a bank holiday in England and Wales."
    ]
    assert 'aria-describedby="on-error"' in html
    assert "Schedule anyway" in html
    row = scheduling.meeting(db, january["meeting"])
    assert (row["starts_at"], row["sequence"]) == ("2027-01-12T10:00:00+00:00", 0)


def test_moving_a_meeting_to_christmas_day_goes_ahead_when_confirmed(client, login, db, january):
    login(january["facilitator"])
    warned = move(client, january["meeting"], "2026-12-25").get_data(as_text=True)

    response = move(client, january["meeting"], "2026-12-25", confirmed=token(warned))

    assert response.status_code == 302
    row = scheduling.meeting(db, january["meeting"])
    assert (row["starts_at"], row["sequence"]) == ("2026-12-25T10:00:00+00:00", 1)


def test_confirmation_of_one_date_does_not_carry_to_another(client, login, db, january):
    login(january["facilitator"])
    warned = move(client, january["meeting"], "2026-12-25").get_data(as_text=True)

    response = move(client, january["meeting"], "2027-05-31", confirmed=token(warned))

    html = response.get_data(as_text=True)
    assert errors_under(html, "on") == [
        "Monday 31 May 2027 is Spring Bank Holiday, a bank holiday in England and Wales."
    ]
    assert scheduling.meeting(db, january["meeting"])["sequence"] == 0


def test_moving_a_meeting_into_the_past_warns_then_goes_ahead(client, login, db, january):
    login(january["facilitator"])

    warned = move(client, january["meeting"], "2026-09-15").get_data(as_text=True)
    unchanged = scheduling.meeting(db, january["meeting"])["starts_at"]
    move(client, january["meeting"], "2026-09-15", confirmed=token(warned))

    assert errors_under(warned, "on") == ["Tuesday 15 September 2026 is in the past."]
    assert unchanged == "2027-01-12T10:00:00+00:00"
    assert scheduling.meeting(db, january["meeting"])["starts_at"] == "2026-09-15T09:00:00+00:00"


def test_moving_a_meeting_outside_the_programme_warns_then_goes_ahead(client, login, db, january):
    login(january["facilitator"])

    warned = move(client, january["meeting"], "2027-09-14").get_data(as_text=True)
    unchanged = scheduling.meeting(db, january["meeting"])["starts_at"]
    move(client, january["meeting"], "2027-09-14", confirmed=token(warned))

    assert errors_under(warned, "on") == [
        "Tuesday 14 September 2027 is outside the programme's dates "
        "(Tuesday 1 September 2026 to Tuesday 31 August 2027).".replace("'", "&#39;")
    ]
    assert unchanged == "2027-01-12T10:00:00+00:00"
    assert scheduling.meeting(db, january["meeting"])["starts_at"] == "2027-09-14T09:00:00+00:00"


def test_moving_a_meeting_onto_the_facilitators_other_set_warns_then_goes_ahead(
    client, login, db, programme_id, january, make_set, make_meeting
):
    other_set = make_set(name="Severn set", facilitator_id=january["facilitator"])
    make_meeting(
        datetime(2027, 2, 9, 11), datetime(2027, 2, 9, 12), other_set, title="Severn February"
    )
    login(january["facilitator"])

    warned = move(client, january["meeting"], "2027-02-09").get_data(as_text=True)
    unchanged = scheduling.meeting(db, january["meeting"])["sequence"]
    move(client, january["meeting"], "2027-02-09", confirmed=token(warned))

    [clash] = errors_under(warned, "on")
    assert clash.startswith("Clash: ") and "would be in two meetings at once: Severn February" in (
        clash
    )
    assert unchanged == 0
    assert scheduling.meeting(db, january["meeting"])["starts_at"] == "2027-02-09T10:00:00+00:00"


def test_facilitator_clash_across_programmes_is_found(db, programme_id, january, make_meeting):
    other = programmes.create_programme(db, "Second cohort", "2026-09-01", "2027-08-31")
    programmes.add_member(db, other, january["facilitator"], "facilitator")
    from actionlearning.programmes.pairs import create_learning_set

    elsewhere = create_learning_set(db, other, "Avon set", january["facilitator"], "")
    make_meeting(
        datetime(2027, 1, 12, 12),
        datetime(2027, 1, 12, 14),
        elsewhere,
        title="Avon January",
        programme=other,
    )

    warnings = checks.clashes(db, scheduling.meeting(db, january["meeting"]), january["meeting"])

    assert len(warnings) == 1
    assert "would be in two meetings at once: Avon January, Second cohort" in warnings[0]


def test_editing_only_the_venue_of_a_past_meeting_needs_no_confirmation(
    client, login, db, programme_id, january, make_meeting
):
    past = make_meeting(
        datetime(2026, 10, 13, 10), datetime(2026, 10, 13, 13), january["set"], title="October set"
    )
    login(january["facilitator"])

    response = post(
        client,
        f"/meetings/{past}/edit",
        {
            "title": "October set",
            "on": "2026-10-13",
            "start_time": "10:00",
            "end_time": "13:00",
            "venue": "Room 9",
        },
    )

    assert response.status_code == 302
    assert scheduling.meeting(db, past)["venue"] == "Room 9"


def test_seminar_on_a_past_date_warns_then_is_scheduled(client, login, db, programme_id, organiser):
    login(organiser)
    path = f"/programmes/{programme_id}/seminars/new"
    data = {
        "title": "Systems leadership",
        "on": "2026-10-07",
        "start_time": "12:30",
        "end_time": "13:30",
    }

    warned = post(client, path, data).get_data(as_text=True)
    created_before = scheduling.meetings_for_programme(db, programme_id)
    post(client, path, {**data, "confirmed": token(warned)})

    assert errors_under(warned, "on") == ["Wednesday 7 October 2026 is in the past."]
    assert created_before == []
    [seminar] = scheduling.meetings_for_programme(db, programme_id)
    assert seminar["starts_at"] == "2026-10-07T11:30:00+00:00"


def test_conference_on_a_bank_holiday_warns_then_is_scheduled(
    client, login, db, programme_id, organiser
):
    login(organiser)
    path = f"/programmes/{programme_id}/conference"
    data = {
        "title": "Closing conference",
        "on": "2027-05-03",
        "start_time": "09:30",
        "end_time": "16:30",
    }

    warned = post(client, path, data).get_data(as_text=True)
    created_before = scheduling.meetings_for_programme(db, programme_id)
    post(client, path, {**data, "confirmed": token(warned)})

    assert errors_under(warned, "on") == [
        "Monday 3 May 2027 is May Day, a bank holiday in England and Wales."
    ]
    assert created_before == []
    assert len(scheduling.meetings_for_programme(db, programme_id, kinds=["conference"])) == 1


# Clock changes: a later programme, so that both nights are ahead of today.


@pytest.fixture
def later(db, organiser):
    return programmes.create_programme(
        db, "Cohort 2027", "2027-09-01", "2028-08-31", organiser_id=organiser
    )


def seminar(client, programme_id, on, start, end, **extra):
    path = f"/programmes/{programme_id}/seminars/new"
    data = {"title": "Night seminar", "on": on, "start_time": start, "end_time": end, **extra}
    return post(client, path, data)


def test_time_skipped_by_the_clocks_going_forward_is_refused(client, login, db, later, organiser):
    login(organiser)

    response = seminar(client, later, "2028-03-26", "01:30", "02:30")

    assert errors_under(response.get_data(as_text=True), "start_time") == [
        "01:30 on Sunday 26 March 2028 does not exist in Europe/London: the clocks go forward "
        "that night and skip that hour. Choose another time."
    ]
    assert scheduling.meetings_for_programme(db, later) == []


def test_time_repeated_by_the_clocks_going_back_is_refused_until_chosen(
    client, login, db, later, organiser
):
    login(organiser)

    response = seminar(client, later, "2027-10-31", "01:30", "02:30")

    html = response.get_data(as_text=True)
    assert errors_under(html, "start_time") == [
        "01:30 on Sunday 31 October 2027 happens twice in Europe/London: the clocks go back "
        "that night. Choose the first or the second."
    ]
    assert "The first 01:30 (BST, UTC+01:00)" in html
    assert "The second 01:30 (GMT, UTC+00:00)" in html
    assert scheduling.meetings_for_programme(db, later) == []


@pytest.mark.parametrize(
    ("fold", "utc"), [("0", "2027-10-31T00:30:00+00:00"), ("1", "2027-10-31T01:30:00+00:00")]
)
def test_chosen_repeated_time_is_stored_exactly(client, login, db, later, organiser, fold, utc):
    login(organiser)
    warned = seminar(client, later, "2027-10-31", "01:30", "02:30", start_fold=fold)
    html = warned.get_data(as_text=True)

    seminar(
        client,
        later,
        "2027-10-31",
        "01:30",
        "02:30",
        start_fold=fold,
        confirmed=token(html) if "Schedule anyway" in html else "",
    )

    [row] = scheduling.meetings_for_programme(db, later)
    assert (row["starts_at"], row["ends_at"]) == (utc, "2027-10-31T02:30:00+00:00")


def test_feed_carries_the_second_0130_exactly(client, login, db, later, organiser, make_meeting):
    meeting_id = make_meeting(
        datetime(2027, 10, 31, 1, 30, fold=1, tzinfo=scheduling.ZoneInfo("Europe/London")),
        datetime(2027, 10, 31, 3, 0),
        title="Night seminar",
        programme=later,
    )
    login(organiser)

    body = client.get(f"/meetings/{meeting_id}.ics").data

    exact = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert event.decoded("dtstart") == exact
    assert b"DTSTART:20271031T013000Z" in body
    parsed = vobject.readOne(body.decode())
    assert parsed.vevent.dtstart.value.astimezone(UTC) == exact


def test_meeting_ending_when_it_starts_is_refused_under_ends(client, login, db, later, organiser):
    login(organiser)

    response = seminar(client, later, "2027-11-10", "12:30", "12:30")

    assert errors_under(response.get_data(as_text=True), "end_time") == [
        "The meeting ends before it starts: it must end after it starts."
    ]
    assert scheduling.meetings_for_programme(db, later) == []


def test_naive_repeated_time_is_refused_by_the_domain(db, later):
    with pytest.raises(scheduling.SchedulingError, match="happens twice") as refused:
        scheduling.create_meeting(
            db, later, "seminar", "Night", datetime(2027, 10, 31, 1, 30), datetime(2027, 10, 31, 3)
        )

    assert refused.value.field == "start_time"


# A series over a set's existing meetings


def series_rule(**changes):
    return {
        "frequency": "monthly",
        "nth": "2",
        "weekday": "1",
        "first": "2027-01-01",
        "last": "2027-03-31",
        "start_time": "14:00",
        "end_time": "16:00",
        "overlap": "skip",
        **changes,
    }


def test_series_over_existing_meeting_skips_that_date_by_default(client, login, db, january):
    login(january["facilitator"])
    path = f"/learning-sets/{january['set']}/series"

    preview = post(client, path, {**series_rule(), "action": "preview"}).get_data(as_text=True)
    post(client, path, {**series_rule(), "action": "save", "include": ["0", "1", "2"]})

    assert "The set already meets then:" in preview
    assert "Replace the meetings already scheduled" in preview
    starts = [m["starts_at"] for m in scheduling.meetings_for_set(db, january["set"])]
    assert starts == [
        "2027-01-12T10:00:00+00:00",
        "2027-02-09T14:00:00+00:00",
        "2027-03-09T14:00:00+00:00",
    ]


def test_series_replacing_existing_meeting_cancels_it_with_a_reason(client, login, db, january):
    login(january["facilitator"])
    path = f"/learning-sets/{january['set']}/series"
    rule = series_rule(overlap="replace")

    post(client, path, {**rule, "action": "save", "include": ["0", "1", "2"]})

    old = scheduling.meeting(db, january["meeting"])
    assert (old["status"], old["sequence"]) == ("cancelled", 1)
    assert old["cancel_reason"].startswith("Replaced by the new series: 2nd Tuesday of each month")
    live = [
        m["starts_at"]
        for m in scheduling.meetings_for_set(db, january["set"])
        if m["status"] == "scheduled"
    ]
    assert live == [
        "2027-01-12T14:00:00+00:00",
        "2027-02-09T14:00:00+00:00",
        "2027-03-09T14:00:00+00:00",
    ]


def test_series_with_a_past_date_warns_then_saves_when_confirmed(client, login, db, january):
    login(january["facilitator"])
    path = f"/learning-sets/{january['set']}/series"
    rule = series_rule(first="2026-10-01", last="2026-12-31")  # 13 Oct and 10 Nov have passed
    keep = {"action": "save", "include": ["0", "1", "2"]}

    warned = post(client, path, {**rule, **keep}).get_data(as_text=True)
    saved_before = len(scheduling.meetings_for_set(db, january["set"]))
    post(client, path, {**rule, **keep, "confirmed": token(warned)})

    assert "Tue 13 Oct 2026: Tuesday 13 October 2026 is in the past." in warned
    assert saved_before == 1
    assert len(scheduling.meetings_for_set(db, january["set"])) == 4


# Programme errors under the field they are about


def test_programme_conference_date_outside_is_shown_under_conference_date(
    client, login, db, programme_id, organiser
):
    login(organiser)
    path = f"/programmes/{programme_id}"
    data = {
        "name": "Test programme",
        "starts_on": "2026-09-01",
        "ends_on": "2027-08-31",
        "time_zone": "Europe/London",
        "conference_on": "2027-10-01",
    }

    html = post(client, path, data).get_data(as_text=True)

    assert errors_under(html, "conference_on") == [
        "The conference date is outside the programme&#39;s dates."
    ]
    assert errors_under(html, "name") == []
    assert programmes.programme(db, programme_id)["conference_on"] == "2027-07-08"


def test_programme_unknown_time_zone_is_shown_under_time_zone(
    client, login, db, programme_id, organiser
):
    login(organiser)
    data = {
        "name": "Cohort 3",
        "starts_on": "2027-09-01",
        "ends_on": "2028-08-31",
        "time_zone": "Europe/Atlantis",
    }

    html = post(client, "/programmes", data).get_data(as_text=True)

    assert errors_under(html, "time_zone") == [
        "&#39;Europe/Atlantis&#39; is not a time zone this server knows (for example "
        "Europe/London)."
    ]
    assert [p["name"] for p in db.query("SELECT name FROM programmes")] == ["Test programme"]
