"""The feeds read back by the parsers real calendar clients use.

icalendar (Python), vobject (an independent reader), recurring-ical-events (expands events
as clients do) and ical.js (the parser inside Thunderbird, run with node, which takes the
meaning of every TZID from the feed's own VTIMEZONE). Each must put meetings in the weeks around the
October and March clock changes at the right UTC instant, see cancelled meetings as
cancelled, and see a moved meeting as the same UID with a higher SEQUENCE.
"""

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from actionlearning import feeds, scheduling

from .conftest import sign_in
from .test_feeds import SECRET, build_world

ROOT = Path(__file__).resolve().parent.parent
ICAL_JS_SCRIPT = ROOT / "tests" / "js" / "ical_events.mjs"

# (summary, UTC start): 10:00 in London is 09:00 UTC in summer time, 10:00 UTC in winter.
EXPECTED_STARTS = {
    "October set (BST)": "2026-10-20T09:00:00Z",
    "October set (GMT)": "2026-10-27T10:00:00Z",
    "March set (GMT)": "2027-03-23T10:00:00Z",
    "Cancelled: March set (BST)": "2027-03-30T09:00:00Z",
    "Seminar: pooled budgets": "2027-03-31T11:30:00Z",
    "Closing conference": "2027-07-08T08:00:00Z",
}


@pytest.fixture
def feed(client, db, programme_id, make_person, make_set, make_pair, make_meeting):
    """A member's feed after one seminar moved (to the day after) and one meeting cancelled."""
    world = build_world(db, programme_id, make_person, make_set, make_pair, make_meeting)
    before = scheduling.meeting(db, world["seminar"])
    scheduling.update_meeting(
        db, world["seminar"], datetime(2027, 3, 31, 12, 30), datetime(2027, 3, 31, 13, 30)
    )
    scheduling.cancel_meeting(db, world["march_after"], "Room flooded")
    token = feeds.feed_token(db, SECRET, "p", world["members"][0])
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    return {"data": response.data, "seminar_before": before}


def utc_text(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_icalendar_reads_utc_starts_around_clock_changes(feed):
    calendar = Calendar.from_ical(feed["data"])

    starts = {str(e["SUMMARY"]): utc_text(e.start) for e in calendar.walk("VEVENT")}

    assert starts == EXPECTED_STARTS


def test_vobject_reads_utc_starts_from_our_vtimezone(feed):
    calendar = vobject.readOne(feed["data"].decode())

    starts = {e.summary.value: utc_text(e.dtstart.value) for e in calendar.vevent_list}

    assert starts == EXPECTED_STARTS


def test_recurring_ical_events_reads_utc_starts_in_the_programme_year(feed):
    calendar = Calendar.from_ical(feed["data"])

    events = recurring_ical_events.of(calendar).between((2026, 9, 1), (2027, 9, 1))
    starts = {str(e["SUMMARY"]): utc_text(e.start) for e in events}

    assert starts == EXPECTED_STARTS


def test_vobject_sees_cancelled_and_moved_meetings(feed):
    calendar = vobject.readOne(feed["data"].decode())
    by_summary = {e.summary.value: e for e in calendar.vevent_list}

    cancelled = by_summary["Cancelled: March set (BST)"]
    moved = by_summary["Seminar: pooled budgets"]

    assert cancelled.status.value == "CANCELLED"
    assert moved.uid.value == feed["seminar_before"]["uid"]
    assert int(moved.sequence.value) == feed["seminar_before"]["sequence"] + 1


def ical_js_events(data, tmp_path):
    """Parse with ical.js through node; skip without it, but fail under CI."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        reason = "node or ical.js missing: run `make node-deps` (npm install)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    path = tmp_path / "feed.ics"
    path.write_bytes(data)
    result = subprocess.run(
        [node, str(ICAL_JS_SCRIPT), str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_ical_js_reads_utc_starts_around_clock_changes(feed, tmp_path):
    events = ical_js_events(feed["data"], tmp_path)

    starts = {e["summary"]: e["start"] for e in events}

    assert starts == EXPECTED_STARTS
    assert {e["tzid"] for e in events} == {"Europe/London"}


def test_ical_js_sees_cancelled_and_moved_meetings(feed, tmp_path):
    events = {e["summary"]: e for e in ical_js_events(feed["data"], tmp_path)}

    moved = events["Seminar: pooled budgets"]

    assert events["Cancelled: March set (BST)"]["status"] == "CANCELLED"
    assert events["March set (GMT)"]["status"] == "CONFIRMED"
    assert (moved["uid"], moved["sequence"]) == (
        feed["seminar_before"]["uid"],
        feed["seminar_before"]["sequence"] + 1,
    )


def test_ical_js_reads_a_single_meeting_download(
    client, db, programme_id, make_person, tmp_path, make_meeting
):
    person = make_person()
    meeting_id = make_meeting(
        datetime(2026, 10, 26, 12), datetime(2026, 10, 26, 13), title="Autumn seminar"
    )
    sign_in(client, db, person)

    events = ical_js_events(client.get(f"/meetings/{meeting_id}.ics").data, tmp_path)

    assert [(e["summary"], e["start"]) for e in events] == [
        ("Autumn seminar", "2026-10-26T12:00:00Z")
    ]


def test_parsers_given_only_our_vtimezone_still_read_the_right_instants(feed, tmp_path):
    # Renamed, the zone is unknown to every parser's own database: only our VTIMEZONE
    # (the RRULEs for BST and GMT) can say what 10:00 means.
    data = feed["data"].replace(b"Europe/London", b"Programme-Time")
    expected = sorted(EXPECTED_STARTS.values())

    by_icalendar = sorted(utc_text(e.start) for e in Calendar.from_ical(data).walk("VEVENT"))
    by_vobject = sorted(
        utc_text(e.dtstart.value) for e in vobject.readOne(data.decode()).vevent_list
    )
    by_ical_js = sorted(e["start"] for e in ical_js_events(data, tmp_path))

    assert (by_icalendar, by_vobject, by_ical_js) == (expected, expected, expected)
