"""Case studies as Markdown: one file each with YAML front matter, the conference pack, a zip.

The output is read by python-markdown and by pandoc (to Word, HTML or PDF), so it sticks to
what both parse the same way: ATX headings with blank lines around them, explicit heading
ids where the contents links to them, pipe tables, and user text passed through
plain_markdown() so that it never makes a heading of its own.
"""

import io
import os
import re
import unicodedata
import zipfile
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import yaml

from ..text import inline, plain_markdown
from . import SECTIONS, STATUSES, CaseStudyError, _case_study, members_of_pairs

PACK_FILE = "conference-pack.md"
EXPORT_STATUSES = ("approved", "all")
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


class ExportError(CaseStudyError):
    """An export that cannot be made; the message says why."""


# Queries


def programme_for_export(db, programme_id=None):
    """The programme to export: the one asked for, or the only one there is."""
    if programme_id is not None:
        rows = list(db.query("SELECT * FROM programmes WHERE id = ?", [programme_id]))
        if not rows:
            raise ExportError(f"No programme with id {programme_id}.")
        return rows[0]
    rows = list(db.query("SELECT * FROM programmes ORDER BY starts_on DESC, id"))
    if len(rows) != 1:
        listing = ", ".join(f"{r['id']} ({r['name']})" for r in rows) or "none yet"
        raise ExportError(f"Choose a programme with --programme ID. Programmes: {listing}.")
    return rows[0]


_STUDY_ROWS = """SELECT c.*, p.borough, p.priority_area, p.partnering_model, p.name AS pair_name,
    p.programme_id, s.name AS learning_set_name,
    (SELECT group_concat(t.theme, '|') FROM case_study_themes t WHERE t.case_study_id = c.id)
        AS theme_list
FROM case_studies c JOIN pairs p ON p.id = c.pair_id
LEFT JOIN learning_sets s ON s.id = p.learning_set_id
WHERE """


def _with_members(db, rows):
    studies = [_case_study(row) for row in rows]
    members = members_of_pairs(db, [s["pair_id"] for s in studies])
    for study in studies:
        study["members"] = members.get(study["pair_id"], [])
    return studies


def studies_for_export(db, programme_id, status="approved"):
    """The programme's case studies ('approved' or 'all'), with pair details and members."""
    if status not in EXPORT_STATUSES:
        raise ExportError(f"Status must be one of {', '.join(EXPORT_STATUSES)}.")
    sql = _STUDY_ROWS + "p.programme_id = ?"
    if status == "approved":
        sql += " AND c.status = 'approved'"
    sql += " ORDER BY p.borough, c.title, c.id"
    return _with_members(db, db.query(sql, [programme_id]))


def case_study_file(db, pair_id):
    """(file name, Markdown) for one pair's case study, or None before its first save."""
    studies = _with_members(db, db.query(_STUDY_ROWS + "c.pair_id = ?", [pair_id]))
    if not studies:
        return None
    programme = programme_for_export(db, studies[0]["programme_id"])
    return case_study_files(studies, programme["time_zone"])[0]


# Markdown pieces


def slugify(text, fallback="case-study", limit=80):
    """A file-name-safe slug: ASCII letters, digits and hyphens only, so no '../', '/' or NUL."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:  # cut at a word boundary
        slug = slug[: limit + 1].rsplit("-", 1)[0]
    return slug.strip("-") or fallback


def local_date(value, time_zone):
    """'2027-03-30' for a UTC ISO time, in the programme's time zone; None stays None."""
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(ZoneInfo(time_zone)).date().isoformat()


def long_date(value):
    """'8 July 2027' for an ISO date."""
    day = date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def _organisations(study):
    return list(dict.fromkeys(m["organisation"] for m in study["members"] if m["organisation"]))


def front_matter(data):
    dumped = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096
    )
    return f"---\n{dumped}---\n\n"


def case_study_front_matter(study, time_zone):
    # pandoc reads front-matter strings as Markdown, so people's text is escaped as in the body.
    return front_matter(
        {
            "title": inline(study["title"]),
            "pair_members": [inline(m["name"]) for m in study["members"]],
            "organisations": [inline(o) for o in _organisations(study)],
            "borough": inline(study["borough"]),
            "priority_area": inline(study["priority_area"]),
            "partnering_model": study["partnering_model"],
            "learning_set": inline(study["learning_set_name"]),
            "themes": study["themes"],
            "key_outcomes": [inline(k) for k in study["key_outcomes"]],
            "status": study["status"],
            "created": local_date(study["created_at"], time_zone),
            "updated": local_date(study["updated_at"], time_zone),
            "submitted": local_date(study["submitted_at"], time_zone),
            "approved": local_date(study["approved_at"], time_zone),
            "lang": "en-GB",
        }
    )


def case_study_body(study, level=1, anchor=None, details=None):
    """`# Title`, summary, key outcomes, then the four questions one level down."""
    marks = "#" * level
    title = f"{marks} {inline(study['title'])}" + (f" {{#{anchor}}}" if anchor else "")
    parts = [title, details] if details else [title]
    if study["summary"].strip():
        parts.append(plain_markdown(study["summary"]))
    if study["key_outcomes"]:
        items = "\n".join(f"- {inline(k)}" for k in study["key_outcomes"])
        parts.append(f"**Key outcomes**\n\n{items}")
    for key, heading in SECTIONS.items():
        parts.append(f"{marks}# {heading}")
        parts.append(plain_markdown(study[key]) or "*Not written yet.*")
    return "\n\n".join(parts) + "\n"


def case_study_markdown(study, time_zone="Europe/London"):
    """One case study as a file: YAML front matter, then the case study."""
    return case_study_front_matter(study, time_zone) + case_study_body(study)


def _pack_details(study):
    rows = [
        ("Pair", ", ".join(m["name"] for m in study["members"])),
        ("Organisations", ", ".join(_organisations(study))),
        ("Borough", study["borough"]),
        ("Priority area", study["priority_area"]),
        ("Partnering model", study["partnering_model"]),
        ("Themes", ", ".join(study["themes"])),
    ]
    if study["status"] != "approved":
        rows.append(("Status", STATUSES[study["status"]]))
    return "\n".join(f"- **{label}:** {inline(value)}" for label, value in rows if value)


def study_anchor(study):
    return f"case-study-{study['pair_id']}"


# The conference pack


def conference_pack(db, programme, studies):
    """The pack: title, contents, programme summary, then every case study given (approved)."""
    title = f"{programme['name']}: conference pack"
    parts = [
        front_matter(
            {
                "title": inline(title),
                "date": str(programme["conference_on"] or programme["ends_on"]),
                "lang": "en-GB",
            }
        ).rstrip("\n"),
        f"# {inline(title)}",
        f"Case studies from the {inline(programme['name'])}, written by the pairs and "
        f"approved by the organisers: {len(studies)} in all.",
        "## Contents",
        "\n".join(
            ["- [Programme summary](#programme-summary)"]
            + [
                f"- [{inline(s['title'])}](#{study_anchor(s)})"
                + (f" ({inline(s['borough'])})" if s["borough"] else "")
                for s in studies
            ]
        ),
        "## Programme summary {#programme-summary}",
        *_programme_summary(db, programme, studies),
    ]
    for study in studies:
        body = case_study_body(study, 2, study_anchor(study), _pack_details(study))
        parts.append(body.rstrip("\n"))
    return "\n\n".join(parts) + "\n"


def _programme_summary(db, programme, studies):
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
        _seminars_summary(db, programme),
        "### Attendance",
        _attendance_summary(db, programme["id"]),
        "### Themes",
        _themes_summary(studies),
    ]


def _organisations_summary(db, programme_id):
    rows = db.query(
        """SELECT DISTINCT o.name, o.kind FROM organisations o
           JOIN people p ON p.organisation_id = o.id
           JOIN programme_members m ON m.person_id = p.id AND m.programme_id = ?
           ORDER BY o.name""",
        [programme_id],
    )
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(inline(row["name"]))
    lines = [
        f"- **{label}:** {', '.join(by_kind[kind])}"
        for kind, label in KIND_LABELS.items()
        if by_kind.get(kind)
    ]
    return "\n".join(lines) or "No organisations yet."


def _learning_sets_summary(db, programme_id):
    rows = db.query(
        """SELECT s.name, f.name AS facilitator,
              (SELECT group_concat(coalesce(nullif(p.borough, ''), p.priority_area), ', ')
               FROM (SELECT * FROM pairs WHERE learning_set_id = s.id ORDER BY borough) p)
              AS boroughs
           FROM learning_sets s LEFT JOIN people f ON f.id = s.facilitator_id
           WHERE s.programme_id = ? ORDER BY s.name""",
        [programme_id],
    )
    lines = []
    for row in rows:
        line = f"- **{inline(row['name'])}**"
        if row["facilitator"]:
            line += f", facilitated by {inline(row['facilitator'])}"
        if row["boroughs"]:
            line += f": {inline(row['boroughs'])}"
        lines.append(line)
    return "\n".join(lines) or "No learning sets yet."


def _seminars_summary(db, programme):
    rows = db.query(
        """SELECT m.title, m.starts_at, m.speaker, m.speaker_organisation, m.topic,
              (SELECT count(*) FROM attendance a WHERE a.meeting_id = m.id
               AND a.status = 'attended') AS attended
           FROM meetings m WHERE m.programme_id = ? AND m.kind = 'seminar'
           AND m.status != 'cancelled' ORDER BY m.starts_at""",
        [programme["id"]],
    )
    lines = []
    for row in rows:
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


def _attendance_summary(db, programme_id):
    """Figures for meetings with attendance recorded, by kind of meeting."""
    rows = list(
        db.query(
            """SELECT m.kind, count(DISTINCT m.id) AS meetings,
                  sum(a.status = 'attended') AS attended,
                  sum(a.status = 'apologies') AS apologies,
                  sum(a.status = 'absent') AS absent, count(*) AS recorded
               FROM meetings m JOIN attendance a ON a.meeting_id = m.id
               WHERE m.programme_id = ? AND m.status != 'cancelled'
               GROUP BY m.kind ORDER BY m.kind""",
            [programme_id],
        )
    )
    if not rows:
        return "No attendance recorded yet."
    lines = [
        "| Meetings | Held | Attended | Apologies | Absent | Attendance |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
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


# Files


def case_study_files(studies, time_zone, wrap=iter):
    """[(file name, Markdown)] for each case study; names are unique slugs ending '.md'."""
    files, used = [], {PACK_FILE}
    for study in wrap(studies):
        base = slugify(f"{study['borough']} {study['title']}")
        name, n = f"{base}.md", 2
        while name in used:
            name, n = f"{base}-{n}.md", n + 1
        used.add(name)
        files.append((name, case_study_markdown(study, time_zone)))
    return files


def export_files(db, programme_id=None, status="approved", wrap=iter):
    """Everything an export holds: [(file name, Markdown)], the case studies then the pack.

    The pack always holds the approved case studies only; status says which single files
    come with it. wrap(iterable) may show progress.
    """
    programme = programme_for_export(db, programme_id)
    studies = studies_for_export(db, programme["id"], status)
    approved = [s for s in studies if s["status"] == "approved"]
    files = case_study_files(studies, programme["time_zone"], wrap)
    files.append((PACK_FILE, conference_pack(db, programme, approved)))
    return files


def pack_file(db, programme_id):
    """(file name, Markdown) of the conference pack alone."""
    programme = programme_for_export(db, programme_id)
    return PACK_FILE, conference_pack(db, programme, studies_for_export(db, programme["id"]))


def zip_bytes(files):
    """The files as a zip archive, flat, names as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files:
            archive.writestr(_safe_name(name), text.encode("utf-8"))
    return buffer.getvalue()


def _safe_name(name):
    # Names come from slugify(); this guard keeps it that way if that ever changes.
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*\.md", name):
        raise ExportError(f"Refusing to write an unsafe file name: {name!r}.")
    return name


def write_export(db, out_dir, programme_id=None, status="approved", zip_path=None, wrap=iter):
    """Write the files into out_dir (created when missing) and, when asked, a zip too.

    Returns {"files": [names], "case_studies": n, "zip": path or None}.
    """
    files = export_files(db, programme_id, status, wrap)
    os.makedirs(out_dir, exist_ok=True)
    for name, text in files:
        path = os.path.join(out_dir, _safe_name(name))
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    if zip_path:
        with open(zip_path, "wb") as f:
            f.write(zip_bytes(files))
    return {"files": [n for n, _ in files], "case_studies": len(files) - 1, "zip": zip_path}
