"""Meeting pages: the meeting itself, its records, series, seminars and the conference."""

from datetime import datetime
from zoneinfo import ZoneInfo

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
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import scheduling
from ..db import get_db
from ..fields import LongTextField
from ..mail import invitations
from ..programmes.pairs import learning_set
from ..programmes.views import organiser_programme
from ..security import Form
from ..times import day_text, to_local
from . import SchedulingError, checks, local_time_fault, records, series

bp = Blueprint("scheduling", __name__)


def options(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


@bp.app_template_global()
def status_label(status):
    return {**records.ACTION_STATUSES, **records.ATTENDANCE_STATUSES}.get(status, status)


# Forms


class MeetingForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    on = DateField("Date", validators=[DataRequired()])
    start_time = TimeField("Starts", validators=[DataRequired()])
    end_time = TimeField("Ends", validators=[DataRequired()])
    venue = StringField("Venue", validators=[Length(max=300)])
    online_link = StringField("Online link", validators=[Length(max=500)])
    speaker = StringField("Speaker", validators=[Length(max=200)])
    speaker_organisation = StringField("Speaker's organisation", validators=[Length(max=200)])
    topic = StringField("Topic", validators=[Length(max=300)])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    agenda = LongTextField("Agenda (Markdown)", limit=20000)
    # Shown only when a time happens twice (the night the clocks go back): which one.
    start_fold = RadioField("Which one?", choices=[], validate_choice=False)
    end_fold = RadioField("Which one?", choices=[], validate_choice=False)
    # "Schedule anyway": the token of the problems the person saw and accepted.
    confirmed = HiddenField()
    problems = ()

    KIND_FIELDS = {
        "set_meeting": (),
        "seminar": ("speaker", "speaker_organisation", "topic", "description"),
        "conference": ("agenda",),
    }

    def values(self, kind, time_zone):
        """Local start and end, and the text fields that belong to this kind of meeting.

        A time the person placed on one side of the clock change is exact (aware, with its
        fold); otherwise it stays naive, and the domain refuses it if it happens twice.
        """
        names = ("title", "venue", "online_link", *self.KIND_FIELDS[kind])
        starts = _local(self.on.data, self.start_time.data, self.start_fold.data, time_zone)
        ends = _local(self.on.data, self.end_time.data, self.end_fold.data, time_zone)
        return starts, ends, {n: getattr(self, n).data or "" for n in names}

    def offer_folds(self, time_zone):
        """For a time that happens twice, the choice of the first or the second."""
        for name, fold_field in (("start_time", self.start_fold), ("end_time", self.end_fold)):
            time = getattr(self, name).data
            if self.on.data is None or time is None:
                continue
            naive = datetime.combine(self.on.data, time)
            if local_time_fault(naive, time_zone) == "twice":
                fold_field.choices = _fold_choices(naive, time_zone)
                fold_field.label.text = f"Which {time:%H:%M} on {day_text(naive)}?"

    def show_problems(self, problems):
        """Each problem under its field, and the token a "Schedule anyway" will carry."""
        for problem in problems:
            getattr(self, problem["field"]).errors.append(problem["message"])
        self.confirmed.data = checks.confirmation(problems)
        self.problems = problems


def _local(on, time, fold, time_zone):
    moment = datetime.combine(on, time)
    if fold in ("0", "1"):
        return moment.replace(tzinfo=ZoneInfo(time_zone), fold=int(fold))
    return moment


def _fold_choices(naive, time_zone):
    """'first 01:30 (BST, UTC+01:00)' and 'second 01:30 (GMT, UTC+00:00)'."""
    choices = []
    for fold, which in ((0, "first"), (1, "second")):
        moment = naive.replace(tzinfo=ZoneInfo(time_zone), fold=fold)
        offset = moment.strftime("%z")
        label = f"The {which} {moment:%H:%M} ({moment.tzname()}, UTC{offset[:3]}:{offset[3:]})"
        choices.append(SelectChoice(str(fold), label))
    return choices


class SeriesForm(Form):
    frequency = RadioField(
        "Repeat",
        choices=options([("monthly", "Monthly, on a weekday"), ("weekly", "Every few weeks")]),
        default="monthly",
    )
    nth = SelectField("Which", choices=options(series.ORDINALS.items()), coerce=int, default=2)
    weekday = SelectField(
        "Weekday", choices=options(enumerate(series.WEEKDAYS)), coerce=int, default=1
    )
    interval = IntegerField(
        "Every how many weeks", default=6, validators=[Optional(), NumberRange(1, 52)]
    )
    first = DateField("From", validators=[DataRequired()])
    last = DateField("Until", validators=[DataRequired()])
    start_time = TimeField("Starts", validators=[DataRequired()])
    end_time = TimeField("Ends", validators=[DataRequired()])
    title = StringField("Title (default: the set's name and 'meeting')", [Length(max=200)])
    venue = StringField("Venue (default: the programme's venue)", [Length(max=300)])
    overlap = RadioField(
        "Where the set already has a meeting in a date's month (or weeks)",
        choices=options(
            [
                ("skip", "Skip those dates: keep the meetings already scheduled"),
                ("replace", "Replace the meetings already scheduled (they are cancelled)"),
            ]
        ),
        default="skip",
    )
    confirmed = HiddenField()
    problems = ()

    def rule(self):
        return {
            name: getattr(self, name).data
            for name in ("frequency", "nth", "weekday", "interval", "first", "last")
        } | {"start_time": self.start_time.data, "end_time": self.end_time.data}


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


def _managed_set(learning_set_id):
    db = get_db()
    row = learning_set(db, learning_set_id)
    if row is None:
        abort(404)
    if not scheduling.can_manage_learning_set(db, current_user.id, learning_set_id):
        abort(403)
    return row


def _invitations(**scope):
    """The write around a change to meetings, queueing the invitations it causes with it."""
    settings = invitations.settings_for(current_app)
    return invitations.queued_for_changes(get_db(), settings, **scope)


def _back(meeting_id, message=None, category="info"):
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
                with _invitations(meeting_id=meeting_id):
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
    for warning in scheduling.clashes(db, row, exclude_meeting_id=meeting_id):
        flash(f"Clash: {warning}", "warning")
    return _back(meeting_id, message)


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id):
    _managed_meeting(meeting_id)
    try:
        with _invitations(meeting_id=meeting_id):
            scheduling.cancel_meeting(get_db(), meeting_id, request.form.get("reason", ""))
    except SchedulingError as error:
        return _back(meeting_id, str(error), "error")
    return _back(meeting_id, "Meeting cancelled. It stays listed, marked as cancelled.")


@bp.post("/meetings/<int:meeting_id>/reinstate")
@login_required
def reinstate(meeting_id):
    _managed_meeting(meeting_id)
    with _invitations(meeting_id=meeting_id):
        scheduling.reinstate_meeting(get_db(), meeting_id)
    return _back(meeting_id, "Meeting reinstated.")


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
        return _back(meeting_id, str(error), "error")
    return _back(meeting_id, "Attendance saved.")


@bp.post("/meetings/<int:meeting_id>/apologies")
@login_required
def send_apologies(meeting_id):
    _visible_meeting(meeting_id)
    try:
        records.send_apologies(get_db(), meeting_id, current_user.id)
    except SchedulingError as error:
        return _back(meeting_id, str(error), "error")
    return _back(meeting_id, "Your apologies are recorded; the facilitator can see them.")


@bp.post("/meetings/<int:meeting_id>/presenters")
@login_required
def add_presenter(meeting_id):
    _managed_meeting(meeting_id)
    person_id = request.form.get("person_id", type=int)
    minutes = request.form.get("minutes", type=int)
    try:
        records.add_presenter_slot(get_db(), meeting_id, person_id, minutes)
    except SchedulingError as error:
        return _back(meeting_id, str(error), "error")
    return _back(meeting_id, "Presenter slot added.")


@bp.post("/meetings/<int:meeting_id>/presenters/<int:slot_id>/remove")
@login_required
def remove_presenter(meeting_id, slot_id):
    _managed_meeting(meeting_id)
    records.remove_presenter_slot(get_db(), meeting_id, slot_id)
    return _back(meeting_id, "Presenter slot removed.")


@bp.post("/meetings/<int:meeting_id>/action-points")
@login_required
def add_action_point(meeting_id):
    _managed_meeting(meeting_id)
    owner_id = request.form.get("owner_id", type=int)
    try:
        records.add_action_point(get_db(), meeting_id, owner_id, request.form.get("text", ""))
    except SchedulingError as error:
        return _back(meeting_id, str(error), "error")
    return _back(meeting_id, "Action point added.")


@bp.post("/meetings/<int:meeting_id>/action-points/<int:action_point_id>/review")
@login_required
def review_action_point(meeting_id, action_point_id):
    _managed_meeting(meeting_id)
    status = request.form.get("status", "")
    try:
        records.review_action_point(get_db(), action_point_id, status, meeting_id)
    except SchedulingError as error:
        return _back(meeting_id, str(error), "error")
    return _back(meeting_id, f"Action point marked {status_label(status).lower()}.")


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


@bp.route("/learning-sets/<int:learning_set_id>/ground-rules", methods=["GET", "POST"])
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
            return _back(meeting_id)
        return redirect(url_for("home.index"))
    agreed = records.has_acknowledged(db, learning_set_id, current_user.id)
    return render_template("scheduling/ground_rules.html", learning_set=row, agreed=agreed)


# Series, lists, seminars and the conference


@bp.route("/learning-sets/<int:learning_set_id>/series", methods=["GET", "POST"], endpoint="series")
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
                return redirect(url_for("scheduling.set_meetings", learning_set_id=row["id"]))
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
    with _invitations(programme_id=learning_set["programme_id"]):  # the replaced ones too
        ids = series.replace_with_series(
            db, learning_set["id"], rule, dates, replaced, form.title.data, form.venue.data
        )
    also = f" {len(replaced)} earlier meetings cancelled as replaced." if replaced else ""
    flash(f"{len(ids)} meetings scheduled: {series.describe_rule(rule)}.{also}", "info")
    return True


def _indexes(prefix):
    return {int(v) for v in request.form.getlist(prefix) if v.isdigit()}


@bp.get("/learning-sets/<int:learning_set_id>/meetings")
@login_required
def set_meetings(learning_set_id):
    db = get_db()
    row = _managed_set(learning_set_id)
    meetings = scheduling.meetings_for_set(db, learning_set_id)
    return render_template("scheduling/set_meetings.html", learning_set=row, meetings=meetings)


@bp.get("/programmes/<int:programme_id>/meetings")
@login_required
def programme_meetings(programme_id):
    db = get_db()
    row = organiser_programme(programme_id)
    meetings = scheduling.meetings_for_programme(db, programme_id)
    clashes = scheduling.clashes_for_programme(db, programme_id)
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
                with _invitations(programme_id=programme_row["id"]):
                    meeting_id = scheduling.create_meeting(
                        db, programme_row["id"], kind, title, starts, ends, **fields
                    )
                return _saved(db, meeting_id, f"{scheduling.MEETING_KINDS[kind]} scheduled.")
        except SchedulingError as error:
            form.attach_error(error)
    form.offer_folds(zone)
    return render_template("scheduling/new.html", programme=programme_row, kind=kind, form=form)
