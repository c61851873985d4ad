"""Pages: `/`, what each role needs first, and `/healthz` for the load balancer."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .. import evaluation, journal
from ..db import get_db
from ..programmes import programme_overview
from ..scheduling import dashboard

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    db = get_db()
    if current_user.is_organiser:
        overview = programme_overview(db, current_user.id)
        return render_template("home/organiser.html", programmes=overview)
    if current_user.is_facilitator:
        summaries = dashboard.facilitator_dashboard(db, current_user.id)
        return render_template("home/facilitator.html", summaries=summaries)
    schedule = dashboard.my_schedule(db, current_user.id)
    reflect = journal.meetings_to_reflect_on(db, current_user.id)  # the journal's cycle prompt
    ratings_due = evaluation.open_rounds_to_answer(db, current_user.id)
    return render_template(
        "home/participant.html", reflect=reflect, ratings_due=ratings_due, **schedule
    )


@bp.get("/healthz")
def healthz():
    get_db().execute("SELECT 1").fetchone()
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
