"""VTIMEZONE components written with yearly RRULEs, generated from the system's zoneinfo.

icalendar's own VTIMEZONE lists every transition as one comma-separated RDATE, which
Thunderbird's parser (ical.js) and others misread, so that March meetings land an hour out.
Calendar clients expect what Outlook and Apple write: one DAYLIGHT and one STANDARD
component, each with a yearly rule such as "last Sunday in March at 01:00".
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

SCAN_FROM_YEAR = 1970
SCAN_TO_YEAR = 2037  # zoneinfo extends the zone's current rule this far and beyond
EXPLICIT_FROM_YEAR = 2000  # before a zone's current rule, transitions since then are listed
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    at: datetime  # the UTC instant the new offset begins
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_dst: bool

    @property
    def local_start(self):
        """Wall-clock time of the change, in the offset before it (as VTIMEZONE's DTSTART)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


def _state(zone, timestamp):
    local = datetime.fromtimestamp(timestamp, zone)
    # Irish time has a negative DST in winter: only a positive one marks a DAYLIGHT observance.
    return local.utcoffset(), local.dst() > timedelta(0), local.tzname()


def transitions(zone_name):
    """Every change of offset, DST flag or abbreviation from 1970 to 2037, in order."""
    zone = ZoneInfo(zone_name)
    start = int(datetime(SCAN_FROM_YEAR, 1, 1, tzinfo=UTC).timestamp())
    stop = int(datetime(SCAN_TO_YEAR + 1, 1, 1, tzinfo=UTC).timestamp())
    found = []
    before, state = start, _state(zone, start)
    for moment in range(start + 86400, stop, 86400):
        after = _state(zone, moment)
        if after == state:
            before = moment
            continue
        low, high = before, moment  # the change is in (low, high]: bisect to the second
        while high - low > 1:
            middle = (low + high) // 2
            if _state(zone, middle) == state:
                low = middle
            else:
                high = middle
        changed = _state(zone, high)
        found.append(
            Transition(
                datetime.fromtimestamp(high, UTC), state[0], changed[0], changed[2], changed[1]
            )
        )
        before, state = moment, after
    return found


def _rule_forms(transition):
    """The yearly rules this transition fits, as comparable tuples (most specific last)."""
    local = transition.local_start
    year, month, day = local.year, local.month, local.day
    same = (month, local.time(), transition.offset_from, transition.offset_to, transition.name)
    weekday = local.weekday()
    forms = [("nth", (day - 1) // 7 + 1, weekday, *same)]
    if day + 7 > calendar.monthrange(year, month)[1]:
        forms.append(("last", -1, weekday, *same))
    forms.append(("day", day, None, *same))
    return forms


def _by_year(found):
    years = {}
    for transition in found:
        years.setdefault(transition.local_start.year, []).append(transition)
    return years


def current_rule(found):
    """(first year, one rule form per yearly transition) of the zone's rule in force up to 2037.

    Walks back from 2037 while every year has the same transitions fitting the same rules.
    Returns (None, []) for a zone without yearly changes.
    """
    years = _by_year(found)
    last = years.get(SCAN_TO_YEAR, [])
    if not last:
        return None, []
    viable = [set(_rule_forms(t)) for t in last]
    first_year = SCAN_TO_YEAR
    for year in range(SCAN_TO_YEAR - 1, SCAN_FROM_YEAR - 1, -1):
        these = years.get(year, [])
        if len(these) != len(last):
            break
        narrowed = [forms & set(_rule_forms(t)) for forms, t in zip(viable, these, strict=True)]
        if not all(narrowed):
            break
        viable, first_year = narrowed, year
    # Prefer "2nd Sunday" or "last Sunday" over a fixed day of the month.
    order = {"nth": 0, "last": 1, "day": 2}
    return first_year, [min(forms, key=lambda f: order[f[0]]) for forms in viable]


def _observance(transition):
    component = TimezoneDaylight() if transition.is_dst else TimezoneStandard()
    component.add("dtstart", transition.local_start)
    component.add("tzoffsetfrom", transition.offset_from)
    component.add("tzoffsetto", transition.offset_to)
    component.add("tzname", transition.name)
    return component


def _rrule(form):
    kind, number, weekday, month = form[0], form[1], form[2], form[3]
    if kind == "day":
        return {"FREQ": "YEARLY", "BYMONTH": month, "BYMONTHDAY": number}
    return {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": f"{number}{WEEKDAYS[weekday]}"}


@lru_cache(maxsize=64)
def vtimezone(zone_name):
    """The VTIMEZONE for a zone, built once per process; callers must not change it."""
    found = transitions(zone_name)
    first_year, forms = current_rule(found)
    component = Timezone()
    component.add("tzid", zone_name)
    before_rule = [t for t in found if first_year is None or t.local_start.year < first_year]
    explicit = [t for t in before_rule if t.local_start.year >= EXPLICIT_FROM_YEAR]
    earlier = [t for t in before_rule if t.local_start.year < EXPLICIT_FROM_YEAR]
    if earlier:  # the observance in force when the explicit list begins
        explicit.insert(0, earlier[-1])
    for transition in explicit:
        component.add_component(_observance(transition))
    if first_year is not None:
        first = _by_year(found)[first_year]
        for transition, form in zip(first, forms, strict=True):
            observance = _observance(transition)
            observance.add("rrule", _rrule(form))
            component.add_component(observance)
    if not component.subcomponents:  # a zone that has never changed since 1970
        offset, is_dst, name = _state(ZoneInfo(zone_name), 0)
        component.add_component(
            _observance(
                Transition(datetime(1970, 1, 1, tzinfo=UTC) - offset, offset, offset, name, is_dst)
            )
        )
    return component
