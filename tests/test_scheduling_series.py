"""Monthly series: dates from a rule, bank holidays in the preview, times across clock changes."""

from datetime import date, datetime, time

import pytest

from actionlearning import scheduling
from actionlearning.scheduling import series


def monthly(nth, weekday, first, last, start="10:00", end="13:00"):
    return {
        "frequency": "monthly",
        "nth": nth,
        "weekday": weekday,
        "interval": None,
        "first": first,
        "last": last,
        "start_time": time.fromisoformat(start),
        "end_time": time.fromisoformat(end),
    }


def starts(db, meeting_ids):
    return [scheduling.meeting(db, m)["starts_at"] for m in meeting_ids]


def test_series_second_tuesday_january_to_june_gives_six_dates():
    rule = monthly(2, 1, date(2027, 1, 1), date(2027, 6, 30))

    days = series.series_dates(rule)

    assert days == [
        date(2027, 1, 12),
        date(2027, 2, 9),
        date(2027, 3, 9),
        date(2027, 4, 13),
        date(2027, 5, 11),
        date(2027, 6, 8),
    ]


def test_series_every_six_weeks_from_the_first_date():
    rule = {**monthly(2, 1, date(2027, 1, 12), date(2027, 4, 30)), "frequency": "weekly"}
    rule["interval"] = 6

    days = series.series_dates(rule)

    assert days == [date(2027, 1, 12), date(2027, 2, 23), date(2027, 4, 6)]


def test_series_across_march_clock_change_keeps_ten_local(db, make_set):
    set_id = make_set()
    rule = monthly(-1, 1, date(2027, 1, 1), date(2027, 4, 30))  # last Tuesday
    dates = series.series_dates(rule)

    meeting_ids = series.schedule_series(db, set_id, rule, dates)

    assert starts(db, meeting_ids) == [
        "2027-01-26T10:00:00+00:00",
        "2027-02-23T10:00:00+00:00",
        "2027-03-30T09:00:00+00:00",  # British Summer Time from 28 March
        "2027-04-27T09:00:00+00:00",
    ]


def test_series_across_october_clock_change_keeps_ten_local(db, make_set):
    set_id = make_set()
    rule = monthly(-1, 1, date(2026, 9, 1), date(2026, 11, 30))
    dates = series.series_dates(rule)

    meeting_ids = series.schedule_series(db, set_id, rule, dates)

    assert starts(db, meeting_ids) == [
        "2026-09-29T09:00:00+00:00",
        "2026-10-27T10:00:00+00:00",  # GMT again from 25 October
        "2026-11-24T10:00:00+00:00",
    ]


def test_series_preview_flags_christmas_and_offers_next_working_day(db, make_set):
    set_id = make_set()
    rule = monthly(-1, 4, date(2026, 11, 1), date(2027, 1, 31))  # last Friday

    preview = series.preview_series(db, set_id, rule)

    flagged = [(r["on"], r["holiday"], r["offered"]) for r in preview if r["holiday"]]
    # 26 Dec is a Saturday and 28 Dec is Boxing Day (observed): Tuesday is the next working day
    assert flagged == [(date(2026, 12, 25), "Christmas Day", date(2026, 12, 29))]


def test_series_saves_offered_date_when_taken(db, make_set):
    set_id = make_set()
    rule = monthly(-1, 4, date(2026, 12, 1), date(2027, 1, 31))
    preview = series.preview_series(db, set_id, rule)

    dates, replaced = series.chosen_dates(preview, included={0, 1}, moved={0})
    meeting_ids = series.schedule_series(db, set_id, rule, dates)

    assert starts(db, meeting_ids) == ["2026-12-29T10:00:00+00:00", "2027-01-29T10:00:00+00:00"]


def test_series_preview_shows_clash_with_seminar(db, programme_id, make_set, make_meeting):
    set_id = make_set()
    make_meeting(
        datetime(2027, 1, 12, 12, 30),
        datetime(2027, 1, 12, 13, 30),
        title="Four models of partnering",
    )
    rule = monthly(2, 1, date(2027, 1, 1), date(2027, 2, 28))

    preview = series.preview_series(db, set_id, rule)

    assert [len(r["problems"]) for r in preview] == [1, 0]
    assert preview[0]["problems"][0].startswith("Clash: A seminar or the conference overlaps")


def test_series_outside_programme_dates_flagged_in_preview(db, make_set):
    set_id = make_set()
    rule = monthly(2, 1, date(2027, 7, 1), date(2027, 9, 30))  # programme ends 31 August

    preview = series.preview_series(db, set_id, rule)

    assert [r["problems"] for r in preview] == [
        [],
        [],
        [
            "Tuesday 14 September 2027 is outside the programme's dates "
            "(Tuesday 1 September 2026 to Tuesday 31 August 2027)."
        ],
    ]


def test_series_ending_before_it_starts_is_refused(db, make_set):
    rule = monthly(2, 1, date(2027, 6, 1), date(2027, 1, 1))

    with pytest.raises(scheduling.SchedulingError, match="ends before it starts"):
        series.series_dates(rule)


def test_series_meeting_ending_before_it_starts_is_refused(db, make_set):
    rule = monthly(2, 1, date(2027, 1, 1), date(2027, 2, 28), start="13:00", end="10:00")

    with pytest.raises(scheduling.SchedulingError, match="ends before it starts"):
        series.preview_series(db, make_set(), rule)


def test_series_meetings_move_and_cancel_one_at_a_time(db, make_set):
    set_id = make_set()
    rule = monthly(2, 1, date(2027, 1, 1), date(2027, 3, 31))
    first, second, third = series.schedule_series(db, set_id, rule, series.series_dates(rule))

    scheduling.update_meeting(db, second, venue="Room 2")
    scheduling.cancel_meeting(db, third, "Room flooded")

    rows = [scheduling.meeting(db, m) for m in (first, second, third)]
    assert [(r["venue"], r["status"], r["sequence"]) for r in rows] == [
        ("Room 1", "scheduled", 0),
        ("Room 2", "scheduled", 1),
        ("Room 1", "cancelled", 1),
    ]
    assert [m["id"] for m in scheduling.meetings_for_set(db, set_id)] == [first, second, third]
