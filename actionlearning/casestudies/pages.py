"""What the case-study pages show: the case studies a person may see, and one case study
(or the blank one its editor starts from) with its pair and history."""

from ..db import rows
from . import (
    ACCESS,
    MARKDOWN_FIELDS,
    SECTIONS,
    STATUSES,
    case_study,
    history,
    pair_details,
    pair_label,
    render_section,
)


def case_studies_for(db, person_id, programme_id=None, status=None):
    """The pairs whose case study this person may see, with its status ('' before the first
    save); organisers may filter by programme and status."""
    sql = f"""SELECT p.id AS pair_id, p.borough, p.priority_area, p.name, p.programme_id,
                g.name AS programme_name, c.title, c.status, c.revision, c.updated_at,
                s.name AS learning_set_name
             FROM pairs p JOIN programmes g ON g.id = p.programme_id
             LEFT JOIN case_studies c ON c.pair_id = p.id
             LEFT JOIN learning_sets s ON s.id = p.learning_set_id
             WHERE ({ACCESS}) IS NOT NULL"""
    params = {"me": person_id}
    if programme_id is not None:
        sql += " AND p.programme_id = :programme"
        params["programme"] = programme_id
    if status:
        sql += " AND coalesce(c.status, '') = :status"
        params["status"] = status
    sql += " ORDER BY g.starts_on DESC, p.borough, p.priority_area"
    return [{**row, "label": pair_label(row)} for row in rows(db, sql, params)]


def case_study_page(db, pair_id):
    """What the case-study pages show: the pair, its case study (or a blank one) and history."""
    pair = pair_details(db, pair_id)
    study = case_study(db, pair_id)
    return {
        "pair": pair,
        "study": study or blank_case_study(pair),
        "saved": study is not None,
        "history": history(db, study["id"]) if study else [],
        "sections": SECTIONS,
        "statuses": STATUSES,
    }


def blank_case_study(pair):
    """What the editor starts from before the first save: the pair's own problem statement."""
    return {
        "id": None,
        "pair_id": pair["id"],
        "title": pair["priority_area"],
        **{name: "" for name in MARKDOWN_FIELDS},
        **{name + "_html": "" for name in MARKDOWN_FIELDS},
        "problem": pair.get("problem_statement") or "",
        "problem_html": render_section(pair.get("problem_statement") or ""),
        "key_outcomes": [],
        "themes": [],
        "status": "draft",
        "return_comment": "",
        "return_comment_html": "",
        "revision": 0,
        "created_at": None,
        "updated_at": None,
        "submitted_at": None,
        "approved_at": None,
    }
