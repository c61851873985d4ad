"""Journal pages: thin views over the queries and actions in actionlearning.journal."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from .. import audit, journal
from ..db import get_db
from ..fields import LongTextField
from ..security import Form
from . import entries
from .export import export_file_name, journal_export_zip
from .search import SEARCH_LIMIT, search_entries

bp = Blueprint("journal", __name__)


@bp.context_processor
def journal_labels():
    return {
        "journal_visibilities": journal.VISIBILITIES,
        "journal_themes": journal.THEMES,
        "journal_sections": journal.CASE_STUDY_SECTIONS,
    }


def _choices(pairs):
    """(value, label) pairs as the SelectChoice objects WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


class EntryForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=journal.MAX_TITLE)])
    what_happened = LongTextField(journal.PROMPTS["what_happened"], limit=journal.MAX_PROMPT)
    so_what = LongTextField(journal.PROMPTS["so_what"], limit=journal.MAX_PROMPT)
    now_what = LongTextField(journal.PROMPTS["now_what"], limit=journal.MAX_PROMPT)
    body = LongTextField("Anything else (Markdown)", limit=journal.MAX_BODY)
    programme_id = SelectField("Programme", coerce=int)
    meeting_id = SelectField("After which meeting", coerce=int)
    themes = SelectMultipleField(
        "Themes",
        choices=_choices((t, t.capitalize()) for t in journal.THEMES),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    tags = StringField("Tags", validators=[Length(max=400)])
    visibility = RadioField(
        "Who can read it", choices=_choices(journal.VISIBILITIES.items()), default="private"
    )
    consent_to_quote = BooleanField("My pair may quote this entry in our case study")
    case_study_section = SelectField(
        "Case-study section it informs",
        choices=_choices([("", "(none)"), *journal.CASE_STUDY_SECTIONS.items()]),
        default="",
    )


class ResponseForm(Form):
    body = LongTextField("Your response", [DataRequired()], limit=journal.MAX_RESPONSE)


def _entry_form(db, person_id, entry=None):
    """The entry form with this person's programmes and meetings, defaults filled in."""
    programmes = journal.writable_programmes(db, person_id)
    meetings = [
        choice for p in programmes for choice in journal.meeting_choices(db, person_id, p["id"])
    ]
    if entry is None:
        programme_id = programmes[0]["id"] if programmes else 0
        wanted = request.args.get("meeting_id", type=int)
        default = journal.default_meeting(db, person_id, programme_id) if programmes else None
        data = {
            "programme_id": programme_id,
            "meeting_id": wanted if wanted in dict(meetings) else default or 0,
        }
    else:
        data = {k: entry[k] for k in ("title", "body", *journal.PROMPTS, "visibility")}
        data |= {
            "programme_id": entry["programme_id"],
            "meeting_id": entry["meeting_id"] or 0,
            "themes": entry["themes"],
            "tags": ", ".join(entry["tags"]),
            "consent_to_quote": bool(entry["consent_to_quote"]),
            "case_study_section": entry["case_study_section"] or "",
        }
        if entry["meeting_id"] and entry["meeting_id"] not in dict(meetings):
            meetings.append((entry["meeting_id"], entry["meeting_label"] or "Earlier meeting"))
    form = EntryForm(data=data)
    form.programme_id.choices = _choices((p["id"], p["name"]) for p in programmes)
    form.meeting_id.choices = _choices([(0, "(none)"), *meetings])
    return form


def _fields(form):
    return {
        name: getattr(form, name).data
        for name in (
            "title",
            "body",
            *journal.PROMPTS,
            "visibility",
            "themes",
            "tags",
            "meeting_id",
            "consent_to_quote",
            "case_study_section",
        )
    }


def _save_or_preview(form, save):
    """Shared by new and edit: Preview re-shows the form, Save calls `save(fields)`."""
    if not form.validate_on_submit():
        return None, None
    try:
        if "preview" in request.form:
            return None, entries.preview(_fields(form))
        return save(_fields(form)), None
    except journal.JournalError as error:
        form.form_errors.append(str(error))
        return None, None


@bp.route("/journal/new", methods=["GET", "POST"])
@login_required
def new_entry():
    db = get_db()
    form = _entry_form(db, current_user.id)
    entry_id, preview = _save_or_preview(
        form,
        lambda f: entries.create_entry(db, current_user.id, form.programme_id.data or None, **f),
    )
    if entry_id:
        flash("Entry saved.", "info")
        return redirect(url_for("journal.show_entry", entry_id=entry_id))
    return render_template("journal/form.html", form=form, preview=preview, entry=None)


@bp.route("/journal/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_entry(entry_id):
    db = get_db()
    entry = journal.own_entry(db, current_user.id, entry_id)
    if entry is None:
        abort(404)
    form = _entry_form(db, current_user.id, entry)
    saved, preview = _save_or_preview(
        form, lambda f: entries.update_entry(db, current_user.id, entry_id, **f)
    )
    if saved:
        flash("Entry saved. The previous version is in its history.", "info")
        return redirect(url_for("journal.show_entry", entry_id=entry_id))
    return render_template("journal/form.html", form=form, preview=preview, entry=entry)


@bp.get("/journal/<int:entry_id>")
@login_required
def show_entry(entry_id):
    db = get_db()
    entry = journal.visible_entry(db, current_user.id, entry_id)
    if entry is None:
        abort(404)  # same answer for "missing" and "not yours"
    responses = journal.responses_to(db, current_user.id, entry_id)
    return render_template(
        "journal/entry.html", entry=entry, responses=responses, form=ResponseForm()
    )


@bp.post("/journal/<int:entry_id>/responses")
@login_required
def respond(entry_id):
    db = get_db()
    if journal.visible_entry(db, current_user.id, entry_id) is None:
        abort(404)
    form = ResponseForm()
    try:
        if not form.validate_on_submit():
            raise journal.JournalError(" ".join(form.body.errors) or "Write a response first.")
        entries.add_response(
            db, current_user.id, entry_id, form.body.data, current_app.config["BASE_URL"]
        )
    except journal.JournalError as error:
        flash(str(error), "error")
    return redirect(url_for("journal.show_entry", entry_id=entry_id) + "#responses")


@bp.get("/journal/<int:entry_id>/history")
@login_required
def history(entry_id):
    db = get_db()
    entry = journal.own_entry(db, current_user.id, entry_id)
    if entry is None:
        abort(404)
    revisions = journal.revisions_of(db, current_user.id, entry_id)
    return render_template("journal/history.html", entry=entry, revisions=revisions)


@bp.route("/journal/<int:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete_entry(entry_id):
    db = get_db()
    entry = journal.own_entry(db, current_user.id, entry_id)
    if entry is None:
        abort(404)
    form = Form()
    if form.validate_on_submit():
        entries.delete_entry(db, current_user.id, entry_id)
        flash(f"'{entry['title']}' was deleted for good.", "info")
        return redirect(url_for("journal.my_journal"))
    return render_template("journal/delete.html", entry=entry, form=form)


def _filters(args):
    """List filters from the query string; anything malformed is ignored."""
    filters = {
        "theme": args.get("theme") if args.get("theme") in journal.THEMES else None,
        "tag": "-".join(args.get("tag", "").lower().split()) or None,
        "meeting_id": args.get("meeting", type=int),
    }
    for key in ("since", "until"):
        filters[key] = None
        if args.get(key):  # (most lists have no dates: no exception raised and caught)
            try:
                filters[key] = date.fromisoformat(args[key]).isoformat()
            except ValueError:
                pass
    return filters


def _list_page(template, **extra):
    db = get_db()
    filters = _filters(request.args) | extra
    page = journal.entry_page(
        db,
        current_user.id,
        older=request.args.get("older", type=int),
        newer=request.args.get("newer", type=int),
        **filters,
    )
    return render_template(
        template,
        page=page,
        filters=filters,
        list_args={k: v for k, v in request.args.items() if k not in ("older", "newer")},
        reflect=journal.meetings_to_reflect_on(db, current_user.id),
    )


@bp.get("/journal")
@login_required
def my_journal():
    return _list_page("journal/mine.html", author="me", visibility=None)


@bp.get("/journal/shared")
@login_required
def shared():
    visibility = request.args.get("visibility")
    if visibility not in ("pair", "set", "programme"):
        visibility = None
    return _list_page("journal/shared.html", author="others", visibility=visibility)


@bp.get("/journal/search")
@login_required
def search():
    query = request.args.get("q", "")[:200]
    results = search_entries(get_db(), current_user.id, query) if query else []
    return render_template("journal/search.html", query=query, results=results, limit=SEARCH_LIMIT)


@bp.get("/journal/export.zip")
@login_required
def export():
    data = journal_export_zip(get_db(), current_user.id, current_user.name)
    audit.record(get_db(), "export.journal", current_user.id, current_user.id)
    return (
        data,
        200,
        {
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="{export_file_name()}"',
        },
    )
