"""A set's series of meetings: dates from a rule, a preview that flags each date's problems
(bank holidays, past, outside the programme, clashes) and the set's meetings already in that
range, then one separate meeting per date (each can later be moved or cancelled on its own)."""

from datetime import datetime, time, timedelta

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from .. import programmes
from ..db import one, write
from ..times import day_text, short_date, to_local
from . import SchedulingError, cancel_meeting, meeting_row, meetings_for_set
from .checks import bank_holidays, date_problems, planned

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
        raise SchedulingError("The series ends before it starts.", "last")
    start = datetime.combine(first, time())
    until = datetime.combine(last, time())
    if rule["frequency"] == "monthly":
        if rule.get("nth") not in ORDINALS or rule.get("weekday") not in range(7):
            raise SchedulingError(
                "Choose which weekday of the month (for example 2nd Tuesday).", "nth"
            )
        days = rrule(
            MONTHLY, dtstart=start, until=until, byweekday=weekday(rule["weekday"])(rule["nth"])
        )
    elif rule["frequency"] == "weekly":
        interval = rule.get("interval") or 0
        if not 1 <= interval <= 52:
            raise SchedulingError("Repeat every 1 to 52 weeks.", "interval")
        days = rrule(WEEKLY, dtstart=start, until=until, interval=interval)
    else:
        raise SchedulingError("Repeat monthly or every few weeks.", "frequency")
    result = [d.date() for d in days[: MAX_MEETINGS + 1]]
    if len(result) > MAX_MEETINGS:
        raise SchedulingError(
            f"A series holds at most {MAX_MEETINGS} meetings; check the dates.", "last"
        )
    return result


def describe_rule(rule):
    """'2nd Tuesday of each month, 10:00-13:00, 1 Jan 2027 to 30 Jun 2027'."""
    if rule["frequency"] == "monthly":
        what = f"{ORDINALS[rule['nth']]} {WEEKDAYS[rule['weekday']]} of each month"
    else:
        n = rule["interval"]
        what = "every week" if n == 1 else f"every {n} weeks"
    times = f"{rule['start_time']:%H:%M}\u2013{rule['end_time']:%H:%M}"
    first, last = short_date(rule["first"]), short_date(rule["last"])
    return f"{what}, {times}, {first} to {last}"


def next_working_day(day, bank=None):
    """The first day after `day` that is neither a weekend nor a bank holiday."""
    bank = bank if bank is not None else bank_holidays([day])
    day += timedelta(days=1)
    while day.weekday() >= 5 or day in bank:
        day += timedelta(days=1)
    return day


def preview_series(db, learning_set_id, rule):
    """One row per date: the date, its bank holiday and the next working day offered instead,
    the set's meetings already in its period (`existing`), and its problems (`problems`,
    from the checks every date change goes through, the existing meetings left out)."""
    learning_set = _learning_set(db, learning_set_id)
    if rule["end_time"] <= rule["start_time"]:
        raise SchedulingError("The meeting ends before it starts.", "end_time")
    days = series_dates(rule)
    bank = bank_holidays(days)
    existing = _existing_by_row(db, learning_set, rule, days)
    rows = []
    for index, day in enumerate(days):
        holiday = bank.get(day)
        mine = existing.get(index, [])
        candidate = _candidate(db, learning_set, rule, day)
        rows.append(
            {
                "index": index,
                "on": day,
                "holiday": holiday,
                "offered": next_working_day(day, bank) if holiday else None,
                "existing": mine,
                "problems": [  # the bank holiday has its own note and offer
                    p["message"]
                    for p in date_problems(db, candidate, exclude=[m["id"] for m in mine])
                    if p["kind"] != "bank_holiday"
                ],
            }
        )
    return rows


def _existing_by_row(db, learning_set, rule, days):
    """{row index: the set's scheduled meetings in that date's period}: the same month for a
    monthly series, within half the interval for one every few weeks."""
    zone = programmes.programme(db, learning_set["programme_id"])["time_zone"]
    found = {}
    for row in meetings_for_set(db, learning_set["id"]):
        if row["status"] != "scheduled":
            continue
        on = to_local(row["starts_at"], zone).date()
        if rule["frequency"] == "monthly":
            near = [i for i, d in enumerate(days) if (d.year, d.month) == (on.year, on.month)]
        else:
            half = rule["interval"] * 7 / 2
            near = [i for i, d in enumerate(days) if abs((on - d).days) < half]
        if near:
            found.setdefault(near[0], []).append(
                {**row, "when": f"{day_text(on)}, {to_local(row['starts_at'], zone):%H:%M}"}
            )
    return found


def chosen_dates(preview, included, moved, overlap="skip"):
    """The dates to save and the existing meetings they replace.

    included: indexes kept; moved: indexes whose offered (next working) day was taken;
    overlap: for kept dates where the set already meets, 'skip' the date or 'replace' the
    existing meetings. Returns (dates, ids of meetings to cancel).
    """
    dates, replaced = [], []
    for row in preview:
        if row["index"] not in included:
            continue
        if row["existing"]:
            if overlap != "replace":
                continue
            replaced += [m["id"] for m in row["existing"]]
        take_offered = row["index"] in moved and row["offered"]
        dates.append(row["offered"] if take_offered else row["on"])
    return sorted(set(dates)), replaced


def series_problems(db, learning_set_id, rule, dates, replaced=()):
    """The problems of the dates about to be saved, each message starting with its date."""
    learning_set = _learning_set(db, learning_set_id)
    problems = []
    for day in dates:
        candidate = _candidate(db, learning_set, rule, day)
        for problem in date_problems(db, candidate, exclude=replaced):
            problems.append({**problem, "message": f"{day_text(day)}: {problem['message']}"})
    return problems


def replace_with_series(db, learning_set_id, rule, dates, replaced, title=None, venue=""):
    """Cancel the set's meetings the series replaces (as any cancellation: status, reason,
    SEQUENCE, so feeds and invitations carry it) and schedule the series, all or nothing."""
    own = {m["id"] for m in meetings_for_set(db, learning_set_id)}
    if set(replaced) - own:
        raise SchedulingError("Only this set's own meetings can be replaced.")
    reason = f"Replaced by the new series: {describe_rule(rule)}."
    with write(db):
        for meeting_id in replaced:
            cancel_meeting(db, meeting_id, reason)
        return schedule_series(db, learning_set_id, rule, dates, title, venue)


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
    found = one(db, "SELECT * FROM learning_sets WHERE id = ?", [learning_set_id])
    if found is None:
        raise SchedulingError("There is no such learning set.")
    return found


def _candidate(db, learning_set, rule, day):
    return planned(
        db,
        learning_set["programme_id"],
        "set_meeting",
        datetime.combine(day, rule["start_time"]),
        datetime.combine(day, rule["end_time"]),
        learning_set["id"],
    )
