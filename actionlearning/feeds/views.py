"""Calendar pages: the subscribe page and its resets (/calendar), and the feeds themselves
(/feeds/<token>.ics), which server.py answers in front of Flask."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from .. import feeds
from ..db import get_db
from . import publishing
from .server import RULE, FeedServer

bp = Blueprint("feeds", __name__)


def _config():
    return current_app.config["SECRET_KEY"], current_app.config["BASE_URL"]


@bp.get("/calendar")
@login_required
def subscribe():
    links = publishing.calendar_links(get_db(), *_config(), current_user.id)
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
    if not publishing.may_publish(db, current_user.id, scope, subject_id):
        abort(404)
    feeds.reset_feed(db, scope, subject_id, current_user.id)
    flash("That feed has a new link. Give it to whoever should subscribe.", "info")
    return redirect(url_for("feeds.subscribe"))


@bp.app_template_global()
def google_calendar_url(meeting):
    """For templates: the Google Calendar "add event" link of a meeting row."""
    return feeds.google_calendar_url(meeting, current_app.config["BASE_URL"])


@bp.get(RULE)
def feed(token):
    """Not reached in the running app: FeedServer answers this path before Flask sees it
    (server.py says why). The rule lists the feeds in the URL map with every other page, and
    should Flask ever be asked, it gives the same answer."""
    return FeedServer(current_app, None).feed(request.environ, token)
