"""The case-study workflow: a pair submits its draft, an organiser approves or returns it,
and reopens an approved one.

Each step checks `access()` (in casestudies/__init__.py) and, inside the write lock, that it is
based on the latest revision; each is logged in case_study_revisions like a save.
"""

from .. import audit
from ..db import now, one, write
from ..mail.notifications import queue_case_study_notices
from ..text import has_control_characters, rendered
from . import (
    FIELD_LABELS,
    MARKDOWN_FIELDS,
    MAX_TEXT,
    CaseStudyError,
    NotAllowed,
    _log,
    access,
    case_study,
)


def _for_change(db, pair_id, base_revision, allowed_from):
    """The case study, inside the write lock, if the change is based on its latest revision
    and allowed from its status."""
    current = case_study(db, pair_id)
    if current is None:
        raise CaseStudyError("The pair has not saved a case study yet.")
    if base_revision != current["revision"]:
        raise CaseStudyError(
            f"The case study has changed since you opened it (it is now at revision "
            f"{current['revision']}). Read the latest version and try again."
        )
    if current["status"] not in allowed_from:
        raise CaseStudyError(f"This case study is {current['status']}, so that cannot be done.")
    return current


def _audit(db, kind, person_id, pair_id, revision):
    found = one(db, "SELECT programme_id FROM pairs WHERE id = ?", [pair_id])
    audit.record(
        db, kind, person_id, None, found["programme_id"], pair_id=pair_id, revision=revision
    )


def submit_case_study(db, pair_id, person_id, base_revision, base_url=None):
    """A pair member sends the draft to the organisers for approval."""
    if access(db, person_id, pair_id) != "edit":
        raise NotAllowed("Only the pair's members can submit its case study.")
    with write(db):
        current = _for_change(db, pair_id, base_revision, ("draft",))
        missing = [FIELD_LABELS[f] for f in ("title", *MARKDOWN_FIELDS) if not current[f].strip()]
        if missing:
            raise CaseStudyError("Before submitting, fill in: " + ", ".join(missing) + ".")
        stamp = now()
        db["case_studies"].update(
            current["id"],
            {"status": "submitted", "submitted_at": stamp, "updated_at": stamp},
        )
        _log(db, current["id"], current["revision"], "submit", person_id, stamp)
        if base_url:  # the notice names the pair and who acted, never the text
            queue_case_study_notices(
                db, pair_id=pair_id, event="submitted", actor_id=person_id, base_url=base_url
            )


def approve_case_study(db, pair_id, person_id, base_revision, base_url=None):
    """An organiser approves the revision they read; it is read-only from then on."""
    if access(db, person_id, pair_id) != "review":
        raise NotAllowed("Only the programme's organisers can approve case studies.")
    with write(db):
        current = _for_change(db, pair_id, base_revision, ("submitted",))
        stamp = now()
        db["case_studies"].update(
            current["id"],
            {
                "status": "approved",
                "approved_at": stamp,
                "updated_at": stamp,
                "return_comment": "",
                "return_comment_html": "",
            },
        )
        _log(db, current["id"], current["revision"], "approve", person_id, stamp)
        if base_url:  # the notice names the pair and who acted, never the text
            queue_case_study_notices(
                db, pair_id=pair_id, event="approved", actor_id=person_id, base_url=base_url
            )
        _audit(db, "case_study.approved", person_id, pair_id, current["revision"])


def return_case_study(db, pair_id, person_id, base_revision, comment, base_url=None):
    """An organiser sends a submitted case study back to draft with comments for the pair."""
    if access(db, person_id, pair_id) != "review":
        raise NotAllowed("Only the programme's organisers can return case studies.")
    comment = (comment or "").strip()
    if not comment:
        raise CaseStudyError("Say what the pair should change before it comes back.")
    if has_control_characters(comment) or len(comment) > MAX_TEXT:
        raise CaseStudyError("The comment has control characters or is too long.")
    with write(db):
        current = _for_change(db, pair_id, base_revision, ("submitted",))
        stamp = now()
        db["case_studies"].update(
            current["id"],
            {
                "status": "draft",
                "return_comment": comment,
                "return_comment_html": rendered(comment, CaseStudyError),
                "updated_at": stamp,
            },
        )
        _log(db, current["id"], current["revision"], "return", person_id, stamp, comment=comment)
        if base_url:  # the notice names the pair and who acted, never the text
            queue_case_study_notices(
                db, pair_id=pair_id, event="returned", actor_id=person_id, base_url=base_url
            )
        _audit(db, "case_study.returned", person_id, pair_id, current["revision"])


def reopen_case_study(db, pair_id, person_id, comment=""):
    """An organiser makes an approved case study a draft again, so the pair can edit it."""
    if access(db, person_id, pair_id) != "review":
        raise NotAllowed("Only the programme's organisers can reopen case studies.")
    comment = (comment or "").strip()
    if has_control_characters(comment) or len(comment) > MAX_TEXT:
        raise CaseStudyError("The comment has control characters or is too long.")
    with write(db):
        current = case_study(db, pair_id)
        if current is None or current["status"] != "approved":
            raise CaseStudyError("Only an approved case study can be reopened.")
        stamp = now()
        db["case_studies"].update(
            current["id"],
            {
                "status": "draft",
                "approved_at": None,
                "return_comment": comment,
                "return_comment_html": rendered(comment, CaseStudyError) if comment else "",
                "updated_at": stamp,
            },
        )
        _log(db, current["id"], current["revision"], "reopen", person_id, stamp, comment=comment)
