"""Feed pages: single-meeting downloads and the subscribe page (the feeds: server.py)."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required

from .. import feeds, scheduling
from ..db import get_db
from .server import CALENDAR_TYPE

bp = Blueprint("feeds", __name__)


def _config():
    return current_app.config["SECRET_KEY"], current_app.config["BASE_URL"]


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id):
    db = get_db()
    if scheduling.meeting_visible_to(db, current_user.id, meeting_id) is None:
        abort(404)  # the same answer for "missing" and "not yours"
    body = feeds.meeting_calendar(scheduling.meeting(db, meeting_id), _config()[1])
    return Response(
        body,
        content_type=CALENDAR_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting_id}.ics"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/calendar")
@login_required
def subscribe():
    links = feeds.calendar_links(get_db(), *_config(), current_user.id)
    return render_template("feeds/subscribe.html", links=links)


@bp.post("/calendar/reset")
@login_required
def reset_personal_feed():
    feeds.reset_feed(get_db(), "p", current_user.id, current_user.id)
    flash("Your calendar link is new. The old one has stopped working: subscribe again.", "info")
    return redirect(url_for("feeds.subscribe"))


@bp.post("/calendar/<any(sets, programmes):kind>/<int:subject_id>/reset")
@login_required
def reset_shared_feed(kind, subject_id):
    db = get_db()
    scope = "s" if kind == "sets" else "g"
    if not feeds.may_publish(db, current_user.id, scope, subject_id):
        abort(404)
    feeds.reset_feed(db, scope, subject_id, current_user.id)
    flash("That feed has a new link. Give it to whoever should subscribe.", "info")
    return redirect(url_for("feeds.subscribe"))


@bp.app_template_global()
def google_calendar_url(meeting):
    """For templates: the Google Calendar "add event" link of a meeting row."""
    return feeds.google_calendar_url(meeting, current_app.config["BASE_URL"])
