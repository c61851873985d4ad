"""Meeting pages, under /meetings/<id>/: the meeting, its calendar file (.ics), its records
and action points (and a person's own points, /action-points/<id>/); and a programme's
meetings, seminars and conference (/programmes/<id>/meetings, seminars, conference). A set's
pages are in learning_set_views.py, the month calendars in month_views.py; forms in forms.py."""

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from .. import feeds, scheduling
from ..db import get_db
from ..feeds.server import CALENDAR_TYPE
from ..mail import invitations
from ..programmes.views import organiser_programme
from ..times import to_local
from . import SchedulingError, checks, records
from .forms import MeetingForm

bp = Blueprint("scheduling", __name__)


@bp.app_template_global()
def status_label(status):
    return {**records.ACTION_STATUSES, **records.ATTENDANCE_STATUSES}.get(status, status)


# Permission helpers


def _visible_meeting(meeting_id):
    db = get_db()
    if scheduling.meeting_visible_to(db, current_user.id, meeting_id) is None:
        abort(404)  # the same answer for "missing" and "not yours"
    return scheduling.meeting(db, meeting_id)


def _managed_meeting(meeting_id):
    row = _visible_meeting(meeting_id)
    if not scheduling.can_manage_meeting(get_db(), current_user.id, row):
        abort(403)
    return row


def queued_invitations(**scope):
    """The write around a change to meetings, queueing the invitations it causes with it."""
    settings = invitations.settings_for(current_app)
    return invitations.queued_for_changes(get_db(), settings, **scope)


def back_to_meeting(meeting_id, message=None, category="info"):
    if message:
        flash(message, category)
    return redirect(url_for("scheduling.show_meeting", meeting_id=meeting_id))


# The meeting page


@bp.get("/meetings/<int:meeting_id>")
@login_required
def show_meeting(meeting_id):
    _visible_meeting(meeting_id)
    page = records.meeting_record(get_db(), meeting_id, current_user.id)
    return render_template("scheduling/meeting.html", **page)


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id):
    db = get_db()
    if scheduling.meeting_visible_to(db, current_user.id, meeting_id) is None:
        abort(404)  # the same answer for "missing" and "not yours"
    body = feeds.meeting_calendar(
        scheduling.meeting(db, meeting_id), current_app.config["BASE_URL"]
    )
    return Response(
        body,
        content_type=CALENDAR_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting_id}.ics"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id):
    db = get_db()
    row = _managed_meeting(meeting_id)
    start, end = (to_local(row[k], row["time_zone"]) for k in ("starts_at", "ends_at"))
    data = {**row, "on": start.date(), "start_time": start.time(), "end_time": end.time()}
    form = MeetingForm(data=data)
    if form.validate_on_submit():
        starts, ends, fields = form.values(row["kind"], row["time_zone"])
        try:
            if _checked(form, _planned(db, row, starts, ends), row):
                with queued_invitations(meeting_id=meeting_id):
                    changed = scheduling.update_meeting(db, meeting_id, starts, ends, **fields)
                return _saved(db, meeting_id, "Meeting updated." if changed else "Nothing changed.")
        except SchedulingError as error:
            form.attach_error(error)
    form.offer_folds(row["time_zone"])
    return render_template("scheduling/edit.html", meeting=row, form=form)


def _planned(db, row, starts, ends):
    return checks.planned(
        db, row["programme_id"], row["kind"], starts, ends, row.get("learning_set_id")
    )


def _checked(form, planned, current=None):
    """True when the meeting may go ahead at the planned times: nothing to warn about, the
    times are unchanged, or the person confirmed exactly these problems. Otherwise the
    problems are put under their fields, ready for "Schedule anyway"."""
    if current and (planned["starts_at"], planned["ends_at"]) == (
        current["starts_at"],
        current["ends_at"],
    ):
        return True
    exclude = [current["id"]] if current else []
    problems = checks.date_problems(get_db(), planned, exclude=exclude)
    if checks.confirmed(problems, form.confirmed.data):
        return True
    form.show_problems(problems)
    return False


def _saved(db, meeting_id, message):
    row = scheduling.meeting(db, meeting_id)
    for warning in checks.clashes(db, row, exclude_meeting_id=meeting_id):
        flash(f"Clash: {warning}", "warning")
    return back_to_meeting(meeting_id, message)


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id):
    _managed_meeting(meeting_id)
    try:
        with queued_invitations(meeting_id=meeting_id):
            scheduling.cancel_meeting(get_db(), meeting_id, request.form.get("reason", ""))
    except SchedulingError as error:
        return back_to_meeting(meeting_id, str(error), "error")
    return back_to_meeting(meeting_id, "Meeting cancelled. It stays listed, marked as cancelled.")


@bp.post("/meetings/<int:meeting_id>/reinstate")
@login_required
def reinstate(meeting_id):
    _managed_meeting(meeting_id)
    with queued_invitations(meeting_id=meeting_id):
        scheduling.reinstate_meeting(get_db(), meeting_id)
    return back_to_meeting(meeting_id, "Meeting reinstated.")


@bp.post("/meetings/<int:meeting_id>/attendance")
@login_required
def attendance(meeting_id):
    _managed_meeting(meeting_id)
    marks = {
        int(key.removeprefix("status-")): value
        for key, value in request.form.items()
        if key.startswith("status-") and key.removeprefix("status-").isdigit()
    }
    try:
        records.record_attendance(get_db(), meeting_id, marks)
    except SchedulingError as error:
        return back_to_meeting(meeting_id, str(error), "error")
    return back_to_meeting(meeting_id, "Attendance saved.")


@bp.post("/meetings/<int:meeting_id>/apologies")
@login_required
def send_apologies(meeting_id):
    _visible_meeting(meeting_id)
    try:
        records.send_apologies(get_db(), meeting_id, current_user.id)
    except SchedulingError as error:
        return back_to_meeting(meeting_id, str(error), "error")
    return back_to_meeting(meeting_id, "Your apologies are recorded; the facilitator can see them.")


@bp.post("/meetings/<int:meeting_id>/presenters")
@login_required
def add_presenter(meeting_id):
    _managed_meeting(meeting_id)
    person_id = request.form.get("person_id", type=int)
    minutes = request.form.get("minutes", type=int)
    try:
        records.add_presenter_slot(get_db(), meeting_id, person_id, minutes)
    except SchedulingError as error:
        return back_to_meeting(meeting_id, str(error), "error")
    return back_to_meeting(meeting_id, "Presenter slot added.")


@bp.post("/meetings/<int:meeting_id>/presenters/<int:slot_id>/remove")
@login_required
def remove_presenter(meeting_id, slot_id):
    _managed_meeting(meeting_id)
    records.remove_presenter_slot(get_db(), meeting_id, slot_id)
    return back_to_meeting(meeting_id, "Presenter slot removed.")


@bp.post("/meetings/<int:meeting_id>/action-points")
@login_required
def add_action_point(meeting_id):
    _managed_meeting(meeting_id)
    owner_id = request.form.get("owner_id", type=int)
    try:
        records.add_action_point(get_db(), meeting_id, owner_id, request.form.get("text", ""))
    except SchedulingError as error:
        return back_to_meeting(meeting_id, str(error), "error")
    return back_to_meeting(meeting_id, "Action point added.")


@bp.post("/meetings/<int:meeting_id>/action-points/<int:action_point_id>/review")
@login_required
def review_action_point(meeting_id, action_point_id):
    _managed_meeting(meeting_id)
    status = request.form.get("status", "")
    try:
        records.review_action_point(get_db(), action_point_id, status, meeting_id)
    except SchedulingError as error:
        return back_to_meeting(meeting_id, str(error), "error")
    return back_to_meeting(meeting_id, f"Action point marked {status_label(status).lower()}.")


OWNER_UPDATE_MESSAGES = {
    "done": "Marked done. Your set will review it at its next meeting.",
    "dropped": "Dropped. Your set will review it at its next meeting.",
    "in_progress": "Marked in progress.",
    "open": "Reopened.",
}


@bp.post("/action-points/<int:action_point_id>/status")
@login_required
def update_own_action_point(action_point_id):
    db = get_db()
    if records.own_action_point(db, current_user.id, action_point_id) is None:
        abort(404)  # someone else's point gets the same answer as a missing one
    status = request.form.get("status", "")
    try:
        changed = records.update_own_action_point(db, current_user.id, action_point_id, status)
    except SchedulingError as error:
        flash(str(error), "error")
    else:
        flash(OWNER_UPDATE_MESSAGES[status] if changed else "Nothing changed.", "info")
    return redirect(url_for("home.index"))


# A programme's meetings, seminars and the conference


@bp.get("/programmes/<int:programme_id>/meetings")
@login_required
def programme_meetings(programme_id):
    db = get_db()
    row = organiser_programme(programme_id)
    meetings = scheduling.meetings_for_programme(db, programme_id)
    clashes = checks.clashes_for_programme(db, programme_id)
    return render_template(
        "scheduling/programme_meetings.html", programme=row, meetings=meetings, clashes=clashes
    )


@bp.route("/programmes/<int:programme_id>/seminars/new", methods=["GET", "POST"])
@login_required
def new_seminar(programme_id):
    row = organiser_programme(programme_id)
    form = MeetingForm(data={"start_time": _time("12:30"), "end_time": _time("13:30")})
    return _create(row, "seminar", form)


@bp.route("/programmes/<int:programme_id>/conference", methods=["GET", "POST"])
@login_required
def conference(programme_id):
    db = get_db()
    row = organiser_programme(programme_id)
    existing = scheduling.meetings_for_programme(db, programme_id, kinds=["conference"])
    if existing:
        return redirect(url_for("scheduling.edit_meeting", meeting_id=existing[0]["id"]))
    form = MeetingForm(
        data={
            "title": "Closing conference",
            "on": row["conference_on"] and datetime.fromisoformat(row["conference_on"]).date(),
            "start_time": _time("09:30"),
            "end_time": _time("16:30"),
            "venue": row["default_venue"],
        }
    )
    return _create(row, "conference", form)


def _time(text):
    return datetime.strptime(text, "%H:%M").time()


def _create(programme_row, kind, form):
    db = get_db()
    zone = programme_row["time_zone"]
    if form.validate_on_submit():
        starts, ends, fields = form.values(kind, zone)
        title = fields.pop("title")
        try:
            planned = checks.planned(db, programme_row["id"], kind, starts, ends)
            if _checked(form, planned):
                with queued_invitations(programme_id=programme_row["id"]):
                    meeting_id = scheduling.create_meeting(
                        db, programme_row["id"], kind, title, starts, ends, **fields
                    )
                return _saved(db, meeting_id, f"{scheduling.MEETING_KINDS[kind]} scheduled.")
        except SchedulingError as error:
            form.attach_error(error)
    form.offer_folds(zone)
    return render_template("scheduling/new.html", programme=programme_row, kind=kind, form=form)
