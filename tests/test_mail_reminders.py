"""Reminders before set meetings, facilitators' briefings and nudges to reflect: due at a fixed
clock, each queued once, kinds a person turned off respected, delivered by send-mail."""

from datetime import UTC, datetime, timedelta

import pytest

from actionlearning import auth, scheduling, times
from actionlearning.db import rows
from actionlearning.journal.entries import create_entry
from actionlearning.mail import set_preferences
from actionlearning.mail.reminders import queue_due
from actionlearning.scheduling import records

BASE_URL = "http://localhost"


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def world(db, programme_id, make_person, make_set, make_pair, make_meeting):
    """A set of two pairs meeting on 23 March 2027, 10:00 GMT; an action point open from
    February; a presenter slot; one member's apologies."""
    facilitator = make_person(role="facilitator", name="Fay Facilitator", password=None)
    set_id = make_set(name="Thames set", facilitator_id=facilitator)
    names = ("Ann Able", "Ben Baker", "Cat Cole", "Dan Dyer")
    ann, ben, cat, dan = (make_person(name=n, password=None) for n in names)
    make_pair(member_ids=[ann, ben], learning_set_id=set_id)
    make_pair(member_ids=[cat, dan], learning_set_id=set_id)

    def meeting(title, start):
        return make_meeting(start, start + timedelta(hours=3), set_id, title=title)

    february = meeting("February set", datetime(2027, 2, 23, 10))
    march = meeting("March set", datetime(2027, 3, 23, 10))
    records.add_action_point(db, february, ann, "Call the discharge team")
    records.add_presenter_slot(db, march, ben, 20)
    records.send_apologies(db, march, cat, at="2027-03-01T00:00:00+00:00")
    return {
        "facilitator": facilitator,
        "ann": ann,
        "ben": ben,
        "cat": cat,
        "dan": dan,
        "february": february,
        "march": march,
    }


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def outbox(db, kind=None):
    """{person_id: (subject, text)} of what is queued, optionally of one kind."""
    found = rows(db, "SELECT person_id, kind, subject, body_text FROM outbox ORDER BY id")
    return {
        r["person_id"]: (r["subject"], r["body_text"])
        for r in found
        if kind is None or r["kind"] == kind
    }


def test_reminder_is_not_due_four_days_before(db, world):
    queued = queue_due(db, BASE_URL, at("2027-03-19T09:00:00"))

    assert (queued, outbox(db)) == (0, {})


def test_reminder_three_days_before_goes_to_members_without_apologies(db, world):
    queue_due(db, BASE_URL, at("2027-03-20T10:30:00"))

    reminders = outbox(db, "reminder")

    assert sorted(reminders) == sorted([world["ann"], world["ben"], world["dan"]])
    assert {subject for subject, _text in reminders.values()} == {
        "Reminder: March set, Tue 23 Mar 2027, 10:00 GMT"
    }


def test_reminder_lists_own_action_points_and_presenter_slot(db, world):
    queue_due(db, BASE_URL, at("2027-03-20T10:30:00"))

    reminders = outbox(db, "reminder")
    ann, ben = reminders[world["ann"]][1], reminders[world["ben"]][1]

    assert "Your open action points:\n- Call the discharge team" in ann
    assert "You have no presenter slot at this meeting." in ann
    assert "You have a 20-minute presenter slot at this meeting." in ben
    assert "You have no open action points." in ben
    assert "When: Tuesday 23 March 2027, 10:00 to 13:00 GMT" in ann
    assert f"Details: {BASE_URL}/meetings/{world['march']}" in ann


def test_reminder_days_is_a_setting(db, world):
    queue_due(db, BASE_URL, at("2027-03-16T10:30:00"), reminder_days=7)

    assert sorted(outbox(db, "reminder")) == sorted([world["ann"], world["ben"], world["dan"]])


def test_each_is_queued_once(db, world):
    first = queue_due(db, BASE_URL, at("2027-03-22T11:00:00"))
    again = queue_due(db, BASE_URL, at("2027-03-22T11:05:00"))

    assert (first, again) == (4, 0)  # three reminders and the facilitator's briefing
    assert len(rows(db, "SELECT id FROM outbox")) == 4


def test_facilitator_briefed_a_day_before_with_apologies(db, world):
    queue_due(db, BASE_URL, at("2027-03-22T11:00:00"))

    briefing = outbox(db, "facilitator_briefing")

    assert list(briefing) == [world["facilitator"]]
    subject, text = briefing[world["facilitator"]]
    assert subject == "Tomorrow: March set, Tue 23 Mar 2027, 10:00 GMT"
    assert "Apologies so far (1): Cat Cole." in text
    assert "Expected: 3 of 4 members." in text


def test_facilitator_not_briefed_two_days_before(db, world):
    queue_due(db, BASE_URL, at("2027-03-21T09:00:00"))

    assert outbox(db, "facilitator_briefing") == {}


def test_nudge_after_a_meeting_goes_to_who_attended_and_has_not_written(db, world):
    records.record_attendance(
        db,
        world["march"],
        {world["ann"]: "attended", world["ben"]: "absent", world["dan"]: "attended"},
        at="2027-03-23T13:00:00+00:00",
    )
    create_entry(db, world["dan"], title="Dan's notes", body="Notes", meeting_id=world["march"])

    queue_due(db, BASE_URL, at("2027-03-23T14:00:00"))

    nudges = outbox(db, "nudge")
    assert list(nudges) == [world["ann"]]
    subject, text = nudges[world["ann"]]
    assert subject == "Reflect on: March set, Tue 23 Mar 2027, 10:00 GMT"
    assert f"{BASE_URL}/journal/new?meeting_id={world['march']}" in text
    assert "Notes" not in text


def test_kind_turned_off_is_not_sent_and_not_queued_later(db, world):
    set_preferences(db, world["ann"], enabled_kinds=[])

    queue_due(db, BASE_URL, at("2027-03-20T10:30:00"))
    set_preferences(db, world["ann"], enabled_kinds=["reminder"])
    queue_due(db, BASE_URL, at("2027-03-20T11:30:00"))

    assert world["ann"] not in outbox(db, "reminder")


def test_cancelled_meeting_has_no_reminder(db, world):
    scheduling.cancel_meeting(db, world["march"], "Room flooded")

    queue_due(db, BASE_URL, at("2027-03-22T11:00:00"))

    assert outbox(db) == {}


def test_send_mail_queues_and_delivers_what_is_due_now(
    db, runner, mail_server, programme_id, world, make_meeting
):
    soon = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=2)
    zone_start = times.to_local(soon.isoformat(), "Europe/London").replace(tzinfo=None)
    set_id = scheduling.meeting(db, world["march"])["learning_set_id"]
    make_meeting(zone_start, zone_start + timedelta(hours=2), set_id, title="Soon set")

    result = runner.invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    messages = mail_server.parsed()
    addresses = sorted(m["To"].addresses[0].addr_spec for m in messages)
    members = [world[k] for k in ("ann", "ben", "cat", "dan")]
    assert addresses == sorted(auth.person(db, p)["email"] for p in members)
    assert all(m["List-Unsubscribe"] for m in messages)
    assert [p.defects for m in messages for p in m.walk()] == [
        [] for m in messages for _ in m.walk()
    ]


def reminded(db, person_id, kind="reminder"):
    return [
        r["subject"]
        for r in rows(
            db,
            "SELECT subject FROM outbox WHERE person_id = ? AND kind = ? ORDER BY id",
            [person_id, kind],
        )
    ]


def test_meeting_moved_after_its_reminder_is_reminded_again_at_the_new_time(db, world):
    queue_due(db, BASE_URL, at("2027-03-22T11:00:00"))
    scheduling.update_meeting(
        db, world["march"], datetime(2027, 3, 24, 14), datetime(2027, 3, 24, 17)
    )

    queue_due(db, BASE_URL, at("2027-03-23T15:00:00"))
    queue_due(db, BASE_URL, at("2027-03-23T15:05:00"))

    assert reminded(db, world["ann"]) == [
        "Reminder: March set, Tue 23 Mar 2027, 10:00 GMT",
        "Reminder: March set, Wed 24 Mar 2027, 14:00 GMT",
    ]
    assert reminded(db, world["facilitator"], "facilitator_briefing") == [
        "Tomorrow: March set, Tue 23 Mar 2027, 10:00 GMT",
        "Tomorrow: March set, Wed 24 Mar 2027, 14:00 GMT",
    ]


def test_meeting_moved_out_of_the_window_is_reminded_when_its_new_time_comes_near(db, world):
    queue_due(db, BASE_URL, at("2027-03-20T10:30:00"))
    scheduling.update_meeting(
        db, world["march"], datetime(2027, 4, 20, 10), datetime(2027, 4, 20, 13)
    )

    too_early = queue_due(db, BASE_URL, at("2027-03-21T10:30:00"))
    queue_due(db, BASE_URL, at("2027-04-17T10:30:00"))

    assert too_early == 0
    assert reminded(db, world["ann"]) == [
        "Reminder: March set, Tue 23 Mar 2027, 10:00 GMT",
        "Reminder: March set, Tue 20 Apr 2027, 10:00 BST",
    ]


def test_meeting_changed_but_not_moved_is_not_reminded_again(db, world):
    queue_due(db, BASE_URL, at("2027-03-20T10:30:00"))
    scheduling.update_meeting(db, world["march"], venue="Room 2")

    again = queue_due(db, BASE_URL, at("2027-03-21T10:30:00"))

    assert again == 0
    assert len(reminded(db, world["ann"])) == 1
