"""The people pages, under /people: the organiser's list with its search and the invitation
form, a page per person, editing, programmes, sign-in links, deactivation."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from .. import auth
from ..auth.views import organiser_required
from ..db import get_db
from ..security import Form, render_error
from . import (
    ProgrammeError,
    add_member,
    invite_person,
    organisation,
    organisations,
    programme_overview,
)
from .people import (
    SIGN_UP_STATES,
    may_change_account,
    may_issue_sign_in_link,
    people_listing,
    person_for_organiser,
    person_memberships,
)
from .views import invitations_for, options, organiser_programme

bp = Blueprint("people", __name__, url_prefix="/people")


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


def _invite_form(db):
    form = InviteForm()
    form.organisation_id.choices = options(
        [(0, "(none)")] + [(o["id"], o["name"]) for o in organisations(db)]
    )
    mine = programme_overview(db, current_user.id)
    form.programme_id.choices = options((p["id"], p["name"]) for p in mine)
    return form, mine


@bp.route("", methods=["GET", "POST"])
@organiser_required
def index():
    db = get_db()
    form, mine = _invite_form(db)
    if form.validate_on_submit():
        token = _invite(db, form)
        if token:
            return render_template(
                "programmes/link.html", purpose="invite", name=form.name.data, token=token
            )
    filters = _filters()
    return render_template(
        "programmes/people.html",
        people=people_listing(db, current_user.id, **filters),
        form=form,
        programmes=mine,
        filters=filters,
        sign_up_states=SIGN_UP_STATES,
    )


def _invite(db, form):
    """The invitation's sign-in token, or None with the reason put on the form."""
    try:
        with invitations_for(form.programme_id.data):
            return invite_person(
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
        return None


def _filters():
    """The people page's search and filters, from its query string."""
    return {
        "search": request.args.get("q", "").strip(),
        "programme_id": request.args.get("programme", type=int),
        "role": request.args.get("role", "") if request.args.get("role") in auth.ROLES else "",
        "sign_up": request.args.get("sign_up", ""),
    }


def organiser_person(person_id):
    """The person's row when the signed-in organiser may see them on the people page; 404
    otherwise, the same answer as for someone who does not exist."""
    return person_for_organiser(get_db(), current_user.id, person_id) or abort(404)


@bp.get("/<int:person_id>")
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


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
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
            return redirect(url_for("people.show_person", person_id=person_id))
    return render_template("programmes/person_edit.html", person=row, form=form)


@bp.post("/<int:person_id>/programmes")
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
    return redirect(url_for("people.show_person", person_id=person_id))


ACCOUNT_CHANGE_REFUSED = (
    "Another organiser's account can be changed only by someone who organises a programme "
    "with them; otherwise it is done on the server with `flask deactivate` or `flask activate`."
)
SIGN_IN_LINK_REFUSED = (
    "Whoever uses a sign-in link can read that account's private journal, so only someone "
    "who organises every programme this person is in can make one, and organisers' links "
    "are made on the server with `flask reset-link`."
)


@bp.post("/<int:person_id>/reset-link")
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
    return redirect(url_for("people.show_person", person_id=person_id))


@bp.post("/<int:person_id>/deactivate")
@organiser_required
def deactivate(person_id):
    return _set_active(person_id, False)


@bp.post("/<int:person_id>/activate")
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
    return redirect(url_for("people.show_person", person_id=person_id))
