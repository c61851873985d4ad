"""Programmes, organisations and people: who is in which programme, in which role."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from . import auth
from .db import get_db, now, write
from .security import Form
from .text import has_control_characters

ORGANISATION_KINDS = {
    "nhs": "NHS",
    "local_authority": "Local authority",
    "voluntary": "Voluntary / third sector",
    "other": "Other",
}


class ProgrammeError(ValueError):
    """A programme change that cannot be made; the message says why."""


# Queries


def programme(db, programme_id):
    rows = list(db.query("SELECT * FROM programmes WHERE id = ?", [programme_id]))
    return rows[0] if rows else None


def all_programmes(db):
    return list(db.query("SELECT * FROM programmes ORDER BY starts_on DESC, name"))


def programmes_for(db, person_id):
    """The programmes a person belongs to, with their role in each, newest first."""
    return list(
        db.query(
            """SELECT p.*, m.role FROM programmes p
           JOIN programme_members m ON m.programme_id = p.id AND m.person_id = ?
           ORDER BY p.starts_on DESC, p.name""",
            [person_id],
        )
    )


def role_in_programme(db, person_id, programme_id):
    """'participant', 'facilitator', 'organiser' or None for someone outside it."""
    row = db.execute(
        "SELECT role FROM programme_members WHERE programme_id = ? AND person_id = ?",
        [programme_id, person_id],
    ).fetchone()
    return row[0] if row else None


def organisations(db):
    return list(db.query("SELECT * FROM organisations ORDER BY name"))


def organisation_by_name(db, name):
    rows = list(
        db.query("SELECT * FROM organisations WHERE lower(name) = lower(?)", [(name or "").strip()])
    )
    return rows[0] if rows else None


def people_listing(db):
    """Everyone with organisation and programmes, for the organiser's people page."""
    return list(
        db.query(
            """SELECT p.id, p.name, p.email, p.role, p.is_active, p.job_title,
                  o.name AS organisation,
                  (SELECT group_concat(g.name, '; ') FROM programme_members m
                   JOIN programmes g ON g.id = m.programme_id WHERE m.person_id = p.id)
                  AS programmes,
                  p.password_hash IS NOT NULL AS has_password
           FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
           ORDER BY p.name"""
        )
    )


# Actions


def check_time_zone(name):
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ProgrammeError(
            f"'{name}' is not a time zone this server knows (for example Europe/London)."
        ) from error


def create_programme(
    db,
    name,
    starts_on,
    ends_on,
    time_zone="Europe/London",
    default_venue="",
    conference_on=None,
    description="",
):
    """Add a programme (dates as ISO strings or dates) and return its id."""
    check_time_zone(time_zone)
    starts_on, ends_on = str(starts_on), str(ends_on)
    if ends_on < starts_on:
        raise ProgrammeError("The programme ends before it starts.")
    if conference_on and not starts_on <= str(conference_on) <= ends_on:
        raise ProgrammeError("The conference date is outside the programme's dates.")
    if any(has_control_characters(v) for v in (name, default_venue, description)):
        raise ProgrammeError("Remove the control characters (such as NUL) from the text.")
    with write(db):
        return (
            db["programmes"]
            .insert(
                {
                    "name": name.strip(),
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "time_zone": time_zone,
                    "default_venue": default_venue,
                    "conference_on": str(conference_on) if conference_on else None,
                    "description": description,
                    "created_at": now(),
                }
            )
            .last_pk
        )


def create_organisation(db, name, kind):
    """Add an organisation, or return the id of the one already called that."""
    if kind not in ORGANISATION_KINDS:
        raise ProgrammeError(f"Organisation kind must be one of {', '.join(ORGANISATION_KINDS)}.")
    if not (name or "").strip() or has_control_characters(name):
        raise ProgrammeError("An organisation needs a name without control characters.")
    with write(db):
        existing = organisation_by_name(db, name)
        if existing:
            return existing["id"]
        return db["organisations"].insert({"name": name.strip(), "kind": kind}).last_pk


def add_member(db, programme_id, person_id, role):
    """Put a person in a programme with a role (or change their role there)."""
    if role not in auth.ROLES:
        raise ProgrammeError(f"Role must be one of {', '.join(auth.ROLES)}.")
    with write(db):
        db["programme_members"].upsert(
            {
                "programme_id": programme_id,
                "person_id": person_id,
                "role": role,
                "joined_at": now(),
            },
            pk=("programme_id", "person_id"),
        )


def invite_person(db, programme_id, email, name, role, organisation_id, invited_by):
    """Create an account without a password, add it to a programme; return the sign-up token."""
    try:
        person_id = auth.create_person(db, email, name, role, organisation_id)
    except auth.AccountError as error:
        raise ProgrammeError(str(error)) from error
    if programme_id:
        add_member(db, programme_id, person_id, role)
    return auth.create_account_link(db, person_id, "invite", invited_by)


PARTNERING_MODELS = ("individual", "voluntary", "structural", "mandated")


def create_learning_set(db, programme_id, name, facilitator_id=None, ground_rules=""):
    """Add a learning set to a programme and return its id."""
    from .text import render_markdown

    if not (name or "").strip() or has_control_characters(name + (ground_rules or "")):
        raise ProgrammeError("A set needs a name, and no control characters in its text.")
    with write(db):
        return (
            db["learning_sets"]
            .insert(
                {
                    "programme_id": programme_id,
                    "name": name.strip(),
                    "facilitator_id": facilitator_id,
                    "ground_rules": ground_rules,
                    "ground_rules_html": render_markdown(ground_rules),
                    "created_at": now(),
                }
            )
            .last_pk
        )


def create_pair(
    db,
    programme_id,
    member_ids,
    priority_area,
    borough="",
    problem_statement="",
    partnering_model="voluntary",
    learning_set_id=None,
    name="",
):
    """Add a pair (two or three people in the programme) and return its id."""
    if not 2 <= len(set(member_ids)) <= 3:
        raise ProgrammeError("A pair has two members (three when a third partner joins).")
    if partnering_model not in PARTNERING_MODELS:
        raise ProgrammeError(f"Partnering model must be one of {', '.join(PARTNERING_MODELS)}.")
    texts = (priority_area, borough, problem_statement, name)
    if not (priority_area or "").strip() or any(has_control_characters(t) for t in texts):
        raise ProgrammeError("A pair needs a priority area, and no control characters.")
    outsiders = [m for m in member_ids if role_in_programme(db, m, programme_id) is None]
    if outsiders:
        raise ProgrammeError("Every pair member must be in the programme first.")
    with write(db):
        pair_id = (
            db["pairs"]
            .insert(
                {
                    "programme_id": programme_id,
                    "learning_set_id": learning_set_id,
                    "name": name,
                    "borough": borough,
                    "priority_area": priority_area.strip(),
                    "problem_statement": problem_statement,
                    "partnering_model": partnering_model,
                    "created_at": now(),
                }
            )
            .last_pk
        )
        db["pair_members"].insert_all(
            [{"pair_id": pair_id, "person_id": m} for m in dict.fromkeys(member_ids)]
        )
    return pair_id


# Views

bp = Blueprint("programmes", __name__)


class InviteForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    organisation_id = SelectField("Organisation", coerce=int)
    role = SelectField("Role", choices=[SelectChoice(r, r.capitalize()) for r in auth.ROLES])
    programme_id = SelectField("Programme", coerce=int)


@bp.get("/")
@login_required
def home():
    db = get_db()
    return render_template("programmes/home.html", programmes=programmes_for(db, current_user.id))


@bp.get("/healthz")
def healthz():
    get_db().execute("SELECT 1").fetchone()
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


def _invite_form(db):
    form = InviteForm()
    form.organisation_id.choices = [(0, "(none)")] + [
        (o["id"], o["name"]) for o in organisations(db)
    ]
    form.programme_id.choices = [(p["id"], p["name"]) for p in all_programmes(db)]
    return form


@bp.route("/people", methods=["GET", "POST"])
@auth.organiser_required
def people():
    db = get_db()
    form = _invite_form(db)
    if form.validate_on_submit():
        try:
            token = invite_person(
                db,
                form.programme_id.data,
                form.email.data,
                form.name.data,
                form.role.data,
                form.organisation_id.data or None,
                current_user.id,
            )
        except ProgrammeError as error:
            form.email.errors.append(str(error))
        else:
            return render_template(
                "programmes/link.html", purpose="invite", name=form.name.data, token=token
            )
    return render_template("programmes/people.html", people=people_listing(db), form=form)


@bp.post("/people/<int:person_id>/reset-link")
@auth.organiser_required
def reset_link(person_id):
    db = get_db()
    row = auth.person(db, person_id)
    if row is None:
        abort(404)
    purpose = "reset" if row["password_hash"] else "invite"
    token = auth.create_account_link(db, person_id, purpose, current_user.id)
    return render_template("programmes/link.html", purpose=purpose, name=row["name"], token=token)


@bp.post("/people/<int:person_id>/deactivate")
@auth.organiser_required
def deactivate(person_id):
    return _set_active(person_id, False)


@bp.post("/people/<int:person_id>/activate")
@auth.organiser_required
def activate(person_id):
    return _set_active(person_id, True)


def _set_active(person_id, active):
    db = get_db()
    row = auth.person(db, person_id)
    if row is None:
        abort(404)
    if row["id"] == current_user.id and not active:
        flash("You cannot deactivate your own account.", "error")
    else:
        auth.set_active(db, person_id, active)
        flash(f"{row['name']} is now {'active' if active else 'deactivated'}.", "info")
    return redirect(url_for("programmes.people"))
