"""Meeting invitations by e-mail, end to end: a change made on the web queues them in its own
write, send-mail delivers them to a real SMTP server on loopback, and each one parses as a
mail client and four calendar parsers read it, matching the person's calendar feed."""

import io
import json
import os
import re
import signal
from collections import Counter
from datetime import UTC, datetime

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from actionlearning import auth, create_app, feeds, governance, scheduling
from actionlearning.db import one, rows
from actionlearning.journal.entries import create_entry
from actionlearning.mail import invitations

from .conftest import csrf_token
from .test_feeds_parsers import ical_js_events, utc_text
from .test_mail import start_sender, wait_for

SECRET = "test-secret-key"


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def world(db, programme_id, make_person, make_set, make_pair, make_meeting):
    """A set (facilitator and one pair) with two meetings ahead, a pair in no set, a seminar."""
    organiser = make_person(role="organiser")
    facilitator = make_person(role="facilitator", password=None)
    set_id = make_set(name="Thames set", facilitator_id=facilitator)
    members = [make_person(password=None), make_person(password=None)]
    newcomers = [make_person(password=None), make_person(password=None)]

    def meeting(kind, title, start, end, learning_set_id=None):
        return make_meeting(start, end, learning_set_id, title=title, kind=kind, venue="Guildhall")

    return {
        "organiser": organiser,
        "facilitator": facilitator,
        "set_id": set_id,
        "members": members,
        "newcomers": newcomers,
        "pair": make_pair(member_ids=members, learning_set_id=set_id),
        "other_pair": make_pair(member_ids=newcomers),
        "march": meeting(
            "set_meeting", "March set", datetime(2027, 3, 23, 10), datetime(2027, 3, 23, 13), set_id
        ),
        "april": meeting(
            "set_meeting", "April set", datetime(2027, 4, 13, 10), datetime(2027, 4, 13, 13), set_id
        ),
        "seminar": meeting(
            "seminar", "Pooled budgets", datetime(2027, 3, 30, 12, 30), datetime(2027, 3, 30, 14)
        ),
    }


@pytest.fixture
def organiser(client, login, world):
    login(world["organiser"])
    return client


def email_of(db, person_id):
    return auth.person(db, person_id)["email"]


def post(client, path, data, form_path=None):
    data = {**data, "csrf_token": csrf_token(client, form_path or path)}
    return client.post(path, data=data)


def move(client, meeting_id, on, start, end, title="March set"):
    fields = {"title": title, "on": on, "start_time": start, "end_time": end, "venue": "Guildhall"}
    response = post(client, f"/meetings/{meeting_id}/edit", fields)
    warned = re.search(r'name="confirmed" value="([0-9a-f]+)"', response.get_data(as_text=True))
    if warned:  # a clash with the seminar: the organiser ticks "Schedule anyway"
        fields["confirmed"] = warned.group(1)
        response = post(client, f"/meetings/{meeting_id}/edit", fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def deliver(runner):
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output


def received(mail_server):
    """Each message as {to, subject, method, ics, text}, checked free of parsing defects."""
    found = []
    for message in mail_server.parsed():
        assert [part.defects for part in message.walk()] == [[] for _ in message.walk()]
        calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        found.append(
            {
                "to": message["To"].addresses[0].addr_spec,
                "subject": str(message["Subject"]),
                "method": calendar.get_param("method"),
                "ics": calendar.get_content().encode(),
                "text": text.get_content(),
            }
        )
    return sorted(found, key=lambda m: (m["to"], m["subject"]))


def read_by_every_parser(ics, tmp_path):
    """(uid, sequence, UTC start, status) of the one event, the same from all four parsers."""
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    by_icalendar = (
        str(event["UID"]),
        int(event["SEQUENCE"]),
        utc_text(event.start),
        str(event["STATUS"]),
    )
    v = vobject.readOne(ics.decode()).vevent
    by_vobject = (v.uid.value, int(v.sequence.value), utc_text(v.dtstart.value), v.status.value)
    (r,) = recurring_ical_events.of(Calendar.from_ical(ics)).between((2027, 1, 1), (2028, 1, 1))
    by_recurring = (str(r["UID"]), int(r["SEQUENCE"]), utc_text(r.start), str(r["STATUS"]))
    (j,) = ical_js_events(ics, tmp_path)
    by_ical_js = (j["uid"], j["sequence"], j["start"], j["status"])
    assert by_icalendar == by_vobject == by_recurring == by_ical_js
    return by_icalendar


def in_feed(client, db, person_id, uid):
    """(uid, sequence, UTC start, status) of a meeting in the person's own feed."""
    token = feeds.feed_token(db, SECRET, "p", person_id)
    calendar = Calendar.from_ical(client.get(f"/feeds/{token}.ics").data)
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == uid)
    return (uid, int(event["SEQUENCE"]), utc_text(event.start), str(event["STATUS"]))


def set_people(db, world):
    return sorted(email_of(db, p) for p in [world["facilitator"], *world["members"]])


def test_moved_meeting_invites_the_set_as_its_feed_shows_it(
    db, organiser, runner, mail_server, world, tmp_path
):
    uid = scheduling.meeting(db, world["march"])["uid"]

    move(organiser, world["march"], "2027-03-30", "10:00", "13:00")  # GMT to BST
    deliver(runner)

    messages = received(mail_server)
    assert [m["to"] for m in messages] == set_people(db, world)
    assert {m["method"] for m in messages} == {"REQUEST"}
    assert {m["subject"] for m in messages} == {"Updated: March set, Tue 30 Mar 2027, 10:00 BST"}
    for message in messages:
        found = read_by_every_parser(message["ics"], tmp_path)
        assert found == (uid, 1, "2027-03-30T09:00:00Z", "CONFIRMED")
    assert found == in_feed(organiser, db, world["members"][0], uid)
    organisers = {m["to"]: organiser_of(m) for m in messages}
    facilitator = email_of(db, world["facilitator"])
    assert organisers == {
        **{email_of(db, p): f"mailto:{facilitator}" for p in world["members"]},
        facilitator: "mailto:office@example.nhs.uk",  # their own meeting: from the mailbox
    }


def organiser_of(message):
    return str(Calendar.from_ical(message["ics"]).walk("VEVENT")[0]["ORGANIZER"])


def test_retimed_meeting_sends_the_new_time(db, organiser, runner, mail_server, world, tmp_path):
    move(organiser, world["march"], "2027-03-23", "14:00", "16:30")
    deliver(runner)

    messages = received(mail_server)
    found = {read_by_every_parser(m["ics"], tmp_path)[1:3] for m in messages}
    assert found == {(1, "2027-03-23T14:00:00Z")}
    assert "When: Tuesday 23 March 2027, 14:00 to 16:30 GMT" in messages[0]["text"]
    assert f"Details: http://localhost/meetings/{world['march']}" in messages[0]["text"]


def test_cancelled_meeting_sends_a_cancel(db, organiser, runner, mail_server, world, tmp_path):
    uid = scheduling.meeting(db, world["march"])["uid"]

    post(
        organiser,
        f"/meetings/{world['march']}/cancel",
        {"reason": "Room flooded"},
        f"/meetings/{world['march']}",
    )
    deliver(runner)

    messages = received(mail_server)
    assert [m["to"] for m in messages] == set_people(db, world)
    assert {m["method"] for m in messages} == {"CANCEL"}
    assert {m["subject"] for m in messages} == {"Cancelled: March set, Tue 23 Mar 2027, 10:00 GMT"}
    assert "CANCELLED: Room flooded" in messages[0]["text"]
    found = read_by_every_parser(messages[0]["ics"], tmp_path)
    assert found == (uid, 1, "2027-03-23T10:00:00Z", "CANCELLED")
    assert found == in_feed(organiser, db, world["members"][0], uid)


def test_reinstated_meeting_sends_a_request(db, organiser, runner, mail_server, world, tmp_path):
    page = f"/meetings/{world['march']}"
    post(organiser, f"{page}/cancel", {"reason": "Room flooded"}, page)
    deliver(runner)

    post(organiser, f"{page}/reinstate", {}, page)
    deliver(runner)

    messages = [m for m in received(mail_server) if m["subject"].startswith("Reinstated")]
    assert [m["to"] for m in messages] == set_people(db, world)
    assert {m["method"] for m in messages} == {"REQUEST"}
    assert {read_by_every_parser(m["ics"], tmp_path)[1:] for m in messages} == {
        (2, "2027-03-23T10:00:00Z", "CONFIRMED")
    }


def pair_form(db, pair_id, learning_set_id):
    members = [
        r["person_id"]
        for r in rows(db, "SELECT person_id FROM pair_members WHERE pair_id = ?", [pair_id])
    ]
    return {
        "member_ids": members,
        "priority_area": "Discharge from hospital",
        "partnering_model": "voluntary",
        "learning_set_id": learning_set_id or 0,
    }


def test_pair_joining_a_set_is_invited_to_its_meetings_ahead(
    db, organiser, runner, mail_server, world, tmp_path
):
    pair_id = world["other_pair"]

    response = post(organiser, f"/pairs/{pair_id}/edit", pair_form(db, pair_id, world["set_id"]))
    deliver(runner)

    assert response.status_code == 302
    messages = received(mail_server)
    newcomers = sorted(email_of(db, p) for p in world["newcomers"])
    assert sorted({m["to"] for m in messages}) == newcomers
    assert sorted(m["subject"].split(",")[0] for m in messages) == [
        "Invitation: April set",
        "Invitation: April set",
        "Invitation: March set",
        "Invitation: March set",
    ]
    assert {m["method"] for m in messages} == {"REQUEST"}
    for message in messages:
        uid = read_by_every_parser(message["ics"], tmp_path)[0]
        person = next(p for p in world["newcomers"] if email_of(db, p) == message["to"])
        assert read_by_every_parser(message["ics"], tmp_path) == in_feed(organiser, db, person, uid)


def test_pair_leaving_a_set_gets_cancels_for_its_meetings_ahead(
    db, organiser, runner, mail_server, world, tmp_path
):
    pair_id = world["pair"]
    uids = {scheduling.meeting(db, world[k])["uid"] for k in ("march", "april")}

    response = post(organiser, f"/pairs/{pair_id}/edit", pair_form(db, pair_id, None))
    deliver(runner)

    assert response.status_code == 302
    messages = received(mail_server)
    leavers = sorted(email_of(db, p) for p in world["members"])
    assert [m["to"] for m in messages] == sorted(leavers * 2)
    assert {m["method"] for m in messages} == {"CANCEL"}
    found = {read_by_every_parser(m["ics"], tmp_path) for m in messages}
    assert {f[0] for f in found} == uids
    assert {f[3] for f in found} == {"CANCELLED"}
    assert "You are no longer expected at this meeting" in messages[0]["text"]


def test_moved_seminar_invites_the_whole_programme_from_its_mailbox(
    db, organiser, runner, mail_server, world, programme_id
):
    move(organiser, world["seminar"], "2027-03-31", "12:30", "14:00", title="Pooled budgets")
    deliver(runner)

    messages = received(mail_server)
    everyone = sorted(
        email_of(db, r["person_id"])
        for r in rows(
            db, "SELECT person_id FROM programme_members WHERE programme_id = ?", [programme_id]
        )
    )
    assert [m["to"] for m in messages] == everyone
    assert {organiser_of(m) for m in messages} == {"mailto:office@example.nhs.uk"}


def test_several_edits_send_one_message_the_latest(
    db, organiser, runner, mail_server, world, tmp_path
):
    move(organiser, world["march"], "2027-03-24", "10:00", "13:00")
    move(organiser, world["march"], "2027-03-25", "10:00", "13:00")
    deliver(runner)

    messages = received(mail_server)
    assert [m["to"] for m in messages] == set_people(db, world)
    found = {read_by_every_parser(m["ics"], tmp_path)[1:3] for m in messages}
    assert found == {(2, "2027-03-25T10:00:00Z")}


def test_series_sends_one_message_per_meeting(db, organiser, runner, mail_server, world):
    form = {
        "frequency": "monthly",
        "nth": 2,
        "weekday": 1,
        "interval": 6,
        "first": "2027-05-01",
        "last": "2027-06-30",
        "start_time": "10:00",
        "end_time": "13:00",
        "title": "Summer set",
        "venue": "",
        "include": ["0", "1"],
        "action": "save",
    }
    path = f"/learning-sets/{world['set_id']}/series"

    response = post(organiser, path, form)
    deliver(runner)

    assert response.status_code == 302, response.get_data(as_text=True)
    messages = received(mail_server)
    assert [m["to"] for m in messages] == sorted(set_people(db, world) * 2)
    assert {m["subject"] for m in messages} == {
        "Invitation: Summer set, Tue 11 May 2027, 10:00 BST",
        "Invitation: Summer set, Tue 8 Jun 2027, 10:00 BST",
    }


def test_failing_change_leaves_no_meeting_change_and_no_message(db, organiser, world):
    before = scheduling.meeting(db, world["march"])
    db.execute(
        """CREATE TRIGGER fanouts_full BEFORE INSERT ON invitation_fanouts
           BEGIN SELECT RAISE(ABORT, 'disk full'); END"""
    )

    with pytest.raises(Exception, match="disk full"):
        move(organiser, world["march"], "2027-03-30", "10:00", "13:00")

    assert scheduling.meeting(db, world["march"]) == before
    assert rows(db, "SELECT meeting_id FROM invitation_fanouts") == []
    assert rows(db, "SELECT id FROM outbox") == []


def test_invitations_turned_off_queue_nothing(tmp_path, mail_server, db, world):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "DATABASE": str(tmp_path / "test.db"),
            "MAIL_INVITATIONS": "false",
        }
    )
    client = app.test_client()
    client.post(
        "/login",
        data={
            "email": email_of(db, world["organiser"]),
            "password": "correct-horse-battery",
            "csrf_token": csrf_token(client),
        },
    )

    move(client, world["march"], "2027-03-30", "10:00", "13:00")

    assert scheduling.meeting(db, world["march"])["sequence"] == 1
    assert rows(db, "SELECT meeting_id FROM invitation_fanouts") == []
    assert rows(db, "SELECT id FROM outbox") == []


def test_invitation_carries_no_journal_text(db, organiser, runner, mail_server, world):
    create_entry(
        db,
        world["members"][0],
        title="PRIVATE-TITLE-MARKER",
        body="PRIVATE-BODY-MARKER",
        visibility="private",
        meeting_id=world["march"],
    )

    move(organiser, world["march"], "2027-03-30", "10:00", "13:00")
    deliver(runner)

    raw = b"".join(mail_server.raw())
    assert raw.count(b"March set") > 0
    assert b"MARKER" not in raw


def test_nothing_changed_sends_nothing(db, organiser, runner, mail_server, world):
    move(organiser, world["march"], "2027-03-23", "10:00", "13:00")
    deliver(runner)

    assert mail_server.raw() == []


def test_dtstamp_is_when_the_message_was_made(db, app, organiser, world):
    move(organiser, world["march"], "2027-03-30", "10:00", "13:00")
    write_messages(db, app)

    (row,) = rows(db, "SELECT calendar_ics FROM outbox LIMIT 1")
    stamp = Calendar.from_ical(row["calendar_ics"]).walk("VEVENT")[0]["DTSTAMP"].dt

    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60


def test_one_stored_bad_address_does_not_stop_the_move(db, organiser, runner, mail_server, world):
    bad = world["members"][0]
    db.execute("UPDATE people SET email = 'not an address' WHERE id = ?", [bad])

    move(organiser, world["march"], "2027-03-30", "10:00", "13:00")
    deliver(runner)

    assert scheduling.meeting(db, world["march"])["sequence"] == 1
    others = sorted(email_of(db, p) for p in [world["facilitator"], world["members"][1]])
    assert [m["to"] for m in received(mail_server)] == others


def write_messages(db, app):
    """What the sender does first: each waiting meeting change's message for each person."""
    return invitations.expand_due(db, invitations.settings_for(app), delay_seconds=0)


def outbox_invitations(db, app):
    """(address, subject) of each queued invitation, once the sender has written them."""
    write_messages(db, app)
    return sorted(
        (r["to_addr"], r["subject"].split(",")[0])
        for r in rows(db, "SELECT to_addr, subject FROM outbox WHERE kind = 'invitation'")
    )


def test_person_invited_to_the_programme_is_invited_to_its_seminars_ahead(
    db, app, organiser, world, programme_id
):
    form = {
        "email": "newcomer@example.org",
        "name": "New Comer",
        "role": "participant",
        "organisation_id": 0,
        "programme_id": programme_id,
    }

    response = post(organiser, "/people", form)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert outbox_invitations(db, app) == [("newcomer@example.org", "Invitation: Pooled budgets")]


def test_person_added_to_the_programme_is_invited_to_its_seminars_ahead(
    db, app, organiser, world, programme_id, make_person
):
    outsider = make_person(programme=None, password=None)

    response = post(
        organiser,
        f"/people/{outsider}/programmes",
        {"programme_id": programme_id, "role": "participant"},
        f"/people/{outsider}",
    )

    assert response.status_code == 302
    assert outbox_invitations(db, app) == [(email_of(db, outsider), "Invitation: Pooled budgets")]


def test_resend_queues_every_meeting_ahead_that_concerns_the_person(db, app, world, programme_id):
    scheduling.cancel_meeting(db, world["april"], "Room flooded")
    settings = invitations.settings_for(app)

    invitations.resend(db, settings, world["members"][0], programme_id)

    assert outbox_invitations(db, app) == [
        (email_of(db, world["members"][0]), "Invitation: March set"),
        (email_of(db, world["members"][0]), "Invitation: Pooled budgets"),
    ]


# A change records one fan-out row in its own write; the sender writes each person's message.


def test_moved_seminar_records_one_row_and_the_sender_writes_each_persons_message(
    db, organiser, runner, mail_server, world, programme_id
):
    everyone = rows(
        db, "SELECT person_id FROM programme_members WHERE programme_id = ?", [programme_id]
    )

    move(organiser, world["seminar"], "2027-03-31", "12:30", "14:00", title="Pooled budgets")
    waiting = rows(db, "SELECT meeting_id, recipients FROM invitation_fanouts")
    queued_by_the_request = rows(db, "SELECT id FROM outbox")
    deliver(runner)

    assert queued_by_the_request == []
    [(meeting_id, recipients)] = [(w["meeting_id"], w["recipients"]) for w in waiting]
    assert meeting_id == world["seminar"]
    assert sorted(int(p) for p in json.loads(recipients)) == sorted(
        r["person_id"] for r in everyone
    )
    sent = rows(db, "SELECT to_addr, status FROM outbox ORDER BY to_addr")
    assert sent == [{"to_addr": email_of(db, r["person_id"]), "status": "sent"} for r in everyone]
    assert sorted(m["to"] for m in received(mail_server)) == sorted(s["to_addr"] for s in sent)
    assert rows(db, "SELECT meeting_id FROM invitation_fanouts") == []


def test_edits_within_the_delay_wait_and_merge_into_one_row(db, app, organiser, world):
    app.config["MAIL_DELAY_SECONDS"] = 120
    move(organiser, world["march"], "2027-03-24", "10:00", "13:00")
    move(organiser, world["march"], "2027-03-25", "10:00", "13:00")

    held = invitations.expand_due(db, invitations.settings_for(app), delay_seconds=120)

    assert held == []
    [row] = rows(db, "SELECT meeting_id, revision FROM invitation_fanouts")
    assert row == {"meeting_id": world["march"], "revision": 2}


def test_someone_who_left_before_the_sender_ran_still_gets_their_cancel(
    db, organiser, runner, mail_server, world, tmp_path
):
    pair_id = world["pair"]
    post(organiser, f"/pairs/{pair_id}/edit", pair_form(db, pair_id, None))
    move(organiser, world["march"], "2027-03-25", "10:00", "13:00")
    deliver(runner)

    messages = received(mail_server)
    march = [m for m in messages if "March set" in m["subject"]]
    leavers = {email_of(db, p) for p in world["members"]}
    assert {(m["to"], m["method"]) for m in march} == {
        *((leaver, "CANCEL") for leaver in leavers),
        (email_of(db, world["facilitator"]), "REQUEST"),
    }
    latest = {read_by_every_parser(m["ics"], tmp_path)[1:3] for m in march}
    assert latest == {(1, "2027-03-25T10:00:00Z")}


def test_joined_then_moved_before_sending_is_still_an_invitation(
    db, organiser, runner, mail_server, world
):
    pair_id = world["other_pair"]
    post(organiser, f"/pairs/{pair_id}/edit", pair_form(db, pair_id, world["set_id"]))
    move(organiser, world["march"], "2027-03-25", "10:00", "13:00")
    deliver(runner)

    newcomers = {email_of(db, p) for p in world["newcomers"]}
    subjects = {
        m["subject"]
        for m in received(mail_server)
        if m["to"] in newcomers and "March" in m["subject"]
    }
    assert subjects == {"Invitation: March set, Thu 25 Mar 2027, 10:00 GMT"}


def test_server_down_while_three_meetings_change_then_up_every_message_arrives_once(
    db, organiser, runner, mail_server, world
):
    mail_server.stop()
    move(organiser, world["march"], "2027-03-24", "10:00", "13:00")
    move(organiser, world["april"], "2027-04-14", "10:00", "13:00", title="April set")
    move(organiser, world["seminar"], "2027-03-31", "12:30", "14:00", title="Pooled budgets")

    down = runner.invoke(args=["send-mail"])
    mail_server.start()
    deliver(runner)
    deliver(runner)

    assert down.exit_code == 1
    messages = [(m["to"], m["subject"].split(",")[0]) for m in received(mail_server)]
    assert sorted(Counter(messages).values()) == [1] * len(messages)
    people = set_people(db, world)
    everyone = {m[0] for m in messages if m[1] == "Updated: Pooled budgets"}
    assert {m for m in messages if m[1] != "Updated: Pooled budgets"} == {
        *((p, "Updated: March set") for p in people),
        *((p, "Updated: April set") for p in people),
    }
    assert everyone >= set(people) and len(everyone) > len(people)


def test_killed_sender_writes_every_persons_invitation_duplicating_at_most_one(
    app, db, mail_server, programme_id, make_person, make_meeting
):
    for _ in range(40):
        make_person(password=None)
    seminar = make_meeting(datetime(2027, 5, 4, 10), datetime(2027, 5, 4, 12), title="Big seminar")
    with invitations.queued_for_changes(db, invitations.settings_for(app), meeting_id=seminar):
        scheduling.update_meeting(db, seminar, datetime(2027, 5, 5, 10), datetime(2027, 5, 5, 12))
    everyone = {
        email_of(db, r["person_id"])
        for r in rows(
            db, "SELECT person_id FROM programme_members WHERE programme_id = ?", [programme_id]
        )
    }
    database = app.config["DATABASE"]
    mail_server.delay = 0.02
    sender = start_sender(database, mail_server, "--loop", "--poll", "0.2")
    wait_for(lambda: len(mail_server.raw()) >= 10)

    os.kill(sender.pid, signal.SIGKILL)
    sender.communicate(timeout=10)
    mail_server.delay = 0
    finish = start_sender(database, mail_server)
    output, _ = finish.communicate(timeout=60)

    assert finish.returncode == 0, output
    counts = Counter(m["To"].addresses[0].addr_spec for m in mail_server.parsed())
    assert set(counts) == everyone
    assert sum(counts.values()) - len(everyone) <= 1


# People imported from a spreadsheet into a programme and its sets are invited, as people
# added on the web are.

IMPORTED = (
    "email,name,role,organisation,organisation_kind,pair,priority_area,partnering_model,"
    "learning_set\n"
    "amira@example.org,Amira Haddad,participant,Islington PCT,nhs,islington,Brokerage,"
    "voluntary,Thames set\n"
    "tom@example.org,Tom Gallagher,participant,Islington Council,local_authority,islington,"
    "Brokerage,voluntary,Thames set\n"
)
IMPORTED_INVITATIONS = [
    (address, f"Invitation: {title}")
    for address in ("amira@example.org", "tom@example.org")
    for title in ("April set", "March set", "Pooled budgets")
]


def test_people_imported_on_the_web_are_invited_to_their_meetings_ahead(
    db, app, organiser, world, programme_id
):
    path = f"/programmes/{programme_id}/import"

    response = organiser.post(
        path,
        data={
            "csrf_token": csrf_token(organiser, path),
            "file": (io.BytesIO(IMPORTED.encode()), "people.csv"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert "e-mailed invitations to its meetings ahead" in response.get_data(as_text=True)
    assert outbox_invitations(db, app) == IMPORTED_INVITATIONS


def test_people_imported_by_the_command_are_invited_to_their_meetings_ahead(
    db, app, runner, world, programme_id, tmp_path
):
    path = tmp_path / "people.csv"
    # Rows that name their programme, as a file for several programmes would.
    lines = IMPORTED.splitlines(keepends=True)
    path.write_text(
        "programme," + lines[0] + "".join("Test programme," + line for line in lines[1:])
    )

    result = runner.invoke(args=["import-people", str(path)])

    assert result.exit_code == 0, result.output
    assert outbox_invitations(db, app) == IMPORTED_INVITATIONS


def test_refused_import_invites_no_one(db, app, runner, world, programme_id, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(IMPORTED.replace("tom@example.org", "tom@"))

    result = runner.invoke(args=["import-people", str(path), "--programme", str(programme_id)])

    assert result.exit_code == 1
    assert outbox_invitations(db, app) == []
    assert rows(db, "SELECT meeting_id FROM invitation_fanouts") == []


def test_erased_person_is_taken_out_of_invitations_not_yet_written(
    db, app, organiser, world, programme_id
):
    erased = world["newcomers"][0]
    address = email_of(db, erased)
    move(organiser, world["seminar"], "2027-03-31", "12:30", "14:00", title="Pooled budgets")

    governance.erase_person(db, erased)
    waiting = json.loads(one(db, "SELECT recipients FROM invitation_fanouts")["recipients"])
    write_messages(db, app)

    assert str(erased) not in waiting
    assert address not in {r["to_addr"] for r in rows(db, "SELECT to_addr FROM outbox")}
    assert len(rows(db, "SELECT id FROM outbox")) == len(waiting) > 0


def test_change_made_while_the_sender_writes_its_messages_waits_for_the_next_pass(
    db, app, organiser, world, tmp_path
):
    settings = invitations.settings_for(app)
    move(organiser, world["march"], "2027-03-24", "10:00", "13:00")
    as_the_sender_read_it = one(db, "SELECT * FROM invitation_fanouts")
    move(organiser, world["march"], "2027-03-25", "10:00", "13:00")

    stale = invitations.expand(db, as_the_sender_read_it, settings)
    waiting = one(db, "SELECT revision FROM invitation_fanouts")
    written = write_messages(db, app)

    assert stale is None
    assert waiting == {"revision": 2}
    icss = [r["calendar_ics"].encode() for r in rows(db, "SELECT calendar_ics FROM outbox")]
    assert len(written) == len(icss) == len(set_people(db, world))
    assert {read_by_every_parser(ics, tmp_path)[1:3] for ics in icss} == {
        (2, "2027-03-25T10:00:00Z")
    }
