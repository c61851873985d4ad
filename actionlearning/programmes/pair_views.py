"""Pages for an organiser's pairs and learning sets: list and add, edit a pair, and the
warnings shown once they are saved. They register on the programmes blueprint, so endpoints
keep the `programmes.` prefix (programmes.pair_list). A set's own pages, editing it among
them, are the learning_sets blueprint's (scheduling/learning_set_views.py)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..auth.views import organiser_required
from ..db import get_db
from ..security import Form
from . import ProgrammeError, organised_programme, programme_people
from .pairs import (
    DEFAULT_GROUND_RULES,
    PARTNERING_MODELS,
    create_learning_set,
    create_pair,
    learning_set_warnings,
    learning_sets_for_programme,
    pair,
    pair_ids_in_set,
    pair_warnings,
    pairs_for_programme,
    update_pair,
)
from .views import CheckboxesField, bp, invitations_for, options, organiser_programme


class PairForm(Form):
    member_ids = CheckboxesField("Members (two, or three with a third partner)", coerce=int)
    priority_area = StringField("Priority area", validators=[DataRequired(), Length(max=300)])
    borough = StringField("Borough", validators=[Length(max=120)])
    name = StringField("Label (optional, used by the spreadsheet import)", [Length(max=120)])
    problem_statement = TextAreaField("Problem statement", validators=[Length(max=5000)])
    partnering_model = SelectField(
        "Partnering model", choices=options((m, m.capitalize()) for m in PARTNERING_MODELS)
    )
    learning_set_id = SelectField("Learning set", coerce=int)


class LearningSetForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    facilitator_id = SelectField("Facilitator", coerce=int)
    pair_ids = CheckboxesField("Pairs", coerce=int)
    ground_rules = TextAreaField(
        "Ground rules (Markdown; confidentiality first)", validators=[Length(max=5000)]
    )


# Pairs


@bp.route("/programmes/<int:programme_id>/pairs", methods=["GET", "POST"])
@organiser_required
def pair_list(programme_id):
    db = get_db()
    row = organiser_programme(programme_id)
    form = _pair_form(db, programme_id)
    if form.validate_on_submit():
        try:
            with invitations_for(programme_id):
                create_pair(db, programme_id, **_pair_fields(form))
        except ProgrammeError as error:
            form.attach_error(error)
        else:
            return _after_pair_saved(db, form, programme_id, "Pair added.")
    pairs = pairs_for_programme(db, programme_id)
    return render_template("programmes/pairs.html", programme=row, pairs=pairs, form=form)


@bp.route("/pairs/<int:pair_id>/edit", methods=["GET", "POST"])
@login_required
def edit_pair(pair_id):
    db = get_db()
    row = pair(db, pair_id)
    if row is None or organised_programme(db, current_user.id, row["programme_id"]) is None:
        abort(404)  # the same answer for "missing" and "another programme's pair"
    form = _pair_form(db, row["programme_id"], row)
    if form.validate_on_submit():
        try:
            with invitations_for(row["programme_id"]):
                update_pair(db, pair_id, **_pair_fields(form))
        except ProgrammeError as error:
            form.attach_error(error)
        else:
            return _after_pair_saved(db, form, row["programme_id"], "Pair saved.")
    return render_template("programmes/pair_edit.html", pair=row, form=form)


def _pair_form(db, programme_id, row=None):
    data = None
    if row is not None:
        data = {**row, "learning_set_id": row["learning_set_id"] or 0}
    form = PairForm(data=data)
    # Current members stay on the list whatever their role, so saving never drops one unseen.
    current = row["member_ids"] if row else []
    people = [
        p
        for p in programme_people(db, programme_id)
        if p["programme_role"] == "participant" or p["id"] in current
    ]
    form.member_ids.choices = options(
        (p["id"], f"{p['name']} ({p['organisation'] or 'no organisation'})") for p in people
    )
    form.learning_set_id.choices = options(
        [(0, "(not yet in a set)")]
        + [(s["id"], s["name"]) for s in learning_sets_for_programme(db, programme_id)]
    )
    return form


def _pair_fields(form):
    """The pair form's values as create_pair and update_pair take them."""
    values = {
        k: getattr(form, k).data
        for k in ("member_ids", "priority_area", "borough", "problem_statement", "name")
    }
    return {
        **values,
        "partnering_model": form.partnering_model.data,
        "learning_set_id": form.learning_set_id.data or None,
    }


def _after_pair_saved(db, form, programme_id, message):
    for warning in pair_warnings(db, form.member_ids.data):
        flash(warning, "warning")
    flash(message, "info")
    return redirect(url_for("programmes.pair_list", programme_id=programme_id))


# Learning sets


@bp.route("/programmes/<int:programme_id>/sets", methods=["GET", "POST"])
@organiser_required
def learning_set_list(programme_id):
    db = get_db()
    row = organiser_programme(programme_id)
    form = learning_set_form(db, programme_id)
    if form.validate_on_submit():
        try:
            with invitations_for(programme_id):
                new_id = create_learning_set(db, programme_id, *learning_set_values(form))
        except ProgrammeError as error:
            form.attach_error(error)
        else:
            return after_learning_set_saved(db, new_id, programme_id)
    sets = learning_sets_for_programme(db, programme_id)
    return render_template("programmes/sets.html", programme=row, sets=sets, form=form)


def learning_set_form(db, programme_id, row=None):
    data = None
    if row is not None:
        data = {**row, "pair_ids": pair_ids_in_set(db, row["id"])}
    form = LearningSetForm(data=data)
    facilitators = programme_people(db, programme_id, roles=["facilitator", "organiser"])
    form.facilitator_id.choices = options(
        [(0, "(none yet)")] + [(p["id"], p["name"]) for p in facilitators]
    )
    form.pair_ids.choices = options(
        (p["id"], f"{p['borough'] or 'No borough'}: {p['priority_area']}")
        for p in pairs_for_programme(db, programme_id)
    )
    if row is None and not form.ground_rules.data:
        form.ground_rules.data = DEFAULT_GROUND_RULES
    return form


def learning_set_values(form):
    return (
        form.name.data,
        form.facilitator_id.data or None,
        form.ground_rules.data,
        form.pair_ids.data or [],
    )


def after_learning_set_saved(db, learning_set_id, programme_id):
    for warning in learning_set_warnings(db, learning_set_id):
        flash(warning, "warning")
    flash("Learning set saved.", "info")
    return redirect(url_for("programmes.learning_set_list", programme_id=programme_id))
