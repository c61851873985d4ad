"""The checks every date change goes through before anything is written.

Some times are refused outright (a time the clocks skip, one they repeat without saying which,
an end not after the start: see `_check_times`); the rest are problems a person may have
reasons to accept — a bank holiday, a date in the past, outside the programme's dates, a
clash — so they are shown beside the date and need an explicit "Schedule anyway", carried by
the form as a token of exactly the problems that were shown.
"""

import hashlib
from datetime import UTC, datetime

import holidays

from .. import programmes
from ..db import rows
from ..times import day_text, long_day_text, to_local, to_utc
from . import SchedulingError, _check_times, meeting_people, meetings_for_programme


def bank_holidays(days):
    """England and Wales bank holidays for the years of these dates (and the next)."""
    years = sorted({d.year for d in days} | {d.year + 1 for d in days})
    return holidays.country_holidays("GB", subdiv="ENG", years=years)


def planned(db, programme_id, kind, starts_local, ends_local, learning_set_id=None):
    """A meeting to be, as the row keys the checks read (UTC times); refuses, with the field,
    times that do not exist or are ambiguous and an end that is not after the start."""
    prog = programmes.programme(db, programme_id)
    if prog is None:
        raise SchedulingError("There is no such programme.")
    _check_times(prog, starts_local, ends_local)
    return {
        "programme_id": programme_id,
        "learning_set_id": learning_set_id,
        "kind": kind,
        "starts_at": to_utc(starts_local, prog["time_zone"]),
        "ends_at": to_utc(ends_local, prog["time_zone"]),
    }


def date_problems(db, candidate, exclude=(), now=None, field="on"):
    """What a person must see and accept before a meeting goes at these times: a bank
    holiday, a date in the past, outside the programme's dates, clashes with the set's or
    its people's other meetings (`exclude`: meeting ids to leave out, such as itself).

    Returns [{"field", "kind" (bank_holiday, past, outside, clash), "message"}], in that
    order; [] when there is nothing to say.
    """
    prog = programmes.programme(db, candidate["programme_id"])
    start = to_local(candidate["starts_at"], prog["time_zone"])
    day = start.date()
    messages = []
    holiday = bank_holidays([day]).get(day)
    if holiday:
        bank = f"{long_day_text(day)} is {holiday}, a bank holiday in England and Wales."
        messages.append(("bank_holiday", bank))
    now = now or datetime.now(UTC)
    if datetime.fromisoformat(candidate["starts_at"]) < now:
        if day < to_local(now.isoformat(), prog["time_zone"]).date():
            messages.append(("past", f"{long_day_text(day)} is in the past."))
        else:
            messages.append(("past", f"{start:%H:%M} today has already passed."))
    if not prog["starts_on"] <= day.isoformat() <= prog["ends_on"]:
        first, last = (datetime.fromisoformat(prog[k]) for k in ("starts_on", "ends_on"))
        messages.append(
            (
                "outside",
                f"{long_day_text(day)} is outside the programme's dates "
                f"({long_day_text(first)} to {long_day_text(last)}).",
            )
        )
    messages += [("clash", f"Clash: {w}") for w in clashes(db, candidate, exclude=exclude)]
    return [{"field": field, "kind": kind, "message": m} for kind, m in messages]


def confirmation(problems):
    """The token a "Schedule anyway" carries: it confirms these problems and no others, so
    a date changed after the warnings were shown is checked again."""
    text = "\n".join(p["message"] for p in problems)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def confirmed(problems, token):
    """True when there is nothing to confirm, or the token confirms exactly these problems."""
    return not problems or token == confirmation(problems)


# Clashes: warnings, never refusals (a facilitator may have reasons).


def clashes(db, candidate, exclude_meeting_id=None, exclude=()):
    """Warnings for a meeting (a row, or a dict with the same keys) against other scheduled
    meetings at the same time: in its programme a seminar on a set meeting, the same set
    twice, or one person in two places; in other programmes, one person in two places (a
    facilitator may run sets in two cohorts). `exclude`: more meeting ids to leave out."""
    excluded = [exclude_meeting_id or 0, *exclude]
    others = rows(
        db,
        f"""SELECT m.*, s.name AS learning_set_name, g.time_zone, g.name AS programme_name
           FROM meetings m JOIN programmes g ON g.id = m.programme_id
           LEFT JOIN learning_sets s ON s.id = m.learning_set_id
           WHERE m.status = 'scheduled' AND m.starts_at < ? AND m.ends_at > ?
             AND m.id NOT IN ({", ".join("?" for _ in excluded)})
           ORDER BY m.starts_at""",
        [candidate["ends_at"], candidate["starts_at"], *excluded],
    )
    warnings = []
    mine = None
    for other in others:
        when = to_local(other["starts_at"], other["time_zone"])
        kinds = (candidate["kind"], other["kind"])
        if other["programme_id"] != candidate["programme_id"]:
            label = f"{other['title']}, {other['programme_name']} ({day_text(when)} {when:%H:%M})"
        else:
            label = f"{other['title']} ({day_text(when)} {when:%H:%M})"
            if "set_meeting" not in kinds:
                warnings.append(f"Overlaps {label}: the whole programme is invited to both.")
                continue
            if kinds != ("set_meeting", "set_meeting"):
                warnings.append(f"A seminar or the conference overlaps a set meeting: {label}.")
                continue
            if other["learning_set_id"] == candidate["learning_set_id"]:
                warnings.append(f"Overlaps another meeting of the same set: {label}.")
                continue
        mine = meeting_people(db, candidate) if mine is None else mine
        shared = mine & meeting_people(db, other)
        if shared:
            warnings.append(f"{_names(db, shared)} would be in two meetings at once: {label}.")
    return warnings


def _names(db, person_ids):
    ids = sorted(person_ids)
    rows = db.execute(
        f"SELECT name FROM people WHERE id IN ({', '.join('?' for _ in ids)}) ORDER BY name", ids
    ).fetchall()
    return ", ".join(r[0] for r in rows)


def clashes_for_programme(db, programme_id):
    """{meeting_id: [warnings]} for every scheduled meeting of a programme that clashes."""
    found = {}
    for row in meetings_for_programme(db, programme_id):
        if row["status"] != "scheduled":
            continue
        warnings = clashes(db, row, exclude_meeting_id=row["id"])
        if warnings:
            found[row["id"]] = warnings
    return found
