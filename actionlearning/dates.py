"""One style for dates and times on every page and in every message, in a programme's zone.

strftime's %-d (a day without its leading zero) exists only with glibc, so days are written
from the date's fields instead."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

DEFAULT_ZONE = "Europe/London"


def day_text(day):
    """'Fri 25 Dec 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def long_day_text(day):
    """'Friday 25 December 2026', for sentences."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def local(value, time_zone=None):
    """A stored UTC ISO string (or an aware datetime) in the zone, as an aware datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored times are UTC
    return moment.astimezone(ZoneInfo(time_zone or DEFAULT_ZONE))


def datetime_text(value, time_zone=None):
    """'Fri 25 Dec 2026, 10:00' in the zone."""
    moment = local(value, time_zone)
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
        value = local(value, time_zone)
    day = date_value(value)
    return Markup(f'<time datetime="{day.isoformat()}">{escape(day_text(day))}</time>')


def datetime_html(value, time_zone=None):
    """<time datetime="2026-11-29T22:01:26Z">Sun 29 Nov 2026, 22:01</time>, in the zone.
    The |datetime filter of every template."""
    if not value:
        return ""
    text = datetime_text(value, time_zone)
    return Markup(f'<time datetime="{machine_time(value)}">{escape(text)}</time>')
