"""Calendar feeds: who gets which meetings, revocable links, HTTP caching, the text itself."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from icalendar import Calendar

from actionlearning import auth, feeds, scheduling
from actionlearning.db import now, write
from actionlearning.feeds.timezones import vtimezone

from .conftest import csrf_token

SECRET = "test-secret-key"  # as in conftest's app


def build_world(db, programme_id, make_person, make_set, make_pair, make_meeting):
    """A set with one pair, a second set, and meetings either side of both clock changes."""
    organiser = make_person(role="organiser")
    facilitator = make_person(role="facilitator")
    set_id = make_set(name="Thames set", facilitator_id=facilitator)
    other_set = make_set(name="Lea set", facilitator_id=make_person("facilitator", password=None))
    # Only those who sign in get a password: hashing one takes a noticeable moment.
    members = [make_person(), make_person(password=None)]
    pair_id = make_pair(member_ids=members, learning_set_id=set_id)

    def meeting(kind, title, start, hours=3, learning_set_id=set_id, **fields):
        end = start + timedelta(hours=hours)
        in_set = learning_set_id if kind == "set_meeting" else None
        return make_meeting(start, end, in_set, title=title, kind=kind, **fields)

    ids = {
        "organiser": organiser,
        "facilitator": facilitator,
        "set_id": set_id,
        "other_set": other_set,
        "pair_id": pair_id,
        "members": members,
        "october_before": meeting("set_meeting", "October set (BST)", datetime(2026, 10, 20, 10)),
        "october_after": meeting("set_meeting", "October set (GMT)", datetime(2026, 10, 27, 10)),
        "march_before": meeting("set_meeting", "March set (GMT)", datetime(2027, 3, 23, 10)),
        "march_after": meeting("set_meeting", "March set (BST)", datetime(2027, 3, 30, 10)),
        "other_set_meeting": meeting(
            "set_meeting", "Lea set meeting", datetime(2027, 1, 12, 10), learning_set_id=other_set
        ),
        "seminar": meeting(
            "seminar",
            "Seminar: pooled budgets",
            datetime(2027, 3, 30, 12, 30),
            hours=1,
            speaker="Dr Ada Okafor",
            speaker_organisation="King's Fund",
            topic="Pooled budgets",
        ),
        "conference": meeting("conference", "Closing conference", datetime(2027, 7, 8, 9), hours=8),
    }
    return ids


@pytest.fixture
def world(db, programme_id, make_person, make_set, make_pair, make_meeting):
    return build_world(db, programme_id, make_person, make_set, make_pair, make_meeting)


def feed_path(db, scope, subject_id):
    return f"/feeds/{feeds.feed_token(db, SECRET, scope, subject_id)}.ics"


def summaries(response):
    calendar = Calendar.from_ical(response.data)
    return [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]


def test_personal_feed_lists_own_set_meetings_seminars_and_conference(client, db, world):
    response = client.get(feed_path(db, "p", world["members"][0]))

    assert summaries(response) == [
        "October set (BST)",
        "October set (GMT)",
        "March set (GMT)",
        "March set (BST)",
        "Seminar: pooled budgets",
        "Closing conference",
    ]


def test_set_feed_lists_only_that_sets_meetings(client, db, world):
    response = client.get(feed_path(db, "s", world["other_set"]))

    assert summaries(response) == ["Lea set meeting"]


def test_programme_feed_lists_seminars_and_conference_only(client, db, world, programme_id):
    response = client.get(feed_path(db, "g", programme_id))

    assert summaries(response) == ["Seminar: pooled budgets", "Closing conference"]


def test_feed_answers_without_login_as_private_text_calendar(client, db, world):
    response = client.get(feed_path(db, "p", world["members"][0]))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_feed_answers_304_to_its_etag(client, db, world):
    path = feed_path(db, "p", world["members"][0])
    etag = client.get(path).headers["ETag"]

    response = client.get(path, headers={"If-None-Match": etag})

    assert (response.status_code, response.data) == (304, b"")
    assert response.headers["ETag"] == etag


@pytest.mark.parametrize("form", ['"other", {etag}', "W/{etag}", "*"])
def test_feed_answers_304_to_any_form_of_its_etag(client, db, world, form):
    path = feed_path(db, "p", world["members"][0])
    etag = client.get(path).headers["ETag"]

    response = client.get(path, headers={"If-None-Match": form.format(etag=etag)})

    assert response.status_code == 304


def test_feed_answers_200_to_an_old_etag(client, db, world):
    path = feed_path(db, "p", world["members"][0])

    response = client.get(path, headers={"If-None-Match": '"0123456789abcdef"'})

    assert response.status_code == 200


def test_feed_answers_304_to_if_modified_since(client, db, world):
    path = feed_path(db, "s", world["set_id"])
    modified = client.get(path).headers["Last-Modified"]

    response = client.get(path, headers={"If-Modified-Since": modified})

    assert response.status_code == 304


def test_feed_etag_changes_when_a_meeting_moves(client, db, world):
    path = feed_path(db, "p", world["members"][0])
    etag = client.get(path).headers["ETag"]

    scheduling.update_meeting(
        db, world["march_after"], datetime(2027, 3, 31, 10), datetime(2027, 3, 31, 13)
    )
    response = client.get(path, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_feed_etag_changes_when_the_set_is_renamed(client, db, world):
    path = feed_path(db, "p", world["members"][0])
    etag = client.get(path).headers["ETag"]

    with write(db):
        db.execute("UPDATE learning_sets SET name = 'Fleet set' WHERE id = ?", [world["set_id"]])
    response = client.get(path, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert "Set meeting · Fleet set · Test programme" in response.get_data(as_text=True)


def test_feed_head_answers_headers_without_body(client, db, world):
    path = feed_path(db, "p", world["members"][0])
    full = client.get(path)

    response = client.head(path)

    assert (response.status_code, response.data) == (200, b"")
    assert response.headers["ETag"] == full.headers["ETag"]
    assert response.headers["Content-Length"] == str(len(full.data))


@pytest.mark.parametrize(
    "token",
    [
        "nothing",
        "p1-" + "A" * 32,
        "p999-" + "A" * 32,
        "x1-" + "A" * 32,
        "p1-" + "A" * 31,
    ],
)
def test_unknown_token_answers_404(client, world, token):
    response = client.get(f"/feeds/{token}.ics")

    assert response.status_code == 404


def test_dead_link_says_how_to_get_the_current_one(client, db, world, login):
    path = feed_path(db, "p", world["members"][0])
    feeds.reset_feed(db, "p", world["members"][0])

    response = client.get(path)

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "open the Calendar page for the current link" in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/feeds/", "/feeds/a/b.ics", "/feeds/x.ics/more", "/feeds"])
def test_other_paths_under_feeds_answer_404(client, world, path):
    assert client.get(path).status_code == 404


def test_feed_can_only_be_read(client, db, world):
    path = feed_path(db, "p", world["members"][0])
    etag = client.get(path).headers["ETag"]

    response = client.post(path, data={"anything": "x"})

    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD"}
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304


def test_feed_failure_is_logged_and_the_next_poll_works(client, db, world, monkeypatch, caplog):
    path = feed_path(db, "p", world["members"][0])

    def broken(*_args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("actionlearning.feeds.server.feed_calendar", broken)
    failed = client.get(path)
    monkeypatch.undo()
    after = client.get(path)

    assert failed.status_code == 500
    assert "disk on fire" not in failed.get_data(as_text=True)
    assert "Feed request failed" in caplog.text and "disk on fire" in caplog.text
    assert after.status_code == 200 and b"BEGIN:VCALENDAR" in after.data


def test_token_of_one_person_does_not_open_anothers_feed(client, db, world):
    mine = feeds.feed_token(db, SECRET, "p", world["members"][0])
    other = world["members"][1]

    response = client.get(f"/feeds/p{other}-{mine.split('-', 1)[1]}.ics")

    assert response.status_code == 404


def test_token_carries_at_least_128_random_looking_bits(db, world):
    token = feeds.feed_token(db, SECRET, "p", world["members"][0])

    mac = token.split("-", 1)[1]

    assert len(mac) * 6 >= 128
    assert feeds.feed_token(db, "another-secret", "p", world["members"][0]) != token


def test_reset_my_link_kills_the_old_link(client, db, world, login):
    person = world["members"][0]
    old = feed_path(db, "p", person)
    login(person)

    response = client.post("/calendar/reset", data={"csrf_token": csrf_token(client, "/calendar")})

    assert response.status_code == 302
    assert client.get(old).status_code == 404
    assert client.get(feed_path(db, "p", person)).status_code == 200


def test_reset_my_link_without_csrf_changes_nothing(client, db, world, login):
    person = world["members"][0]
    old = feed_path(db, "p", person)
    login(person)

    response = client.post("/calendar/reset")

    assert response.status_code == 400
    assert client.get(old).status_code == 200


def test_facilitator_resets_their_set_feed(client, db, world, login):
    old = feed_path(db, "s", world["set_id"])
    login(world["facilitator"])

    client.post(
        f"/calendar/sets/{world['set_id']}/reset",
        data={"csrf_token": csrf_token(client, "/calendar")},
    )

    assert client.get(old).status_code == 404
    assert client.get(feed_path(db, "s", world["set_id"])).status_code == 200


def test_participant_cannot_reset_a_set_feed(client, db, world, login):
    old = feed_path(db, "s", world["set_id"])
    login(world["members"][0])

    response = client.post(
        f"/calendar/sets/{world['set_id']}/reset",
        data={"csrf_token": csrf_token(client, "/calendar")},
    )

    assert response.status_code == 404
    assert client.get(old).status_code == 200


def test_organiser_resets_programme_feed(client, db, world, login, programme_id):
    old = feed_path(db, "g", programme_id)
    login(world["organiser"])

    client.post(
        f"/calendar/programmes/{programme_id}/reset",
        data={"csrf_token": csrf_token(client, "/calendar")},
    )

    assert client.get(old).status_code == 404


def test_deactivated_persons_feed_answers_404(client, db, world):
    person = world["members"][0]
    path = feed_path(db, "p", person)

    auth.set_active(db, person, False)

    assert client.get(path).status_code == 404


def test_person_who_leaves_a_set_stops_getting_its_meetings(client, db, world):
    person = world["members"][0]
    path = feed_path(db, "p", person)
    etag = client.get(path).headers["ETag"]

    with write(db):
        db.execute("DELETE FROM pair_members WHERE person_id = ?", [person])
    response = client.get(path, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert summaries(response) == ["Seminar: pooled budgets", "Closing conference"]


def test_client_asking_changed_since_learns_that_someone_left_the_set(client, db, world):
    person = world["members"][0]
    path = feed_path(db, "p", person)
    modified = client.get(path).headers["Last-Modified"]

    with write(db):
        db.execute("DELETE FROM pair_members WHERE person_id = ?", [person])
    response = client.get(path, headers={"If-Modified-Since": modified})

    assert response.status_code == 200
    assert summaries(response) == ["Seminar: pooled budgets", "Closing conference"]
    assert parsedate_to_datetime(response.headers["Last-Modified"]) > parsedate_to_datetime(
        modified
    )


def test_last_modified_stays_put_until_the_feed_changes(client, db, world):
    path = feed_path(db, "s", world["set_id"])
    first = client.get(path).headers["Last-Modified"]
    again = client.get(path, headers={"If-Modified-Since": first})

    scheduling.update_meeting(db, world["march_after"], venue="Room 2")  # the same second
    moved = client.get(path, headers={"If-Modified-Since": first})

    assert (again.status_code, again.headers["Last-Modified"]) == (304, first)
    assert moved.status_code == 200
    assert "Room 2" in moved.get_data(as_text=True)
    assert parsedate_to_datetime(moved.headers["Last-Modified"]) > parsedate_to_datetime(first)


def test_feeds_never_carry_journal_text(client, db, world, programme_id, login):
    person = world["members"][0]
    for visibility in ("private", "set", "programme"):
        with write(db):
            db["journal_entries"].insert(
                {
                    "author_id": person,
                    "programme_id": programme_id,
                    "meeting_id": world["march_after"],
                    "pair_id": world["pair_id"],
                    "title": f"Zebracorn reflection {visibility}",
                    "body": "Quokkafig secrets about the chief executive",
                    "body_html": "<p>Quokkafig secrets about the chief executive</p>",
                    "visibility": visibility,
                    "created_at": now(),
                    "updated_at": now(),
                }
            )
    login(person)

    bodies = [
        client.get(feed_path(db, "p", person)).data,
        client.get(feed_path(db, "p", world["facilitator"])).data,
        client.get(feed_path(db, "s", world["set_id"])).data,
        client.get(feed_path(db, "g", programme_id)).data,
        client.get(f"/meetings/{world['march_after']}.ics").data,
    ]

    assert [b"Zebracorn" in b or b"Quokkafig" in b for b in bodies] == [False] * 5
    assert all(b"BEGIN:VCALENDAR" in b for b in bodies)


def test_feed_has_calendar_name_zone_and_refresh_interval(client, db, world):
    text = client.get(feed_path(db, "s", world["set_id"])).get_data(as_text=True)

    lines = text.split("\r\n")

    assert "NAME:Thames set · Test programme" in lines
    assert "X-WR-CALNAME:Thames set · Test programme" in lines
    assert "X-WR-TIMEZONE:Europe/London" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    assert "VERSION:2.0" in lines
    assert [line for line in lines if line.startswith("METHOD")] == []


def test_feed_lines_are_crlf_folded_and_free_of_control_characters(client, db, world):
    scheduling.update_meeting(db, world["seminar"], description="A long note. " * 30)

    data = client.get(feed_path(db, "p", world["members"][0])).data

    lines = data.split(b"\r\n")
    assert data.endswith(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", data.replace(b"\r\n", b"")) is None


def test_event_has_uid_sequence_times_with_tzid_and_logistics(client, db, world):
    meeting = scheduling.meeting(db, world["seminar"])

    calendar = Calendar.from_ical(client.get(feed_path(db, "g", meeting["programme_id"])).data)
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == meeting["uid"])

    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.start.astimezone(UTC) == datetime(2027, 3, 30, 11, 30, tzinfo=UTC)
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"http://localhost/meetings/{world['seminar']}"
    assert str(event["LOCATION"]) == "Room 1"
    assert event.categories == ["Seminar"]
    assert "Speaker: Dr Ada Okafor (King's Fund)" in str(event["DESCRIPTION"]).split("\n")
    assert event["LAST-MODIFIED"].dt == datetime.fromisoformat(meeting["updated_at"])


def test_cancelled_meeting_is_cancelled_and_says_so_in_its_title(client, db, world):
    scheduling.cancel_meeting(db, world["march_before"], "Facilitator ill")

    calendar = Calendar.from_ical(client.get(feed_path(db, "s", world["set_id"])).data)
    event = next(e for e in calendar.walk("VEVENT") if "March set (GMT)" in str(e["SUMMARY"]))

    assert str(event["SUMMARY"]) == "Cancelled: March set (GMT)"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert "CANCELLED: Facilitator ill" in str(event["DESCRIPTION"]).split("\n")


def test_london_vtimezone_is_written_with_yearly_rules_not_rdate_lists():
    text = vtimezone("Europe/London").to_ical().decode()

    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text.split("\r\n")
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text.split("\r\n")


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/London",
        "Europe/Dublin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
        "Europe/Moscow",
        "Asia/Jerusalem",
    ],
)
def test_vtimezone_gives_the_same_offsets_as_zoneinfo(zone):
    from zoneinfo import ZoneInfo

    from icalendar import Timezone

    written = Timezone.from_ical(vtimezone(zone).to_ical()).to_tz(lookup_tzid=False)
    real = ZoneInfo(zone)
    moments = [datetime(2010, 1, 1, tzinfo=UTC) + timedelta(hours=11 * i) for i in range(22000)]

    # Skip the repeated hour when clocks go back: icalendar's reader cannot tell its two
    # halves apart when both observances are STANDARD (Moscow, 2014).
    clear = [m for m in moments if not _repeated_wall_time(m.astimezone(real))]
    wrong = [
        m for m in clear if m.astimezone(written).utcoffset() != m.astimezone(real).utcoffset()
    ]

    assert wrong == []


def _repeated_wall_time(local):
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def test_meeting_ics_downloads_for_a_member(client, db, world, login):
    login(world["members"][0])

    response = client.get(f"/meetings/{world['march_after']}.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="meeting-{world["march_after"]}.ics"'
    )
    assert summaries(response) == ["March set (BST)"]


def test_meeting_ics_is_404_for_someone_outside_the_set(client, db, world, login):
    login(world["members"][0])

    response = client.get(f"/meetings/{world['other_set_meeting']}.ics")

    assert response.status_code == 404


def test_meeting_ics_needs_sign_in(client, world):
    response = client.get(f"/meetings/{world['seminar']}.ics")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_subscribe_page_offers_webcal_and_https_links(client, db, world, login):
    person = world["members"][0]
    login(person)
    token = feeds.feed_token(db, SECRET, "p", person)

    html = client.get("/calendar").get_data(as_text=True)

    assert f'href="webcal://localhost/feeds/{token}.ics"' in html
    assert f">http://localhost/feeds/{token}.ics</textarea>" in html
    assert "Reset my link" in html
    assert "/calendar/sets/" not in html


def test_subscribe_page_gives_facilitator_their_set_feed(client, db, world, login):
    login(world["facilitator"])
    token = feeds.feed_token(db, SECRET, "s", world["set_id"])

    html = client.get("/calendar").get_data(as_text=True)

    assert f">http://localhost/feeds/{token}.ics</textarea>" in html
    assert feeds.feed_token(db, SECRET, "s", world["other_set"]) not in html


def test_subscribe_page_gives_organiser_the_programme_feed(client, db, world, login, programme_id):
    login(world["organiser"])
    token = feeds.feed_token(db, SECRET, "g", programme_id)

    html = client.get("/calendar").get_data(as_text=True)

    assert f">http://localhost/feeds/{token}.ics</textarea>" in html


def test_google_calendar_link_carries_utc_times(db, world):
    meeting = scheduling.meeting(db, world["march_after"])

    url = feeds.google_calendar_url(meeting, "http://localhost")

    assert "dates=20270330T090000Z%2F20270330T120000Z" in url
    assert url.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&")


def test_feed_url_command_prints_the_personal_feed(runner, db, world):
    person = auth.person(db, world["members"][0])

    result = runner.invoke(args=["feed-url", person["email"]])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"http://localhost/feeds/{feeds.feed_token(db, SECRET, 'p', person['id'])}.ics"
    )


def test_feed_url_command_prints_set_and_programme_feeds(runner, db, world, programme_id):
    by_set = runner.invoke(args=["feed-url", "--set", str(world["set_id"])])
    by_programme = runner.invoke(args=["feed-url", "--programme", str(programme_id)])

    assert by_set.output.strip() == "http://localhost" + feed_path(db, "s", world["set_id"])
    assert by_programme.output.strip() == "http://localhost" + feed_path(db, "g", programme_id)


@pytest.mark.parametrize(
    "args, message",
    [
        (["feed-url", "nobody@example.org"], "No account for nobody@example.org."),
        (["feed-url", "--set", "999"], "No learning set with id 999."),
        (["feed-url"], "Give an e-mail address, --set ID or --programme ID."),
    ],
)
def test_feed_url_command_explains_bad_input(runner, world, args, message):
    result = runner.invoke(args=args)

    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {message}"


def test_feed_url_command_refuses_a_deactivated_account(runner, db, world):
    person = auth.person(db, world["members"][0])
    auth.set_active(db, person["id"], False)

    result = runner.invoke(args=["feed-url", person["email"]])

    assert result.exit_code == 1
    assert "deactivated" in result.output


def test_meeting_page_offers_ics_download_and_google_calendar(client, db, world, login):
    login(world["members"][0])

    html = client.get(f"/meetings/{world['march_after']}").get_data(as_text=True)

    assert f'href="/meetings/{world["march_after"]}.ics"' in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;" in html


def test_navigation_links_to_the_calendar_page(client, world, login):
    login(world["members"][0])

    html = client.get("/calendar").get_data(as_text=True)

    assert '<li><a href="/calendar">Calendar</a></li>' in html
