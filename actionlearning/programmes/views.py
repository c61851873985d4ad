"""The organiser's set-up pages: /programmes (the list, a programme, its spreadsheet import),
/organisations and /import-template.csv. A programme's pair and set lists and a pair's page
are in pair_views.py, on the same blueprint; the people pages are in people_views.py."""

from datetime import date

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
from flask_login import current_user
from wtforms import (
    DateField,
    FileField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.views import organiser_required
from ..casestudies import pages as case_study_pages
from ..db import get_db
from ..mail import invitations
from ..scheduling import checks, dashboard
from ..security import Form
from . import (
    ORGANISATION_KINDS,
    ProgrammeError,
    SimilarOrganisations,
    add_organisation,
    create_programme,
    importer,
    invited_not_signed_up,
    organisations,
    organised_programme,
    programme,
    programme_overview,
    update_programme,
)

bp = Blueprint("programmes", __name__)


def options(pairs):
    """(value, label) pairs as the SelectChoice objects WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes: usable on a phone, no JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProgrammeForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    starts_on = DateField("Starts on", validators=[DataRequired()])
    ends_on = DateField("Ends on", validators=[DataRequired()])
    time_zone = StringField("Time zone", default="Europe/London", validators=[Length(max=64)])
    default_venue = StringField("Default venue", validators=[Length(max=300)])
    conference_on = DateField("Conference date", validators=[Optional()])
    description = TextAreaField("Description", validators=[Length(max=5000)])


class OrganisationForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=options(ORGANISATION_KINDS.items()))


class ImportForm(Form):
    file = FileField("CSV file", validators=[DataRequired()])


def organiser_programme(programme_id):
    """The programme, when the signed-in person organises it; 404/403 otherwise."""
    db = get_db()
    row = programme(db, programme_id)
    if row is None:
        abort(404)
    if organised_programme(db, current_user.id, programme_id) is None:
        abort(403)
    return row


# Programmes


@bp.route("/programmes", methods=["GET", "POST"])
@organiser_required
def programme_list():
    db = get_db()
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            new_id = create_programme(db, **_programme_values(form), organiser_id=current_user.id)
        except ProgrammeError as error:
            form.attach_error(error)
        else:
            flash("Programme created. Add organisations, people, pairs and sets next.", "info")
            return redirect(url_for("programmes.show_programme", programme_id=new_id))
    overview = programme_overview(db, current_user.id)
    return render_template("programmes/programmes.html", programmes=overview, form=form)


def _programme_values(form):
    return {
        name: getattr(form, name).data
        for name in (
            "name",
            "starts_on",
            "ends_on",
            "time_zone",
            "default_venue",
            "conference_on",
            "description",
        )
    }


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
@organiser_required
def show_programme(programme_id):
    db = get_db()
    row = organiser_programme(programme_id)
    dates = {
        k: row[k] and date.fromisoformat(row[k]) for k in ("starts_on", "ends_on", "conference_on")
    }
    form = ProgrammeForm(data={**row, **dates})
    if form.validate_on_submit():
        try:
            update_programme(db, programme_id, **_programme_values(form))
        except ProgrammeError as error:
            form.attach_error(error)
        else:
            flash("Programme details saved.", "info")
            return redirect(url_for("programmes.show_programme", programme_id=programme_id))
    return render_template(
        "programmes/programme.html",
        programme=row,
        form=form,
        clashes=checks.clashes_for_programme(db, programme_id),
        **dashboard.programme_dashboard(db, programme_id),
        case_studies=case_study_pages.case_studies_for(db, current_user.id, programme_id),
        invited=invited_not_signed_up(db, programme_id),
    )


# Organisations


@bp.route("/organisations", methods=["GET", "POST"])
@organiser_required
def organisation_list():
    db = get_db()
    form = OrganisationForm()
    similar = []
    if form.validate_on_submit():
        try:
            add_organisation(
                db, form.name.data, form.kind.data, bool(request.form.get("add_anyway"))
            )
        except SimilarOrganisations as error:
            similar = error.names
        except ProgrammeError as error:
            form.attach_error(error)
        else:
            flash(f"{' '.join(form.name.data.split())} added.", "info")
            return redirect(url_for("programmes.organisation_list"))
    return render_template(
        "programmes/organisations.html",
        organisations=organisations(db),
        kinds=ORGANISATION_KINDS,
        form=form,
        similar=similar,
    )


# Spreadsheet import


@bp.route("/programmes/<int:programme_id>/import", methods=["GET", "POST"])
@organiser_required
def import_people(programme_id):
    db = get_db()
    row = organiser_programme(programme_id)
    form = ImportForm()
    result = errors = None
    if form.validate_on_submit():
        text = importer.decode(request.files["file"].read())
        try:
            with invitations_for(programme_id):  # people placed in sets are invited
                result = importer.import_people(
                    db, text, programme_id=programme_id, by=current_user.id
                )
        except importer.ImportRejected as error:
            errors = error.problems
    return render_template(
        "programmes/import.html", programme=row, form=form, result=result, errors=errors
    )


@bp.get("/import-template.csv")
@organiser_required
def import_template():
    return Response(
        importer.TEMPLATE_CSV,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=people-import-template.csv"},
    )


def invitations_for(programme_id):
    """The write around a change to who is in a programme, its pairs or sets, queueing the
    invitations and cancellations it causes for the programme's meetings ahead."""
    settings = invitations.settings_for(current_app)
    return invitations.queued_for_changes(get_db(), settings, programme_id=programme_id)
