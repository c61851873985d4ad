from datetime import datetime

import pytest

from actionlearning import scheduling


def test_meeting_in_march_after_clock_change_is_stored_an_hour_earlier_in_utc(
    db, programme_id, make_set, make_meeting
):
    set_id = make_set()

    march = make_meeting(
        datetime(2027, 3, 30, 10), datetime(2027, 3, 30, 13), set_id, title="March set"
    )
    january = make_meeting(
        datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 13), set_id, title="January set"
    )

    assert scheduling.meeting(db, march)["starts_at"] == "2027-03-30T09:00:00+00:00"
    assert scheduling.meeting(db, january)["starts_at"] == "2027-01-12T10:00:00+00:00"


def test_moving_a_meeting_keeps_uid_and_bumps_sequence(db, programme_id, make_set, make_meeting):
    set_id = make_set()
    meeting_id = make_meeting(
        datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 13), set_id, title="Set"
    )
    before = scheduling.meeting(db, meeting_id)

    scheduling.update_meeting(db, meeting_id, datetime(2027, 1, 19, 10), datetime(2027, 1, 19, 13))
    after = scheduling.meeting(db, meeting_id)

    assert (after["uid"], after["sequence"]) == (before["uid"], before["sequence"] + 1)
    assert after["starts_at"] == "2027-01-19T10:00:00+00:00"


def test_meeting_ending_before_it_starts_is_refused(db, programme_id, make_set):
    set_id = make_set()

    with pytest.raises(scheduling.SchedulingError, match="ends before it starts"):
        scheduling.create_meeting(
            db,
            programme_id,
            "set_meeting",
            "Set",
            datetime(2027, 1, 12, 13),
            datetime(2027, 1, 12, 10),
            set_id,
        )

    assert db["meetings"].count == 0


def test_set_meetings_visible_only_to_that_sets_people(
    db, programme_id, make_set, make_pair, make_person, make_meeting
):
    set_a, set_b = make_set(), make_set()
    pair_a = make_pair(learning_set_id=set_a)
    make_pair(learning_set_id=set_b)
    member_a = db.execute(
        "SELECT person_id FROM pair_members WHERE pair_id = ?", [pair_a]
    ).fetchone()[0]
    make_meeting(datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 13), set_a, title="A meets")
    make_meeting(datetime(2027, 1, 14, 10), datetime(2027, 1, 14, 13), set_b, title="B meets")
    make_meeting(datetime(2027, 1, 20, 12, 30), datetime(2027, 1, 20, 13, 30), title="Seminar")

    titles = [m["title"] for m in scheduling.meetings_for_person(db, member_a)]

    assert titles == ["A meets", "Seminar"]
