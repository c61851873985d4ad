"""Pages: a participant's ratings, the organiser's evaluation of a programme with its charts,
and a facilitator's view of their sets' figures."""

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..db import get_db
from ..programmes import organised_programme
from ..security import Form
from . import (
    COMMENT_MAX,
    FACTORS,
    PARTNERSHIP_FACTORS,
    PERSONAL_FACTORS,
    RATING_LABELS,
    STAGES,
    EvaluationError,
    close_round,
    open_round,
    own_response,
    round_for_rater,
    rounds_for_person,
    rounds_for_programme,
    save_response,
)
from .charts import CHARTS, chart, programme_charts
from .figures import aggregate_csv_rows, aggregates, facilitated_set_aggregates

bp = Blueprint("evaluation", __name__)


class RatingForm(Form):
    """One rating, an optional comment and its case-study consent per factor."""


for _key, _label, _statement in FACTORS:
    setattr(
        RatingForm,
        f"rating_{_key}",
        RadioField(
            _statement,
            choices=[
                SelectChoice(value, f"{value} {text}") for value, text in RATING_LABELS.items()
            ],
            coerce=int,
            validators=[InputRequired(message="Choose a rating from 1 to 5.")],
        ),
    )
    setattr(
        RatingForm,
        f"comment_{_key}",
        TextAreaField(f"Comment on {_label.lower()} (optional)", [Length(max=COMMENT_MAX)]),
    )
    setattr(RatingForm, f"quote_{_key}", BooleanField("Our pair's case study may quote this"))


class RoundForm(Form):
    stage = SelectField("Round", choices=[SelectChoice(k, v) for k, v in STAGES.items()])


@bp.get("/evaluation")
@login_required
def my_rounds():
    db = get_db()
    return render_template(
        "evaluation/mine.html",
        rounds=rounds_for_person(db, current_user.id),
        sets=facilitated_set_aggregates(db, current_user.id),
        stages=STAGES,
        factors=FACTORS,
    )


@bp.route("/evaluation/rounds/<int:round_id>", methods=["GET", "POST"])
@login_required
def respond(round_id):
    db = get_db()
    round_row = round_for_rater(db, current_user.id, round_id)
    if round_row is None:
        abort(404)
    answers = own_response(db, current_user.id, round_id)
    form = RatingForm(data=_form_data(answers))
    if round_row["status"] == "open" and form.validate_on_submit():
        try:
            save_response(db, current_user.id, round_id, **_response_values(form))
        except EvaluationError as error:
            flash(str(error), "error")
        else:
            flash("Your ratings are saved. You can change them until the round closes.", "info")
            return redirect(url_for("evaluation.my_rounds"))
    return render_template(
        "evaluation/respond.html",
        round=round_row,
        form=form,
        groups=(("Your partnership", PARTNERSHIP_FACTORS), ("You", PERSONAL_FACTORS)),
        stages=STAGES,
        answered=bool(answers),
    )


def _form_data(answers):
    data = {}
    for key, answer in answers.items():
        data[f"rating_{key}"] = answer["rating"]
        data[f"comment_{key}"] = answer["comment"]
        data[f"quote_{key}"] = bool(answer["for_case_study"])
    return data


def _response_values(form):
    return {
        "ratings": {key: form[f"rating_{key}"].data for key, _, _ in FACTORS},
        "comments": {key: form[f"comment_{key}"].data or "" for key, _, _ in FACTORS},
        "for_case_study": {key for key, _, _ in FACTORS if form[f"quote_{key}"].data},
    }


def _organised(programme_id):
    row = organised_programme(get_db(), current_user.id, programme_id)
    if row is None:
        abort(404)
    return row


@bp.route("/programmes/<int:programme_id>/evaluation", methods=["GET", "POST"])
@login_required
def programme_evaluation(programme_id):
    db = get_db()
    programme = _organised(programme_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            open_round(db, programme_id, form.stage.data)
        except EvaluationError as error:
            form.stage.errors.append(str(error))
        else:
            flash(f"The {STAGES[form.stage.data].lower()} round is open.", "info")
            return redirect(url_for("evaluation.programme_evaluation", programme_id=programme_id))
    return render_template(
        "evaluation/programme.html",
        programme=programme,
        form=form,
        rounds=rounds_for_programme(db, programme_id),
        charts=programme_charts(db, programme_id),
        figures=aggregates(db, programme_id),
        stages=STAGES,
        factors=FACTORS,
    )


@bp.post("/programmes/<int:programme_id>/evaluation/rounds/<int:round_id>/close")
@login_required
def close(programme_id, round_id):
    db = get_db()
    _organised(programme_id)
    if round_id not in {r["id"] for r in rounds_for_programme(db, programme_id)}:
        abort(404)
    try:
        close_round(db, round_id)
    except EvaluationError as error:
        flash(str(error), "error")
    else:
        flash("Round closed: its figures now show where groups are large enough.", "info")
    return redirect(url_for("evaluation.programme_evaluation", programme_id=programme_id))


@bp.get("/programmes/<int:programme_id>/evaluation/<kind>.svg")
@login_required
def chart_image(programme_id, kind):
    _organised(programme_id)
    if kind not in CHARTS:
        abort(404)
    drawn = chart(get_db(), programme_id, kind)
    return Response(drawn["svg"], mimetype="image/svg+xml")


@bp.get("/programmes/<int:programme_id>/evaluation.csv")
@login_required
def figures_csv(programme_id):
    _organised(programme_id)
    out = io.StringIO()
    csv.writer(out).writerows(
        [_spreadsheet_safe(cell) for cell in row]
        for row in aggregate_csv_rows(get_db(), programme_id)
    )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=evaluation-figures.csv"},
    )


def _spreadsheet_safe(cell):
    """A set name typed as '=HYPERLINK(...)' must stay text in Excel and LibreOffice."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell
