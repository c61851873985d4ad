"""The conference pack's programme summary: its dates, organisations, learning sets,
seminars and speakers, attendance and themes, as Markdown for casestudies/export.py."""

from collections import Counter

from ..db import rows
from ..portable_markdown.escaping import inline
from ..times import local_date, long_date

KIND_LABELS = {
    "nhs": "NHS",
    "local_authority": "Local authorities",
    "voluntary": "Voluntary and third sector",
    "other": "Other",
}
MEETING_KIND_LABELS = {
    "set_meeting": "Set meetings",
    "seminar": "Seminars",
    "conference": "Conference",
}


def programme_summary(db, programme, studies, at):
    dates = [
        f"- **Programme:** {long_date(programme['starts_on'])} to {long_date(programme['ends_on'])}"
    ]
    if programme["conference_on"]:
        dates.append(f"- **Closing conference:** {long_date(programme['conference_on'])}")
    return [
        "### Dates",
        "\n".join(dates),
        "### Organisations",
        _organisations_summary(db, programme["id"]),
        "### Learning sets",
        _learning_sets_summary(db, programme["id"]),
        "### Seminars and speakers",
        _seminars_summary(db, programme, at),
        "### Attendance",
        _attendance_summary(db, programme["id"], at),
        "### Themes",
        _themes_summary(studies),
    ]


def _organisations_summary(db, programme_id):
    organisations = rows(
        db,
        """SELECT DISTINCT o.name, o.kind FROM organisations o
           JOIN people p ON p.organisation_id = o.id
           JOIN programme_members m ON m.person_id = p.id AND m.programme_id = ?
           ORDER BY o.name""",
        [programme_id],
    )
    by_kind = {}
    for row in organisations:
        by_kind.setdefault(row["kind"], []).append(inline(row["name"]))
    lines = [
        f"- **{label}:** {', '.join(by_kind[kind])}"
        for kind, label in KIND_LABELS.items()
        if by_kind.get(kind)
    ]
    return "\n".join(lines) or "No organisations yet."


def _learning_sets_summary(db, programme_id):
    learning_sets = rows(
        db,
        """SELECT s.name, f.name AS facilitator,
              (SELECT group_concat(coalesce(nullif(p.borough, ''), p.priority_area), ', ')
               FROM (SELECT * FROM pairs WHERE learning_set_id = s.id ORDER BY borough) p)
              AS boroughs
           FROM learning_sets s LEFT JOIN people f ON f.id = s.facilitator_id
           WHERE s.programme_id = ? ORDER BY s.name""",
        [programme_id],
    )
    lines = []
    for row in learning_sets:
        line = f"- **{inline(row['name'])}**"
        if row["facilitator"]:
            line += f", facilitated by {inline(row['facilitator'])}"
        if row["boroughs"]:
            line += f": {inline(row['boroughs'])}"
        lines.append(line)
    return "\n".join(lines) or "No learning sets yet."


def _seminars_summary(db, programme, at):
    seminars = rows(
        db,
        """SELECT m.title, m.starts_at, m.speaker, m.speaker_organisation, m.topic,
              (SELECT count(*) FROM attendance a WHERE a.meeting_id = m.id
               AND a.status = 'attended' AND m.ends_at <= :at) AS attended
           FROM meetings m WHERE m.programme_id = :programme AND m.kind = 'seminar'
           AND m.status != 'cancelled' ORDER BY m.starts_at""",
        {"programme": programme["id"], "at": at},
    )
    lines = []
    for row in seminars:
        day = long_date(local_date(row["starts_at"], programme["time_zone"]))
        line = f"- **{day}:** *{inline(row['title'])}*"
        speaker = ", ".join(p for p in (row["speaker"], row["speaker_organisation"]) if p)
        if speaker:
            line += f", {inline(speaker)}"
        if row["topic"]:
            line += f". {inline(row['topic'])}"
        if row["attended"]:
            line += f" ({row['attended']} attended)"
        lines.append(line)
    return "\n".join(lines) or "No seminars yet."


def _attendance_summary(db, programme_id, at):
    """Figures for the meetings held by `at` (ended, not cancelled) with attendance recorded,
    by kind of meeting; apologies sent ahead for a meeting still to come are not counted."""
    figures = rows(
        db,
        """SELECT m.kind, count(DISTINCT m.id) AS meetings,
                  sum(a.status = 'attended') AS attended,
                  sum(a.status = 'apologies') AS apologies,
                  sum(a.status = 'absent') AS absent, count(*) AS recorded
               FROM meetings m JOIN attendance a ON a.meeting_id = m.id
               WHERE m.programme_id = :programme AND m.status != 'cancelled'
               AND m.ends_at <= :at
               GROUP BY m.kind ORDER BY m.kind""",
        {"programme": programme_id, "at": at},
    )
    if not figures:
        return "No attendance recorded yet."
    lines = [
        "| Meetings | Held | Attended | Apologies | Absent | Attendance |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in figures:
        label = MEETING_KIND_LABELS.get(row["kind"], inline(row["kind"]))
        rate = round(100 * row["attended"] / row["recorded"])
        lines.append(
            f"| {label} | {row['meetings']} | {row['attended']} | {row['apologies']} "
            f"| {row['absent']} | {rate}% |"
        )
    return "\n".join(lines)


def _themes_summary(studies):
    counts = Counter(theme for study in studies for theme in study["themes"])
    if not counts:
        return "No themes yet."
    lines = ["| Theme | Case studies |", "| --- | ---: |"]
    for theme, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"| {inline(theme)} | {count} |")
    return "\n".join(lines)
