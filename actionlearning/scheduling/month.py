"""A programme's month at a glance: the meetings a person may see, laid out by day."""

import calendar
from datetime import date, datetime, time

from .. import programmes
from ..db import rows
from ..times import to_local, to_utc
from . import VISIBLE_MEETINGS


def month_start(year, month):
    """The first day of a month, or None for a month that does not exist."""
    try:
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


def _shift(first, months):
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def meetings_in_month(db, person_id, programme_id, first):
    """The meetings of one programme this person may see (VISIBLE_MEETINGS) that touch the
    month starting on date `first`, in the programme's zone; cancelled ones included."""
    zone = programmes.programme(db, programme_id)["time_zone"]
    params = {
        "me": person_id,
        "programme": programme_id,
        "after": to_utc(datetime.combine(first, time()), zone),
        "before": to_utc(datetime.combine(_shift(first, 1), time()), zone),
    }
    sql = (
        VISIBLE_MEETINGS
        + """ AND m.programme_id = :programme AND m.starts_at < :before
              AND m.ends_at > :after ORDER BY m.starts_at, m.id"""
    )
    return rows(db, sql, params)


def month_grid(db, person_id, programme_id, first):
    """The month as weeks of days (Monday first), each day with its meetings, and the
    months before and after for the page's links."""
    by_day = {}
    for row in meetings_in_month(db, person_id, programme_id, first):
        starts = to_local(row["starts_at"], row["time_zone"])
        by_day.setdefault(starts.date(), []).append({**row, "local_start": starts})
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )
    return {
        "first": first,
        "previous": _shift(first, -1),
        "next": _shift(first, 1),
        "busy": bool(by_day),
        "weeks": [
            [
                {"date": day, "in_month": day.month == first.month, "meetings": by_day.get(day, [])}
                for day in week
            ]
            for week in weeks
        ],
    }
