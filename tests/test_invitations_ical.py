"""Meeting invitations (iTIP, RFC 5546) read back by the parsers calendar clients use.

Each invitation must carry the feed's own UID, SEQUENCE and start instant, so that a client
that shows the meeting from a feed and from an invitation updates one event: checked with
icalendar, vobject, recurring-ical-events and ical.js (Thunderbird's parser) around the
October 2026 and March 2027 clock changes.
"""

from datetime import UTC, datetime

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from actionlearning import auth, feeds, scheduling
from actionlearning.feeds import itip

from .test_feeds import SECRET, build_world
from .test_feeds_parsers import EXPECTED_STARTS, ical_js_events, utc_text

MAILBOX = {"name": "Programme office", "email": "office@example.org"}
AT = datetime(2026, 9, 30, 8, 0, tzinfo=UTC)
MEETINGS = ("october_before", "october_after", "march_before", "march_after", "seminar")


@pytest.fixture
def world(client, db, programme_id, make_person, make_set, make_pair, make_meeting):
    """build_world after one seminar moved and one meeting cancelled, with the member's feed."""
    world = build_world(db, programme_id, make_person, make_set, make_pair, make_meeting)
    scheduling.update_meeting(
        db, world["seminar"], datetime(2027, 3, 31, 12, 30), datetime(2027, 3, 31, 13, 30)
    )
    scheduling.cancel_meeting(db, world["march_after"], "Room flooded")
    token = feeds.feed_token(db, SECRET, "p", world["members"][0])
    world["feed"] = Calendar.from_ical(client.get(f"/feeds/{token}.ics").data)
    return world


def invitation(db, world, key, person=None, cancel=False):
    person = person or world["members"][0]
    return itip.meeting_invitation(
        db, world[key], person, "http://localhost", MAILBOX, cancel=cancel, at=AT
    )


def feed_events(world):
    """{uid: (sequence, UTC start)} as the member's feed has them."""
    return {
        str(e["UID"]): (int(e["SEQUENCE"]), utc_text(e.start)) for e in world["feed"].walk("VEVENT")
    }


@pytest.mark.parametrize("key", MEETINGS + ("conference",))
def test_icalendar_reads_invitation_as_the_feed_has_it(db, world, key):
    calendar = Calendar.from_ical(invitation(db, world, key))
    (event,) = calendar.walk("VEVENT")

    uid, found = str(event["UID"]), (int(event["SEQUENCE"]), utc_text(event.start))

    assert found == feed_events(world)[uid]
    assert EXPECTED_STARTS[str(event["SUMMARY"])] == found[1]


@pytest.mark.parametrize("key", MEETINGS)
def test_vobject_reads_invitation_as_the_feed_has_it(db, world, key):
    calendar = vobject.readOne(invitation(db, world, key).decode())
    (event,) = calendar.vevent_list

    found = (int(event.sequence.value), utc_text(event.dtstart.value))

    assert found == feed_events(world)[event.uid.value]


@pytest.mark.parametrize("key", MEETINGS)
def test_recurring_ical_events_reads_invitation_as_the_feed_has_it(db, world, key):
    calendar = Calendar.from_ical(invitation(db, world, key))
    (event,) = recurring_ical_events.of(calendar).between((2026, 9, 1), (2027, 9, 1))

    found = (int(event["SEQUENCE"]), utc_text(event.start))

    assert found == feed_events(world)[str(event["UID"])]


def test_ical_js_reads_invitations_as_the_feed_has_them(db, world, tmp_path):
    found = {}
    for key in MEETINGS:
        (event,) = ical_js_events(invitation(db, world, key), tmp_path)
        found[event["uid"]] = (event["sequence"], event["start"])

    assert found == {uid: seen for uid, seen in feed_events(world).items() if uid in found}
    assert len(found) == len(MEETINGS)


def test_ical_js_reads_method_status_organiser_and_attendee(db, world, tmp_path):
    member = auth.person(db, world["members"][0])
    facilitator = auth.person(db, world["facilitator"])

    (request,) = ical_js_events(invitation(db, world, "march_before"), tmp_path)
    (cancel,) = ical_js_events(invitation(db, world, "march_after"), tmp_path)

    assert (request["method"], request["status"], request["summary"]) == (
        "REQUEST",
        "CONFIRMED",
        "March set (GMT)",
    )
    assert (cancel["method"], cancel["status"], cancel["summary"]) == (
        "CANCEL",
        "CANCELLED",
        "Cancelled: March set (BST)",
    )
    assert request["organizer"] == f"mailto:{facilitator['email']}"
    assert request["attendees"] == [f"mailto:{member['email']}"]


def test_seminar_invitation_comes_from_the_programme_mailbox(db, world):
    event = Calendar.from_ical(invitation(db, world, "seminar")).walk("VEVENT")[0]

    assert str(event["ORGANIZER"]) == "mailto:office@example.org"
    assert event["ORGANIZER"].params["CN"] == "Programme office"


def test_facilitators_own_invitation_comes_from_the_programme_mailbox(db, world):
    calendar = Calendar.from_ical(
        invitation(db, world, "march_before", person=world["facilitator"])
    )
    event = calendar.walk("VEVENT")[0]

    assert str(event["ORGANIZER"]) == "mailto:office@example.org"


def test_invitation_to_someone_who_left_cancels_it_for_them(db, world):
    calendar = Calendar.from_ical(invitation(db, world, "march_before", cancel=True))
    event = calendar.walk("VEVENT")[0]
    feed_event = next(e for e in world["feed"].walk("VEVENT") if e["UID"] == event["UID"])

    assert (str(calendar["METHOD"]), str(event["STATUS"]), str(event["SUMMARY"])) == (
        "CANCEL",
        "CANCELLED",
        "Cancelled: March set (GMT)",
    )
    assert event["SEQUENCE"] == feed_event["SEQUENCE"]


def test_invitation_carries_the_feeds_vtimezone_and_its_own_stamp(db, world):
    calendar = Calendar.from_ical(invitation(db, world, "october_after"))
    feed_zone = world["feed"].walk("VTIMEZONE")[0]

    (zone,) = calendar.walk("VTIMEZONE")
    event = calendar.walk("VEVENT")[0]

    assert zone.to_ical() == feed_zone.to_ical()
    assert event["DTSTAMP"].dt == AT


def test_invitation_names_with_commas_and_quotes_survive(
    db, programme_id, make_person, make_set, make_pair, make_meeting
):
    facilitator = make_person("facilitator", name='Smith, "Jo" Ünal')
    member = make_person(name="O'Neil; Ann")
    set_id = make_set(facilitator_id=facilitator)
    make_pair(member_ids=[member, make_person()], learning_set_id=set_id)
    meeting_id = make_meeting(
        datetime(2026, 11, 3, 10), datetime(2026, 11, 3, 13), set_id, title="Set meeting"
    )

    data = itip.meeting_invitation(db, meeting_id, member, "http://localhost", MAILBOX, at=AT)
    event = vobject.readOne(data.decode()).vevent

    assert event.organizer.params["CN"] == ["Smith, 'Jo' Ünal"]
    assert event.attendee.params["CN"] == ["O'Neil; Ann"]


# Who a meeting concerns


def test_meeting_concerns_set_members_and_facilitator_or_whole_programme(db, world):
    set_meeting = scheduling.meeting(db, world["march_before"])
    seminar = scheduling.meeting(db, world["seminar"])
    everyone = {world["organiser"], world["facilitator"], *world["members"]}

    assert scheduling.meeting_people(db, set_meeting) == {world["facilitator"], *world["members"]}
    assert everyone <= scheduling.meeting_people(db, seminar)


def test_everyone_a_meeting_concerns_may_see_it(db, world):
    for key in MEETINGS + ("conference", "other_set_meeting"):
        row = scheduling.meeting(db, world[key])
        for person_id in scheduling.meeting_people(db, row):
            assert scheduling.meeting_visible_to(db, person_id, row["id"]) is not None
