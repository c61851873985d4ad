"""Demo meetings: both sets' monthly series, the three seminars, the conference, with
attendance, presenters, action points and ground-rule agreements for the months gone by."""

import calendar
from datetime import date, datetime, time

from .. import demo_data, scheduling
from ..scheduling import records, series

CANCELLED = (1, date(2026, 12, 17))  # Lea set's December meeting
CANCEL_REASON = "Facilitator unwell. The January meeting runs an extra hour to catch up."


def load(db, ids):
    """Schedule everything and record the past; puts meeting ids into ids."""
    programme_id = ids["programme_id"]
    set_meeting_ids = {}
    for index, spec in enumerate(demo_data.LEARNING_SETS):
        set_meeting_ids[index] = _series(db, ids["set_ids"][index], spec["series"])
    seminar_ids = [_seminar(db, programme_id, s) for s in demo_data.SEMINARS]
    conference = demo_data.CONFERENCE
    conference_id = scheduling.create_meeting(
        db,
        programme_id,
        "conference",
        conference["title"],
        _at(conference["on"], conference["start"]),
        _at(conference["on"], conference["end"]),
        venue=conference["venue"],
        agenda=conference["agenda"],
    )
    _cancel_one(db, ids, set_meeting_ids)
    for index, meeting_ids in set_meeting_ids.items():
        _records(db, ids, index, meeting_ids)
    ids["set_meeting_ids"] = set_meeting_ids
    ids["seminar_ids"] = seminar_ids
    ids["conference_id"] = conference_id
    ids["meeting_ids"] = sorted(
        [m for ms in set_meeting_ids.values() for m in ms] + seminar_ids + [conference_id]
    )


def _at(day, hhmm):
    return datetime.combine(day, time.fromisoformat(hhmm))


def _series(db, learning_set_id, spec):
    last = spec["last_month"]
    rule = {
        "frequency": "monthly",
        "nth": spec["nth"],
        "weekday": spec["weekday"],
        "interval": None,
        "first": spec["first_month"],
        "last": last.replace(day=calendar.monthrange(last.year, last.month)[1]),
        "start_time": time.fromisoformat(spec["start_time"]),
        "end_time": time.fromisoformat(spec["end_time"]),
    }
    preview = series.preview_series(db, learning_set_id, rule)
    everything = {row["index"] for row in preview}
    # A fresh demo set has no meetings yet, so nothing is replaced.
    dates, _replaced = series.chosen_dates(preview, everything, everything)
    return series.schedule_series(db, learning_set_id, rule, dates)


def _seminar(db, programme_id, spec):
    return scheduling.create_meeting(
        db,
        programme_id,
        "seminar",
        spec["title"],
        _at(spec["on"], spec["start"]),
        _at(spec["on"], spec["end"]),
        venue=spec["venue"],
        speaker=spec["speaker"],
        speaker_organisation=spec["speaker_organisation"],
        topic=spec["topic"],
        description=spec["description"],
    )


def _cancel_one(db, ids, set_meeting_ids):
    index, day = CANCELLED
    for meeting_id in set_meeting_ids[index]:
        if scheduling.meeting(db, meeting_id)["starts_at"].startswith(day.isoformat()):
            scheduling.cancel_meeting(db, meeting_id, CANCEL_REASON)


def _set_pairs(ids, index):
    keys = [p["key"] for p in demo_data.PAIRS if p["learning_set"] == index]
    return {key: ids["pair_members"][key] for key in keys}


def _records(db, ids, index, meeting_ids):
    """Attendance, presenters and action points at the first two (past) meetings; most members
    have agreed to the ground rules; one apology sent for the next meeting."""
    pairs = _set_pairs(ids, index)
    members = [m for ms in pairs.values() for m in ms]
    for member in members[:-1]:  # the newest member still has to agree
        records.acknowledge_ground_rules(db, ids["set_ids"][index], member)
    first, second, third = meeting_ids[:3]
    for number, meeting_id in enumerate((first, second)):
        away = members[(number * 3 + index) % len(members)]
        marks = {m: "apologies" if m == away else "attended" for m in members}
        records.record_attendance(db, meeting_id, marks, at="2026-12-31T00:00:00+00:00")
        for presenter in members[number * 2 : number * 2 + 2]:
            records.add_presenter_slot(db, meeting_id, presenter, 30)
    records.add_presenter_slot(db, third, members[4 % len(members)], 30)
    records.add_presenter_slot(db, third, members[5 % len(members)], 30)
    if scheduling.meeting(db, third)["status"] == "scheduled":
        records.send_apologies(db, third, members[-1], at="2026-11-23T00:00:00+00:00")
    for point in demo_data.ACTION_POINTS:
        if point["pair_key"] not in pairs:
            continue
        owner = pairs[point["pair_key"]][point["owner_index"]]
        made_at = second if point["status"] == "open" else first
        action_id = records.add_action_point(db, made_at, owner, point["text"])
        if point["status"] != "open":
            records.review_action_point(db, action_id, point["status"], second)
