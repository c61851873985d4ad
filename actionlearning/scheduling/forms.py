"""Forms of the scheduling pages: a meeting's date, times and details, and a series rule."""

from datetime import datetime
from zoneinfo import ZoneInfo

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

from ..fields import LongTextField
from ..security import Form
from ..times import day_text
from . import checks, local_time_fault, series


def options(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


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
