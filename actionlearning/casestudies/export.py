"""Case studies as Markdown: one file each with YAML front matter, the conference pack, a zip.

The output is read by pandoc (to Word, HTML, LaTeX or PDF), by CommonMark readers (GitHub,
GitLab) and by python-markdown, so it sticks to what all of them parse the same way: ATX
headings with blank lines around them, `<span id>` anchors where the contents links to them
(kept by all three, and a bookmark in pandoc's Word output), pipe tables. People's sections
are written from their sanitised stored HTML by portable_markdown, so nothing in one can
reach the structure around it; single lines go through inline(), front matter through
front_matter_text(). Word and PDF are made from this Markdown in casestudies/documents.py.
"""

import io
import os
import re
import unicodedata
import zipfile

import yaml

from ..db import now, one, rows
from ..evaluation.pack import evaluation_section
from ..portable_markdown import markdown_from_html
from ..portable_markdown.escaping import front_matter_text, inline
from ..times import local_date
from . import SECTIONS, STATUSES, CaseStudyError, _case_study, members_of_pairs
from .summary import programme_summary

PACK_FILE = "conference-pack.md"
EXPORT_STATUSES = ("approved", "all")


class ExportError(CaseStudyError):
    """An export that cannot be made; the message says why."""


# Queries


def programme_for_export(db, programme_id=None):
    """The programme to export: the one asked for, or the only one there is."""
    if programme_id is not None:
        found = one(db, "SELECT * FROM programmes WHERE id = ?", [programme_id])
        if found is None:
            raise ExportError(f"No programme with id {programme_id}.")
        return found
    every = rows(db, "SELECT * FROM programmes ORDER BY starts_on DESC, id")
    if len(every) != 1:
        listing = ", ".join(f"{r['id']} ({r['name']})" for r in every) or "none yet"
        raise ExportError(f"Choose a programme with --programme ID. Programmes: {listing}.")
    return every[0]


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
    return _with_members(db, rows(db, sql, [programme_id]))


def case_study_file(db, pair_id):
    """(file name, Markdown) for one pair's case study, or None before its first save."""
    studies = _with_members(db, rows(db, _STUDY_ROWS + "c.pair_id = ?", [pair_id]))
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


def _organisations(study):
    return list(dict.fromkeys(m["organisation"] for m in study["members"] if m["organisation"]))


def front_matter(data):
    dumped = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096
    )
    return f"---\n{dumped}---\n\n"


def case_study_front_matter(study, time_zone):
    text = front_matter_text
    return front_matter(
        {
            "title": text(study["title"]),
            "pair_members": [text(m["name"]) for m in study["members"]],
            "organisations": [text(o) for o in _organisations(study)],
            "borough": text(study["borough"] or ""),
            "priority_area": text(study["priority_area"] or ""),
            "partnering_model": study["partnering_model"],
            "learning_set": text(study["learning_set_name"] or ""),
            "themes": study["themes"],
            "key_outcomes": [text(k) for k in study["key_outcomes"]],
            "status": study["status"],
            "created": local_date(study["created_at"], time_zone),
            "updated": local_date(study["updated_at"], time_zone),
            "submitted": local_date(study["submitted_at"], time_zone),
            "approved": local_date(study["approved_at"], time_zone),
            "lang": "en-GB",
        }
    )


def anchor(anchor_id):
    """An anchor every reader keeps: raw HTML to CommonMark and python-markdown, a native
    span (so a Word bookmark) to pandoc. `{#id}` after a heading is pandoc's alone."""
    return f'<span id="{anchor_id}"></span>' if anchor_id else ""


def case_study_body(study, level=1, anchor_id=None, details=None):
    """`# Title`, then the case study itself (case_study_content)."""
    title = f"{'#' * level} {anchor(anchor_id)}{inline(study['title'])}"
    return f"{title}\n\n{case_study_content(study, level, details)}"


def case_study_content(study, level=1, details=None):
    """Details, summary, key outcomes, then the four questions one level below `level`."""
    parts = [details] if details else []
    if study["summary_html"].strip():
        parts.append(markdown_from_html(study["summary_html"]))
    if study["key_outcomes"]:
        items = "\n".join(f"- {inline(k)}" for k in study["key_outcomes"])
        parts.append(f"**Key outcomes**\n\n{items}")
    for key, heading in SECTIONS.items():
        parts.append(f"{'#' * (level + 1)} {heading}")
        parts.append(markdown_from_html(study[key + "_html"]) or "*Not written yet.*")
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
    return f"pack-case-study-{study['pair_id']}"


# The conference pack


def pack_parts(db, programme, studies, at=None, evaluation=True):
    """What the pack holds, for each format to lay out: its title, a line of introduction and
    the sections after the contents, each {anchor, heading, label, body} (body: Markdown
    blocks under the section's level-2 heading), and the images they refer to. A new section
    before the case studies is one more entry in the list. evaluation=False leaves out the
    Evaluation section and its charts (bench/evaluation.py measures what they cost)."""
    sections = [
        {
            "anchor": "pack-programme-summary",
            "heading": "Programme summary",
            "label": "Programme summary",
            "body": "\n\n".join(programme_summary(db, programme, studies, at or now())),
        },
    ]
    images = {}
    if evaluation:
        body, images = evaluation_section(db, programme["id"], at)
        sections.append(
            {"anchor": "pack-evaluation", "heading": "Evaluation", "label": "Evaluation",
             "body": body}
        )  # fmt: skip
    for study in studies:
        borough = f" ({inline(study['borough'])})" if study["borough"] else ""
        sections.append(
            {
                "anchor": study_anchor(study),
                "heading": study["title"],
                "label": inline(study["title"]) + borough,
                "body": case_study_content(study, 2, _pack_details(study)),
            }
        )
    return {
        "title": f"{programme['name']}: conference pack",
        "date": str(programme["conference_on"] or programme["ends_on"]),
        "introduction": f"Case studies from the {inline(programme['name'])}, written by the pairs "
        f"and approved by the organisers: {len(studies)} in all.",
        "sections": sections,
        "images": images,  # {file name: PNG}, referenced by relative path from the sections
    }


def pack_markdown(parts, contents=True):
    """The pack as one Markdown document; contents=False leaves the contents list to the
    format (Word's own table of contents, the PDF's with page numbers)."""
    blocks = [
        front_matter(
            {"title": front_matter_text(parts["title"]), "date": parts["date"], "lang": "en-GB"}
        ).rstrip("\n"),
        f"# {inline(parts['title'])}",
        parts["introduction"],
    ]
    if contents:
        links = [f"- [{s['label']}](#{s['anchor']})" for s in parts["sections"]]
        blocks += ["## Contents", "\n".join(links)]
    return "\n\n".join(blocks) + "\n\n" + pack_sections_markdown(parts)


def pack_sections_markdown(parts):
    """The pack's sections alone, each under its level-2 heading with its anchor."""
    blocks = []
    for section in parts["sections"]:
        blocks.append(f"## {anchor(section['anchor'])}{inline(section['heading'])}")
        blocks.append(section["body"].rstrip("\n"))
    return "\n\n".join(blocks) + "\n"


def conference_pack(db, programme, studies, at=None):
    """The pack: title, contents, programme summary, evaluation, then every case study given
    (approved); returns (Markdown, {image file name: PNG bytes})."""
    parts = pack_parts(db, programme, studies, at)
    return pack_markdown(parts), parts["images"]


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
    """Everything an export holds: [(file name, Markdown or PNG bytes)], the case studies,
    then the pack and the chart images it refers to.

    The pack always holds the approved case studies only; status says which single files
    come with it. wrap(iterable) may show progress.
    """
    programme = programme_for_export(db, programme_id)
    studies = studies_for_export(db, programme["id"], status)
    approved = [s for s in studies if s["status"] == "approved"]
    files = case_study_files(studies, programme["time_zone"], wrap)
    pack, images = conference_pack(db, programme, approved)
    files.append((PACK_FILE, pack))
    return files + sorted(images.items())


def pack_file(db, programme_id):
    """(file name, Markdown) of the conference pack alone."""
    parts = pack_document(db, programme_id)
    return PACK_FILE, pack_markdown(parts)


def pack_document(db, programme_id, at=None):
    """pack_parts() of the programme's approved case studies, for any format."""
    programme = programme_for_export(db, programme_id)
    return pack_parts(db, programme, studies_for_export(db, programme["id"]), at)


def case_study_document(db, pair_id):
    """One case study for any format: {name (without extension), title, subtitle,
    markdown (the whole file), body (Markdown below the title)}, or None before its first
    save."""
    studies = _with_members(db, rows(db, _STUDY_ROWS + "c.pair_id = ?", [pair_id]))
    if not studies:
        return None
    study = studies[0]
    programme = programme_for_export(db, study["programme_id"])
    name, markdown = case_study_files(studies, programme["time_zone"])[0]
    return {
        "name": name.removesuffix(".md"),
        "title": study["title"],
        "subtitle": " · ".join(
            x for x in (study["borough"], study["priority_area"], programme["name"]) if x
        ),
        "markdown": markdown,
        "body": case_study_content(study, 1, _pack_details(study)),
    }


def zip_bytes(files):
    """The files as a zip archive, flat, names as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(_safe_name(name), _encoded(content))
    return buffer.getvalue()


def _encoded(content):
    return content if isinstance(content, bytes) else content.encode("utf-8")


def _safe_name(name):
    # Names come from slugify() or are the pack's chart images; this guard keeps it that way.
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*\.(md|png)", name):
        raise ExportError(f"Refusing to write an unsafe file name: {name!r}.")
    return name


def write_export(db, out_dir, programme_id=None, status="approved", zip_path=None, wrap=iter):
    """Write the files into out_dir (created when missing) and, when asked, a zip too.

    Returns {"files": [names], "case_studies": n, "zip": path or None}.
    """
    files = export_files(db, programme_id, status, wrap)
    os.makedirs(out_dir, exist_ok=True)
    for name, content in files:
        with open(os.path.join(out_dir, _safe_name(name)), "wb") as f:
            f.write(_encoded(content))
    if zip_path:
        with open(zip_path, "wb") as f:
            f.write(zip_bytes(files))
    names = [n for n, _ in files]
    markdown = [n for n in names if n.endswith(".md")]
    return {"files": names, "case_studies": len(markdown) - 1, "zip": zip_path}
