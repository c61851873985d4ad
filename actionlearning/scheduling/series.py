"""A set's series of meetings: dates from a rule, a preview that flags bank holidays, then
one separate meeting per date (each can later be moved or cancelled on its own)."""

from datetime import datetime, time, timedelta

import holidays
from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from .. import programmes
from ..db import write
from . import SchedulingError, clashes, meeting_row, to_utc

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}
MAX_MEETINGS = 60  # five years of monthly meetings: more is a typo in a date


def series_dates(rule):
    """The dates a rule gives, in order.

    rule: frequency 'monthly' (nth 1-4 or -1 for last, weekday 0=Monday) or 'weekly'
    (interval in weeks, on the first date's weekday); first and last are dates (inclusive).
    """
    first, last = rule["first"], rule["last"]
    if last < first:
        raise SchedulingError("The series ends before it starts.")
    start = datetime.combine(first, time())
    until = datetime.combine(last, time())
    if rule["frequency"] == "monthly":
        if rule.get("nth") not in ORDINALS or rule.get("weekday") not in range(7):
            raise SchedulingError("Choose which weekday of the month (for example 2nd Tuesday).")
        days = rrule(
            MONTHLY, dtstart=start, until=until, byweekday=weekday(rule["weekday"])(rule["nth"])
        )
    elif rule["frequency"] == "weekly":
        interval = rule.get("interval") or 0
        if not 1 <= interval <= 52:
            raise SchedulingError("Repeat every 1 to 52 weeks.")
        days = rrule(WEEKLY, dtstart=start, until=until, interval=interval)
    else:
        raise SchedulingError("Repeat monthly or every few weeks.")
    result = [d.date() for d in days[: MAX_MEETINGS + 1]]
    if len(result) > MAX_MEETINGS:
        raise SchedulingError(f"A series holds at most {MAX_MEETINGS} meetings; check the dates.")
    return result


def describe_rule(rule):
    """'2nd Tuesday of each month, 10:00-13:00, 1 Jan 2027 to 30 Jun 2027'."""
    if rule["frequency"] == "monthly":
        what = f"{ORDINALS[rule['nth']]} {WEEKDAYS[rule['weekday']]} of each month"
    else:
        n = rule["interval"]
        what = "every week" if n == 1 else f"every {n} weeks"
    times = f"{rule['start_time']:%H:%M}\u2013{rule['end_time']:%H:%M}"
    return f"{what}, {times}, {rule['first']:%-d %b %Y} to {rule['last']:%-d %b %Y}"


def _bank_holidays(days):
    years = sorted({d.year for d in days} | {d.year + 1 for d in days})
    return holidays.country_holidays("GB", subdiv="ENG", years=years)  # England and Wales


def next_working_day(day, bank=None):
    """The first day after `day` that is neither a weekend nor a bank holiday."""
    bank = bank if bank is not None else _bank_holidays([day])
    day += timedelta(days=1)
    while day.weekday() >= 5 or day in bank:
        day += timedelta(days=1)
    return day


def preview_series(db, learning_set_id, rule):
    """One row per date: the date, bank holiday name, offered date, clashes, outside dates."""
    learning_set = _learning_set(db, learning_set_id)
    prog = programmes.programme(db, learning_set["programme_id"])
    if rule["end_time"] <= rule["start_time"]:
        raise SchedulingError("The meeting ends before it starts.")
    days = series_dates(rule)
    bank = _bank_holidays(days)
    rows = []
    for index, day in enumerate(days):
        holiday = bank.get(day)
        outside = not prog["starts_on"] <= day.isoformat() <= prog["ends_on"]
        candidate = _candidate(db, learning_set, rule, day)
        rows.append(
            {
                "index": index,
                "on": day,
                "holiday": holiday,
                "offered": next_working_day(day, bank) if holiday else None,
                "outside": outside,
                "clashes": [] if outside else clashes(db, candidate),
            }
        )
    return rows


def chosen_dates(preview, included, moved):
    """The dates to save: the included rows, each on its offered date where that was taken.

    included: indexes kept; moved: indexes whose offered (next working) day was taken.
    """
    dates = []
    for row in preview:
        if row["index"] in included:
            take_offered = row["index"] in moved and row["offered"]
            dates.append(row["offered"] if take_offered else row["on"])
    return sorted(set(dates))


def schedule_series(db, learning_set_id, rule, dates, title=None, venue="", online_link=""):
    """Create one meeting per date, all or none; returns the new meeting ids in date order."""
    learning_set = _learning_set(db, learning_set_id)
    if not dates:
        raise SchedulingError("Choose at least one date to schedule.")
    title = (title or "").strip() or f"{learning_set['name']} meeting"
    rows = [
        meeting_row(
            db,
            learning_set["programme_id"],
            "set_meeting",
            title,
            datetime.combine(day, rule["start_time"]),
            datetime.combine(day, rule["end_time"]),
            learning_set_id,
            venue=venue,
            online_link=online_link,
        )
        for day in sorted(dates)
    ]  # every date checked before anything is written
    with write(db):
        return [db["meetings"].insert(row).last_pk for row in rows]


def _learning_set(db, learning_set_id):
    rows = list(db.query("SELECT * FROM learning_sets WHERE id = ?", [learning_set_id]))
    if not rows:
        raise SchedulingError("There is no such learning set.")
    return rows[0]


def _candidate(db, learning_set, rule, day):
    zone = programmes.programme(db, learning_set["programme_id"])["time_zone"]
    return {
        "programme_id": learning_set["programme_id"],
        "learning_set_id": learning_set["id"],
        "kind": "set_meeting",
        "starts_at": to_utc(datetime.combine(day, rule["start_time"]), zone),
        "ends_at": to_utc(datetime.combine(day, rule["end_time"]), zone),
    }
