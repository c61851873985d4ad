"""The month page: a programme's meetings as a calendar grid, for anyone in the programme,
showing only the meetings they may see (/programmes/<id>/calendar; /month goes to one's
first programme's). HTML and CSS; no script. Its routes are on scheduling's blueprint (views.py)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import programmes
from ..db import get_db
from ..programmes.people import person_memberships
from . import MEETING_KINDS
from .month import month_grid, month_start
from .views import bp


def _chosen_month(programme):
    """?month=2027-01, or this month when the programme is running, else its nearest end."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", request.args.get("month", ""))
    chosen = match and month_start(int(match[1]), int(match[2]))
    if chosen:
        return chosen
    today = datetime.now(ZoneInfo(programme["time_zone"])).date().isoformat()
    day = min(max(today, programme["starts_on"]), programme["ends_on"])
    return month_start(int(day[:4]), int(day[5:7]))


@bp.get("/programmes/<int:programme_id>/calendar")
@login_required
def programme_month(programme_id):
    db = get_db()
    programme = programmes.programme(db, programme_id)
    if programme is None or programmes.role_in_programme(db, current_user.id, programme_id) is None:
        abort(404)
    grid = month_grid(db, current_user.id, programme_id, _chosen_month(programme))
    return render_template(
        "scheduling/month.html",
        programme=programme,
        others=person_memberships(db, current_user.id),
        kinds=MEETING_KINDS,
        **grid,
    )


@bp.get("/month")
@login_required
def my_month():
    """The month page of the person's programme (the first by name when they are in several)."""
    memberships = person_memberships(get_db(), current_user.id)
    if not memberships:
        return render_template("scheduling/month.html", programme=None, others=[])
    return redirect(url_for("scheduling.programme_month", programme_id=memberships[0]["id"]))
