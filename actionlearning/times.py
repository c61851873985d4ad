"""Times and their formats, in one place: stored UTC ISO strings to and from a programme's
zone, and one style for dates and times on every page, message and export.

strftime's %-d (a day without its leading zero) exists only with glibc, so days are written
from the date's fields instead. Nothing here reads the database: a meeting row carries its
programme's zone (`time_zone`) from the query that read it.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

DEFAULT_ZONE = "Europe/London"


def to_utc(local, time_zone):
    """A naive local datetime in the programme's zone, as a UTC ISO string."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(time_zone))
    return local.astimezone(UTC).isoformat()


def to_local(value, time_zone=None):
    """A stored UTC ISO string (or an aware datetime) as an aware datetime in the zone
    (the product's, Europe/London, when none is given)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored times are UTC
    return moment.astimezone(ZoneInfo(time_zone or DEFAULT_ZONE))


def local_date(value, time_zone):
    """'2027-03-30' for a UTC ISO time, in the programme's time zone; None stays None."""
    if not value:
        return None
    return to_local(value, time_zone).date().isoformat()


def day_text(day):
    """'Fri 25 Dec 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def long_day_text(day):
    """'Friday 25 December 2026', for sentences."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def datetime_text(value, time_zone=None):
    """'Fri 25 Dec 2026, 10:00' in the zone."""
    moment = to_local(value, time_zone)
    return f"{day_text(moment)}, {moment:%H:%M}"


def date_value(value):
    """A date from a date, datetime or ISO string (a date or a UTC time)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def machine_time(value):
    """The exact instant for <time datetime>: UTC with a Z."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def date_html(value, time_zone=None):
    """<time datetime="2026-12-25">Fri 25 Dec 2026</time>: a date, or the day of a UTC time
    in the zone. The |date filter of every template."""
    if not value:
        return ""
    if isinstance(value, datetime) or isinstance(value, str) and len(value) > 10:
        value = to_local(value, time_zone)
    day = date_value(value)
    return Markup(f'<time datetime="{day.isoformat()}">{escape(day_text(day))}</time>')


def datetime_html(value, time_zone=None):
    """<time datetime="2026-11-29T22:01:26Z">Sun 29 Nov 2026, 22:01</time>, in the zone.
    The |datetime filter of every template."""
    if not value:
        return ""
    text = datetime_text(value, time_zone)
    return Markup(f'<time datetime="{machine_time(value)}">{escape(text)}</time>')


def short_date(value):
    """'8 Jul 2027' for a date or an ISO date."""
    day = date_value(value)
    return f"{day.day} {day:%b %Y}"


def long_date(value):
    """'8 July 2027' for a date or an ISO date."""
    day = date_value(value)
    return f"{day.day} {day:%B %Y}"


def meeting_label(title, starts_at, time_zone):
    """'Thames set · Tue 9 Mar 2027, 10:00' in the programme's time zone."""
    return f"{title} · {datetime_text(starts_at, time_zone)}"


def meeting_when(row, short=False):
    """'Tuesday 3 November 2026, 10:00 to 13:00 GMT' in the programme's zone, for messages
    (short: 'Tue 3 Nov 2026, 10:00 GMT')."""
    starts = to_local(row["starts_at"], row["time_zone"])
    ends = to_local(row["ends_at"], row["time_zone"])
    if short:
        return f"{day_text(starts)}, {starts:%H:%M} {starts.tzname()}"
    if ends.date() == starts.date():
        until = f"{ends:%H:%M}"
    else:
        until = f"{long_day_text(ends)}, {ends:%H:%M}"
    return f"{long_day_text(starts)}, {starts:%H:%M} to {until} {ends.tzname()}"


def meeting_when_html(row):
    """<time>'Tue 12 Jan 2027, 10:00–13:00'</time> in the meeting's programme zone, its start
    exact for machines: the meeting_when() of every template."""
    start = to_local(row["starts_at"], row["time_zone"])
    end = to_local(row["ends_at"], row["time_zone"])
    text = f"{day_text(start)}, {start:%H:%M}\u2013{end:%H:%M}"
    return Markup(f'<time datetime="{machine_time(row["starts_at"])}">{escape(text)}</time>')
