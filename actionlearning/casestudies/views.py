"""Case-study pages: list, read, write together, the workflow buttons and the exports."""

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from wtforms import HiddenField, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from .. import audit, evaluation
from .. import casestudies as cs
from ..db import get_db
from ..fields import LongTextField
from ..programmes import organised_programmes
from ..security import Form
from ..times import long_date
from . import documents, export, pages, workflow

bp = Blueprint("casestudies", __name__, url_prefix="/case-studies")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CaseStudyForm(Form):
    base_revision = HiddenField(validators=[Regexp(r"^\d+$")])
    title = StringField("Title", validators=[DataRequired(), Length(max=cs.MAX_TITLE)])
    summary = LongTextField("Summary", limit=cs.MAX_TEXT)
    problem = LongTextField(cs.SECTIONS["problem"], limit=cs.MAX_TEXT)
    what_we_did = LongTextField(cs.SECTIONS["what_we_did"], limit=cs.MAX_TEXT)
    outcomes = LongTextField(cs.SECTIONS["outcomes"], limit=cs.MAX_TEXT)
    learning = LongTextField(cs.SECTIONS["learning"], limit=cs.MAX_TEXT)
    key_outcomes = TextAreaField("Key outcomes (one a line)")
    themes = CheckboxesField("Themes", choices=[SelectChoice(t, t.capitalize()) for t in cs.THEMES])

    def fields(self):
        return {name: self[name].data for name in (*cs.TEXT_FIELDS, "key_outcomes", "themes")}


class StepForm(Form):
    base_revision = HiddenField(validators=[Regexp(r"^\d+$")])
    comment = LongTextField("Comments for the pair", limit=cs.MAX_TEXT)


STEPS = {
    "submit": (
        lambda db, pair, me, rev, _c, url: workflow.submit_case_study(db, pair, me, rev, url),
        "Submitted to the organisers for approval.",
    ),
    "approve": (
        lambda db, pair, me, rev, _c, url: workflow.approve_case_study(db, pair, me, rev, url),
        "Approved: the case study goes into the conference pack.",
    ),
    "return": (workflow.return_case_study, "Returned to the pair with your comments."),
    "reopen": (
        lambda db, pair, me, _rev, c, _url: workflow.reopen_case_study(db, pair, me, c),
        "Reopened: the pair can edit it again.",
    ),
}


def _access_or_404(db, pair_id):
    level = cs.access(db, current_user.id, pair_id)
    if level is None:
        abort(404)  # the same answer for "no such pair" and "not yours"
    return level


def _editor_data(study):
    return {
        **study,
        "key_outcomes": "\n".join(study["key_outcomes"]),
        "base_revision": study["revision"],
    }


def _insert_request():
    """The 'Insert' button pressed, as {"entry_id", "attribution", "section"}, or None."""
    entry, _, attribution = request.form.get("insert", "").partition(":")
    if not entry.isdigit():
        return None
    section = request.form.get(f"section_{entry}", "")
    return {"entry_id": int(entry), "attribution": attribution, "section": section}


@bp.get("/")
@login_required
def index():
    db = get_db()
    rows = pages.case_studies_for(db, current_user.id)
    organised = organised_programmes(db, current_user.id)
    return render_template("casestudies/index.html", rows=rows, organised=organised)


@bp.get("/<int:pair_id>")
@login_required
def show_case_study(pair_id):
    db = get_db()
    level = _access_or_404(db, pair_id)
    page = pages.case_study_page(db, pair_id)
    return render_template("casestudies/show.html", level=level, step_form=StepForm(), **page)


@bp.route("/<int:pair_id>/edit", methods=["GET", "POST"])
@login_required
def edit_case_study(pair_id):
    db = get_db()
    if _access_or_404(db, pair_id) != "edit":
        abort(403)
    page = pages.case_study_page(db, pair_id)
    form = CaseStudyForm(data=_editor_data(page["study"]))
    conflict, insert = None, _insert_request()
    if form.validate_on_submit():
        revision, conflict = _save(db, pair_id, form, insert)
        if revision is not None:
            flash(f"Saved as revision {revision}.")
            if insert:
                return redirect(url_for(".edit_case_study", pair_id=pair_id) + "#excerpts")
            return redirect(url_for(".show_case_study", pair_id=pair_id))
    return render_template(
        "casestudies/edit.html",
        form=form,
        conflict=conflict,
        excerpts=cs.excerpts_for_editor(db, pair_id),
        rating_comments=evaluation.case_study_comments(db, pair_id),
        factor_labels=evaluation.FACTOR_LABELS,
        **page,
    )


def _save(db, pair_id, form, insert):
    """(the new revision, None) once saved; (None, the StaleRevision) when someone saved
    first, the form then based on their revision; (None, None) for any other refusal."""
    try:
        revision = cs.save_case_study(
            db, pair_id, current_user.id, int(form.base_revision.data), form.fields(), insert
        )
    except cs.StaleRevision as error:
        form.base_revision.data = str(error.current_revision)
        flash(str(error), "error")
        return None, error
    except cs.CaseStudyError as error:
        flash(str(error), "error")
        return None, None
    return revision, None


@bp.post("/<int:pair_id>/<any(submit, approve, return, reopen):step>")
@login_required
def change_status(pair_id, step):
    db = get_db()
    _access_or_404(db, pair_id)
    form = StepForm()
    action, message = STEPS[step]
    if not form.validate_on_submit():
        flash("The form could not be accepted; reload the page and try again.", "error")
        return redirect(url_for(".show_case_study", pair_id=pair_id))
    try:
        action(
            db,
            pair_id,
            current_user.id,
            int(form.base_revision.data),
            form.comment.data,
            current_app.config["BASE_URL"],
        )
    except cs.NotAllowed:
        abort(403)
    except cs.CaseStudyError as error:
        message = str(error)
    flash(message)
    return redirect(url_for(".show_case_study", pair_id=pair_id))


@bp.get("/<int:pair_id>/case-study.<any(md, docx, pdf):fmt>")
@login_required
def download_case_study(pair_id, fmt):
    db = get_db()
    _access_or_404(db, pair_id)  # one rule for the page and every format of its export
    found = export.case_study_document(db, pair_id)
    if found is None:
        abort(404)
    _audit_download(db, "export.case_study", pair_id=pair_id)
    page = {"kicker": "Case study", "title": found["title"], "subtitle": found["subtitle"]}
    return _document(fmt, found["name"], found["markdown"], found["body"], page)


def _export_filters(db):
    """(programme, status) from the query string, for an organiser of that programme."""
    organised = organised_programmes(db, current_user.id)
    if not organised:
        abort(403)
    programme_id = request.args.get("programme", organised[0]["id"], type=int)
    status = request.args.get("status", "approved")
    if programme_id not in {p["id"] for p in organised} or status not in export.EXPORT_STATUSES:
        abort(404)
    return organised, programme_id, status


@bp.get("/export")
@login_required
def export_page():
    db = get_db()
    organised, programme_id, status = _export_filters(db)
    studies = export.studies_for_export(db, programme_id, status)
    return render_template(
        "casestudies/export.html",
        programmes=organised,
        programme_id=programme_id,
        status=status,
        studies=studies,
    )


@bp.get("/export.zip")
@login_required
def export_zip():
    db = get_db()
    _organised, programme_id, status = _export_filters(db)
    files = export.export_files(db, programme_id, status)
    _audit_download(db, "export.case_studies", programme_id, status=status)
    name = f"case-studies-{programme_id}-{status}.zip"
    return _download(export.zip_bytes(files), name, "application/zip")


@bp.get("/export/conference-pack.<any(md, docx, pdf):fmt>")
@login_required
def export_pack(fmt):
    db = get_db()
    _organised, programme_id, _status = _export_filters(db)  # organisers of the programme
    parts = export.pack_document(db, programme_id)
    _audit_download(db, "export.pack", programme_id)
    markdown = export.pack_markdown(parts, contents=fmt == "md")  # Word and PDF make their own
    page = {"kicker": "Conference pack", "title": parts["title"]}
    page["date"] = long_date(parts["date"])
    page["contents"], page["kind"] = parts["sections"], "pack"
    body = export.pack_sections_markdown(parts)
    return _document(fmt, "conference-pack", markdown, body, page, parts["images"])


def _document(fmt, name, markdown, body, page, images=None):
    """The download in its format: the Markdown itself, Word from it, or a PDF of its body
    laid out under a title page; `images` are the pack's charts."""
    try:
        if fmt == "docx":
            docx = documents.docx_bytes(markdown, images)
            return _download(docx, f"{name}.docx", documents.DOCX)
        if fmt == "pdf":
            html = render_template(
                "casestudies/document.html", body_html=documents.html_fragment(body), **page
            )
            return _download(documents.pdf_bytes(html, images), f"{name}.pdf", "application/pdf")
    except documents.DocumentError as error:
        flash(str(error), "error")
        return redirect(url_for(".index"))
    return _download(markdown.encode("utf-8"), f"{name}.md", "text/markdown; charset=utf-8")


def _audit_download(db, kind, programme_id=None, **detail):
    if programme_id is None:  # one case study: its pair's programme
        programme_id = cs.pair_details(db, detail["pair_id"])["programme_id"]
    audit.record(db, kind, current_user.id, None, programme_id, **detail)


def _download(data, name, mimetype):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
