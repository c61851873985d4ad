"""Pages: the organiser's set-up pages for programmes, organisations, people and the
spreadsheet import. Pair and learning-set pages are in pair_views.py, on the same blueprint."""

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
    EmailField,
    FileField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .. import auth, casestudies, scheduling
from ..auth.views import organiser_required
from ..db import get_db
from ..scheduling import dashboard
from ..security import Form, render_error
from . import (
    ORGANISATION_KINDS,
    ProgrammeError,
    SimilarOrganisations,
    add_member,
    add_organisation,
    create_programme,
    importer,
    invite_person,
    invited_not_signed_up,
    organisation,
    organisations,
    organised_programme,
    programme,
    programme_overview,
    update_programme,
)
from .people import (
    SIGN_UP_STATES,
    may_change_account,
    may_issue_sign_in_link,
    people_listing,
    person_for_organiser,
    person_memberships,
)

bp = Blueprint("programmes", __name__)


def options(pairs):
    """(value, label) pairs as the SelectChoice objects WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes: usable on a phone, no JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    organisation_id = SelectField("Organisation", coerce=int)
    role = SelectField("Role", choices=options((r, r.capitalize()) for r in auth.ROLES))
    programme_id = SelectField("Programme", coerce=int)


class PersonForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    organisation_id = SelectField("Organisation", coerce=int)
    job_title = StringField("Job title", validators=[Length(max=200)])


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
        clashes=scheduling.clashes_for_programme(db, programme_id),
        **dashboard.programme_dashboard(db, programme_id),
        case_studies=casestudies.case_studies_for(db, current_user.id, programme_id),
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


# People (invite, sign-in links, deactivate)


def _invite_form(db):
    form = InviteForm()
    form.organisation_id.choices = options(
        [(0, "(none)")] + [(o["id"], o["name"]) for o in organisations(db)]
    )
    mine = programme_overview(db, current_user.id)
    form.programme_id.choices = options((p["id"], p["name"]) for p in mine)
    return form, mine


def invitations_for(programme_id):
    """The write around a change to who is in a programme, its pairs or sets, queueing the
    invitations and cancellations it causes for the programme's meetings ahead."""
    # Imported here: mail builds on scheduling, which imports programmes, and so this
    # module, before it has finished loading.
    from ..mail import invitations

    settings = invitations.settings_for(current_app)
    return invitations.queued_for_changes(get_db(), settings, programme_id=programme_id)


@bp.route("/people", methods=["GET", "POST"])
@organiser_required
def people():
    db = get_db()
    form, mine = _invite_form(db)
    if form.validate_on_submit():
        try:
            with invitations_for(form.programme_id.data):
                token = invite_person(
                    db,
                    form.programme_id.data,
                    form.email.data,
                    form.name.data,
                    form.role.data,
                    form.organisation_id.data or None,
                    current_user.id,
                    base_url=current_app.config["BASE_URL"],
                )
        except ProgrammeError as error:
            form.attach_error(error, fallback="email")
        else:
            return render_template(
                "programmes/link.html", purpose="invite", name=form.name.data, token=token
            )
    filters = {
        "search": request.args.get("q", "").strip(),
        "programme_id": request.args.get("programme", type=int),
        "role": request.args.get("role", "") if request.args.get("role") in auth.ROLES else "",
        "sign_up": request.args.get("sign_up", ""),
    }
    listing = people_listing(db, current_user.id, **filters)
    return render_template(
        "programmes/people.html",
        people=listing,
        form=form,
        programmes=mine,
        filters=filters,
        sign_up_states=SIGN_UP_STATES,
    )


def organiser_person(person_id):
    """The person's row when the signed-in organiser may see them on the people page; 404
    otherwise, the same answer as for someone who does not exist."""
    return person_for_organiser(get_db(), current_user.id, person_id) or abort(404)


@bp.get("/people/<int:person_id>")
@organiser_required
def show_person(person_id):
    db = get_db()
    row = organiser_person(person_id)
    return render_template(
        "programmes/person.html",
        person=row,
        organisation=organisation(db, row["organisation_id"]),
        memberships=person_memberships(db, person_id),
        programmes=programme_overview(db, current_user.id),
        may_change=may_change_account(db, current_user.id, row),
        may_link=may_issue_sign_in_link(db, current_user.id, person_id),
    )


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_person(person_id):
    db = get_db()
    row = organiser_person(person_id)
    if not may_change_account(db, current_user.id, row):
        return render_error(403, ACCOUNT_CHANGE_REFUSED)
    form = PersonForm(data={**row, "organisation_id": row["organisation_id"] or 0})
    form.organisation_id.choices = options(
        [(0, "(none)")] + [(o["id"], o["name"]) for o in organisations(db)]
    )
    if form.validate_on_submit():
        try:
            auth.update_person(
                db,
                person_id,
                form.name.data,
                form.organisation_id.data or None,
                form.job_title.data,
                current_user.id,
            )
        except auth.AccountError as error:
            form.name.errors.append(str(error))
        else:
            flash(f"{form.name.data.strip()}'s details saved.", "info")
            return redirect(url_for("programmes.show_person", person_id=person_id))
    return render_template("programmes/person_edit.html", person=row, form=form)


@bp.post("/people/<int:person_id>/programmes")
@organiser_required
def add_to_programme(person_id):
    db = get_db()
    if person_for_organiser(db, current_user.id, person_id) is None:
        abort(404)
    programme_id = request.form.get("programme_id", type=int)
    organiser_programme(programme_id)
    try:
        with invitations_for(programme_id):
            add_member(db, programme_id, person_id, request.form.get("role", ""), current_user.id)
    except ProgrammeError as error:
        flash(str(error), "error")
    else:
        flash("Added to the programme.", "info")
    return redirect(url_for("programmes.show_person", person_id=person_id))


ACCOUNT_CHANGE_REFUSED = (
    "Another organiser's account can be changed only by someone who organises a programme "
    "with them; otherwise it is done on the server with `flask deactivate` or `flask activate`."
)
SIGN_IN_LINK_REFUSED = (
    "Whoever uses a sign-in link can read that account's private journal, so only someone "
    "who organises every programme this person is in can make one, and organisers' links "
    "are made on the server with `flask reset-link`."
)


@bp.post("/people/<int:person_id>/reset-link")
@organiser_required
def reset_link(person_id):
    db = get_db()
    row = organiser_person(person_id)
    if not may_issue_sign_in_link(db, current_user.id, person_id):
        return render_error(403, SIGN_IN_LINK_REFUSED)
    # Whoever holds the link can read the person's private journal: it goes to their own
    # address only, never on this page (flask reset-link on the server still prints one).
    if auth.send_account_link(db, person_id, current_user.id, current_app.config["BASE_URL"]):
        flash(f"A sign-in link is on its way to {row['name']} ({row['email']}) by e-mail.", "info")
    else:
        flash(f"{row['name']}'s account is deactivated: no link was sent.", "error")
    return redirect(url_for("programmes.show_person", person_id=person_id))


@bp.post("/people/<int:person_id>/deactivate")
@organiser_required
def deactivate(person_id):
    return _set_active(person_id, False)


@bp.post("/people/<int:person_id>/activate")
@organiser_required
def activate(person_id):
    return _set_active(person_id, True)


def _set_active(person_id, active):
    db = get_db()
    row = organiser_person(person_id)
    if row["id"] == current_user.id and not active:
        flash("You cannot deactivate your own account.", "error")
    elif not may_change_account(db, current_user.id, row):
        return render_error(403, ACCOUNT_CHANGE_REFUSED)
    elif not active and request.form.get("confirm") != "yes":
        # One click must not shut someone out: the first POST asks, the second does it.
        return render_template("programmes/deactivate.html", person=row)
    else:
        auth.set_active(db, person_id, active, current_user.id)
        flash(f"{row['name']} is now {'active' if active else 'deactivated'}.", "info")
    return redirect(url_for("programmes.show_person", person_id=person_id))
