"""A learning set's own pages, all under /learning-sets/<id>/: its members and facilitator
(edit, for organisers), its meetings and the series that schedules them (for whoever manages
the set), and its ground rules (for its members)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import scheduling
from ..auth.views import organiser_required
from ..db import get_db
from ..programmes import ProgrammeError
from ..programmes.pair_views import (
    after_learning_set_saved,
    learning_set_form,
    learning_set_values,
)
from ..programmes.pairs import learning_set, update_learning_set
from ..programmes.views import invitations_for, organiser_programme
from . import SchedulingError, checks, records, series
from .forms import SeriesForm
from .views import back_to_meeting, queued_invitations

bp = Blueprint("learning_sets", __name__, url_prefix="/learning-sets")


@bp.route("/<int:learning_set_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_learning_set(learning_set_id):
    db = get_db()
    row = learning_set(db, learning_set_id) or abort(404)
    organiser_programme(row["programme_id"])
    form = learning_set_form(db, row["programme_id"], row)
    if form.validate_on_submit():
        try:
            with invitations_for(row["programme_id"]):
                update_learning_set(db, learning_set_id, *learning_set_values(form))
        except ProgrammeError as error:
            form.attach_error(error)
        else:
            return after_learning_set_saved(db, learning_set_id, row["programme_id"])
    return render_template("programmes/set_edit.html", learning_set=row, form=form)


def _managed_set(learning_set_id):
    db = get_db()
    row = learning_set(db, learning_set_id)
    if row is None:
        abort(404)
    if not scheduling.can_manage_learning_set(db, current_user.id, learning_set_id):
        abort(403)
    return row


@bp.route("/<int:learning_set_id>/ground-rules", methods=["GET", "POST"])
@login_required
def ground_rules(learning_set_id):
    db = get_db()
    row = learning_set(db, learning_set_id)
    if row is None or current_user.id not in scheduling.set_member_ids(db, learning_set_id):
        abort(404)
    if request.method == "POST":
        records.acknowledge_ground_rules(db, learning_set_id, current_user.id)
        flash("Thank you: you have agreed to the set's ground rules.", "info")
        meeting_id = request.form.get("meeting_id", type=int)
        if meeting_id:
            return back_to_meeting(meeting_id)
        return redirect(url_for("home.index"))
    agreed = records.has_acknowledged(db, learning_set_id, current_user.id)
    return render_template("scheduling/ground_rules.html", learning_set=row, agreed=agreed)


@bp.route("/<int:learning_set_id>/series", methods=["GET", "POST"], endpoint="series")
@login_required
def series_page(learning_set_id):
    db = get_db()
    row = _managed_set(learning_set_id)
    form, preview = SeriesForm(), None
    if form.validate_on_submit():
        rule = form.rule()
        try:
            preview = series.preview_series(db, learning_set_id, rule)
            if _save_series(db, form, row, rule, preview):
                return redirect(url_for("learning_sets.set_meetings", learning_set_id=row["id"]))
        except SchedulingError as error:
            form.attach_error(error)
    described = series.describe_rule(form.rule()) if preview else ""
    return render_template(
        "scheduling/series.html", learning_set=row, form=form, preview=preview, rule=described
    )


def _save_series(db, form, learning_set, rule, preview):
    """Save the kept dates when asked and confirmed; otherwise put the problems of the
    dates that would be saved (with the ticks as they are) on the form. True once saved."""
    saving = request.form.get("action") == "save"
    if saving:
        included, moved = _indexes("include"), _indexes("move")
    else:  # the first preview: every date kept, bank holidays moved, as the ticks start
        included, moved = {r["index"] for r in preview}, {r["index"] for r in preview}
    form.included, form.moved = included, moved  # the ticks, as they were
    dates, replaced = series.chosen_dates(preview, included, moved, form.overlap.data)
    problems = series.series_problems(db, learning_set["id"], rule, dates, replaced)
    if not (saving and checks.confirmed(problems, form.confirmed.data)):
        form.confirmed.data = checks.confirmation(problems)
        form.problems = problems
        return False
    with queued_invitations(programme_id=learning_set["programme_id"]):  # the replaced ones too
        ids = series.replace_with_series(
            db, learning_set["id"], rule, dates, replaced, form.title.data, form.venue.data
        )
    also = f" {len(replaced)} earlier meetings cancelled as replaced." if replaced else ""
    flash(f"{len(ids)} meetings scheduled: {series.describe_rule(rule)}.{also}", "info")
    return True


def _indexes(prefix):
    return {int(v) for v in request.form.getlist(prefix) if v.isdigit()}


@bp.get("/<int:learning_set_id>/meetings")
@login_required
def set_meetings(learning_set_id):
    db = get_db()
    row = _managed_set(learning_set_id)
    meetings = scheduling.meetings_for_set(db, learning_set_id)
    return render_template("scheduling/set_meetings.html", learning_set=row, meetings=meetings)
