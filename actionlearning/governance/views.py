"""The organisers' Audit page, the data-protection page, and the keep-my-journal choice."""

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import audit, retention
from ..auth.views import organiser_required
from ..db import get_db
from ..programmes.people import people_listing
from . import CONTACT_KEYS, GovernanceError, contact, set_contact

bp = Blueprint("governance", __name__)


@bp.get("/audit")
@organiser_required
def audit_page():
    db = get_db()
    person_id = request.args.get("person", type=int)
    kind = request.args.get("kind", "") if request.args.get("kind") in audit.KINDS else ""
    events = audit.events_for_organiser(db, current_user.id, person_id, kind)
    return render_template(
        "governance/audit.html",
        events=events,
        people=people_listing(db, current_user.id),
        kinds=audit.KINDS,
        person_id=person_id,
        kind=kind,
    )


@bp.route("/data-protection", methods=["GET", "POST"])
def data_protection():
    db = get_db()
    editable = current_user.is_authenticated and current_user.is_organiser
    if request.method == "POST":
        if not editable:
            return redirect(url_for("auth.login", next=request.path))
        try:
            set_contact(db, {key: request.form.get(key, "") for key in CONTACT_KEYS})
        except GovernanceError as error:
            flash(str(error), "error")
        else:
            flash("The contact details are saved.", "info")
            return redirect(url_for(".data_protection"))
    return render_template(
        "governance/data_protection.html",
        contact=contact(db),
        editable=editable,
        notice_days=retention.RETENTION_NOTICE_DAYS,
    )


@bp.post("/account/keep-journal")
@login_required
def keep_journal():
    keep = request.form.get("keep") == "1"
    retention.set_keep_journal(get_db(), current_user.id, keep)
    flash(
        "Your journal will be kept after your programmes' retention period."
        if keep
        else "Your journal will be deleted with your programmes' journals.",
        "info",
    )
    return redirect(url_for("auth.change_password"))


@bp.app_template_global()
def retention_notices():
    """The signed-in person's coming journal deletions, for the notice on their pages."""
    today = datetime.now(UTC).date()
    return retention.retention_notices(get_db(), current_user.id, today)


@bp.app_template_global()
def keeps_journal():
    return retention.keeps_journal(get_db(), current_user.id)
