"""Mail pages: each person's e-mail preferences, one-click unsubscribe, organisers' outbox."""

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
from wtforms import SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.views import organiser_required
from ..db import get_db
from ..programmes import organised_programme
from ..security import Form
from . import (
    KINDS,
    OPTIONAL_KINDS,
    STATUSES,
    invitations,
    outbox_counts_for_organiser,
    outbox_for_organiser,
    person_opt_outs,
    set_preferences,
    unsubscribe,
)

bp = Blueprint("mail", __name__)


class PreferencesForm(Form):
    kinds = SelectMultipleField(
        "Send me e-mail about",
        choices=[SelectChoice(kind, KINDS[kind][0]) for kind in OPTIONAL_KINDS],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )


@bp.route("/account/mail", methods=["GET", "POST"])
@login_required
def preferences():
    db = get_db()
    form = PreferencesForm()
    if form.validate_on_submit():
        set_preferences(db, current_user.id, set(form.kinds.data))
        flash("Your e-mail settings are saved.", "info")
        return redirect(url_for("mail.preferences"))
    if request.method == "GET":
        form.kinds.data = [
            k for k in OPTIONAL_KINDS if k not in person_opt_outs(db, current_user.id)
        ]
    always = [label for label, optional in KINDS.values() if not optional]
    return render_template("mail/preferences.html", form=form, always=always)


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe_link(token):
    """RFC 8058: mail providers POST 'List-Unsubscribe=One-Click' here, without cookies or a
    CSRF token (the signed token is the authority); a GET, which link checkers and previews
    make, only shows a button, so opening the link turns nothing off."""
    if request.method == "GET":
        return render_template("mail/unsubscribe.html", token=token, done=None)
    done = unsubscribe(get_db(), current_app.config["SECRET_KEY"], token)
    if done is None:
        return render_template("mail/unsubscribe.html", token=token, done=None, invalid=True), 404
    return render_template("mail/unsubscribe.html", token=token, done=KINDS[done[1]][0])


@bp.get("/mail/outbox")
@organiser_required
def outbox():
    db = get_db()
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    return render_template(
        "mail/outbox.html",
        messages=outbox_for_organiser(db, current_user.id, status),
        counts=outbox_counts_for_organiser(db, current_user.id),
        waiting=invitations.waiting_fanouts(db, current_user.id),
        status=status,
    )


@bp.post("/mail/outbox/resend/<int:programme_id>/<int:person_id>")
@organiser_required
def resend_invitations(programme_id, person_id):
    """Queue a person's invitations to the meetings ahead in a programme again."""
    db = get_db()
    if organised_programme(db, current_user.id, programme_id) is None:
        abort(404)  # the same answer for "no such programme" and "not yours"
    settings = invitations.settings_for(current_app)
    if settings is None:
        flash("Meeting invitations by e-mail are turned off for this site.", "error")
    elif invitations.resend(db, settings, person_id, programme_id):
        flash("Their meeting invitations are queued again.", "info")
    else:
        flash("No meeting ahead in that programme concerns them: nothing was queued.", "info")
    return redirect(url_for("mail.outbox"))
