"""At the meeting: attendance, presenters, action points and their review, ground rules,
clashes, and the facilitator's dashboard."""

from datetime import datetime

import pytest

from actionlearning import scheduling
from actionlearning.scheduling import checks, dashboard, records

LATER = "2027-12-31T00:00:00+00:00"  # 'now' for recording attendance after every meeting
EARLY = "2026-09-02T00:00:00+00:00"  # 'now' before every meeting


@pytest.fixture
def learning_set(db, make_set, make_pair, make_meeting):
    """A set of two pairs with three monthly meetings; returns (set id, members, meetings)."""
    set_id = make_set()
    pairs = [make_pair(learning_set_id=set_id) for _ in range(2)]
    members = scheduling.set_member_ids(db, set_id)
    meetings = [
        make_meeting(
            datetime(2027, month, 12, 10),
            datetime(2027, month, 12, 13),
            set_id,
            title="Set meeting",
        )
        for month in (1, 2, 3)
    ]
    return {"id": set_id, "members": members, "meetings": meetings, "pairs": pairs}


def test_carried_forward_action_point_appears_at_the_next_meeting(db, learning_set):
    first, second, third = learning_set["meetings"]
    owner = learning_set["members"][0]
    carried = records.add_action_point(db, first, owner, "Map the stroke pathway")
    done = records.add_action_point(db, first, owner, "Meet the chief executive")

    records.review_action_point(db, carried, "carried_forward", second)
    records.review_action_point(db, done, "done", second)

    due_second = [a["text"] for a in records.action_points_to_review(db, second)]
    due_third = [a["text"] for a in records.action_points_to_review(db, third)]
    assert due_second == ["Map the stroke pathway", "Meet the chief executive"]
    assert due_third == ["Map the stroke pathway"]


def test_dropped_action_point_does_not_come_back(db, learning_set):
    first, second, third = learning_set["meetings"]
    point = records.add_action_point(db, first, learning_set["members"][1], "Separate survey")

    records.review_action_point(db, point, "dropped", second)

    assert records.action_points_to_review(db, third) == []


def test_action_point_owner_outside_set_is_refused(db, learning_set, make_person):
    outsider = make_person()

    with pytest.raises(scheduling.SchedulingError, match="member of this set"):
        records.add_action_point(db, learning_set["meetings"][0], outsider, "Anything")

    assert records.action_points_made_at(db, learning_set["meetings"][0]) == []


def test_my_open_action_points_leave_out_done_ones(db, learning_set):
    first, second, _ = learning_set["meetings"]
    owner = learning_set["members"][0]
    records.add_action_point(db, first, owner, "Still to do")
    done = records.add_action_point(db, first, owner, "Finished")
    records.review_action_point(db, done, "done", second)

    texts = [a["text"] for a in records.open_action_points_for(db, owner)]

    assert texts == ["Still to do"]


def test_attendance_recorded_per_member(db, learning_set):
    meeting_id = learning_set["meetings"][0]
    a, b, c, d = learning_set["members"]

    records.record_attendance(
        db, meeting_id, {a: "attended", b: "apologies", c: "absent"}, at=LATER
    )

    statuses = {r["person_id"]: r["status"] for r in records.attendance_for_meeting(db, meeting_id)}
    assert statuses == {a: "attended", b: "apologies", c: "absent", d: ""}


def test_attended_cannot_be_recorded_before_the_meeting(db, learning_set):
    meeting_id = learning_set["meetings"][0]

    with pytest.raises(scheduling.SchedulingError, match="once the meeting starts"):
        records.record_attendance(db, meeting_id, {learning_set["members"][0]: "attended"}, EARLY)


def test_apologies_before_the_meeting_are_recorded(db, learning_set):
    meeting_id = learning_set["meetings"][0]
    member = learning_set["members"][0]

    records.send_apologies(db, meeting_id, member, at=EARLY)

    mine = [
        r["status"]
        for r in records.attendance_for_meeting(db, meeting_id)
        if r["person_id"] == member
    ]
    assert mine == ["apologies"]


def test_apologies_after_the_start_are_refused(db, learning_set):
    with pytest.raises(scheduling.SchedulingError, match="before the meeting starts"):
        records.send_apologies(db, learning_set["meetings"][0], learning_set["members"][0], LATER)


def test_presenter_must_be_in_the_set(db, learning_set, make_person):
    with pytest.raises(scheduling.SchedulingError, match="member of this set"):
        records.add_presenter_slot(db, learning_set["meetings"][0], make_person(), 30)


def test_ground_rules_agreed_once_per_member(db, learning_set):
    member = learning_set["members"][0]

    records.acknowledge_ground_rules(db, learning_set["id"], member)
    records.acknowledge_ground_rules(db, learning_set["id"], member)

    agreed = [
        r["person_id"]
        for r in records.ground_rule_acknowledgements(db, learning_set["id"])
        if r["acknowledged_at"]
    ]
    assert agreed == [member]
    assert [s["id"] for s in records.unacknowledged_sets_for(db, member)] == []


def test_facilitator_dashboard_counts_attendance_turns_and_overdue(db, learning_set):
    first, second, third = learning_set["meetings"]
    a, b, c, d = learning_set["members"]
    facilitator = db["learning_sets"].get(learning_set["id"])["facilitator_id"]
    records.record_attendance(db, first, {a: "attended", b: "attended", c: "apologies"}, LATER)
    records.record_attendance(db, second, {a: "attended", b: "absent"}, LATER)
    records.add_presenter_slot(db, first, a, 30)
    records.add_presenter_slot(db, second, a, 20)
    records.add_action_point(db, first, b, "Never reviewed")

    summary = dashboard.facilitator_dashboard(db, facilitator, at="2027-02-20T00:00:00+00:00")[0]

    rows = {m["person_id"]: m for m in summary["members"]}
    assert (rows[a]["attended"], rows[a]["attendance_rate"], rows[a]["presenter_turns"]) == (
        2,
        100,
        2,
    )
    assert (rows[b]["attendance_rate"], rows[c]["apologies"], rows[d]["presenter_turns"]) == (
        50,
        1,
        0,
    )
    assert [p["text"] for p in summary["overdue"]] == ["Never reviewed"]
    assert summary["next_meeting"]["id"] == third


def test_seminar_on_top_of_set_meeting_is_a_clash(db, programme_id, learning_set, make_meeting):
    seminar = make_meeting(
        datetime(2027, 1, 12, 12, 30),
        datetime(2027, 1, 12, 13, 30),
        title="Partnership working: the facts",
    )

    warnings = checks.clashes(db, scheduling.meeting(db, seminar), exclude_meeting_id=seminar)

    assert warnings == [
        "A seminar or the conference overlaps a set meeting: Set meeting (Tue 12 Jan 2027 10:00)."
    ]


def test_person_in_two_overlapping_set_meetings_is_a_clash(
    db, programme_id, learning_set, make_set, make_person, make_meeting
):
    facilitator = db["learning_sets"].get(learning_set["id"])["facilitator_id"]
    other_set = make_set(name="Lea set", facilitator_id=facilitator)
    other = make_meeting(
        datetime(2027, 1, 12, 11), datetime(2027, 1, 12, 12), other_set, title="Lea set meeting"
    )

    warnings = checks.clashes(db, scheduling.meeting(db, other), exclude_meeting_id=other)

    name = db["people"].get(facilitator)["name"]
    assert warnings == [
        f"{name} would be in two meetings at once: Set meeting (Tue 12 Jan 2027 10:00)."
    ]
