"""Pages: sign in and out, forgotten and changed passwords, single-use links; and the
Flask-Login wiring that turns a session cookie into the signed-in person."""

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .. import audit
from ..db import get_db
from ..security import Form, is_local_path
from . import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    SignInThrottled,
    account_link,
    account_links_for,
    check_sign_in,
    end_session,
    person,
    request_sign_in_link,
    session_person,
    set_password,
    start_session,
    use_account_link,
)

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.session_protection = None  # sessions are server-side rows; see load_user


class SignedInPerson(UserMixin):
    """The person behind a live login session. get_id() is the session token, not the id."""

    def __init__(self, row, token):
        self.id = row["id"]
        self.name = row["name"]
        self.email = row["email"]
        self.role = row["role"]
        self._token = token

    def get_id(self):
        return self._token

    @property
    def is_organiser(self):
        return self.role == "organiser"

    @property
    def is_facilitator(self):
        return self.role == "facilitator"


# Flask-Login wiring


@login_manager.user_loader
def load_user(token):
    row = session_person(get_db(), token, current_app.config["IDLE_TIMEOUT_MINUTES"])
    return SignedInPerson(row, token) if row else None


def role_required(*roles):
    """A view decorator: 403 unless the signed-in person's role is one of these."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


organiser_required = role_required("organiser")


def client_address():
    return request.remote_addr or ""


def sign_in_limits():
    config = current_app.config
    return {
        "account": config["SIGN_IN_FAILURE_LIMIT"],
        "address": config["SIGN_IN_ADDRESS_FAILURE_LIMIT"],
        "window": config["SIGN_IN_WINDOW_MINUTES"],
    }


def sign_in_link_limits():
    config = current_app.config
    return {
        "account": config["SIGN_IN_LINK_LIMIT"],
        "address": config["SIGN_IN_ADDRESS_FAILURE_LIMIT"],
        "window": config["SIGN_IN_WINDOW_MINUTES"],
    }


def begin_signed_in_session(person_id):
    """Clear the old cookie session (no fixation) and sign in with a fresh server session."""
    db = get_db()
    token = start_session(db, person_id, client_address(), request.user_agent.string or "")
    session.clear()
    login_user(SignedInPerson(person(db, person_id), token))
    session.permanent = False


# Forms and views

bp = Blueprint("auth", __name__)


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class ForgotForm(Form):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(Form):
    password = PasswordField(
        "New password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    target = request.args.get("next", "")
    if not is_local_path(target):
        target = ""
    if form.validate_on_submit():
        db = get_db()
        try:
            row = check_sign_in(
                db, form.email.data, form.password.data, client_address(), sign_in_limits()
            )
        except AccountError as error:
            flash(str(error), "error")
            status = 429 if isinstance(error, SignInThrottled) else 200
            return render_template("auth/login.html", form=form, next=target), status
        begin_signed_in_session(row["id"])
        return redirect(target or url_for("home.index"))
    return render_template("auth/login.html", form=form, next=target)


@bp.route("/account/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form, sent=False)
    try:
        request_sign_in_link(
            get_db(),
            form.email.data,
            client_address(),
            sign_in_link_limits(),
            current_app.config["BASE_URL"],
        )
    except SignInThrottled as error:
        flash(str(error), "error")
        return render_template("auth/forgot.html", form=form, sent=False), 429
    return render_template("auth/forgot.html", form=ForgotForm(formdata=None), sent=True)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_session(get_db(), current_user.get_id())
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        db = get_db()
        # Guessing the current password here counts against the same limit as signing in.
        try:
            check_sign_in(
                db, current_user.email, form.current.data, client_address(), sign_in_limits()
            )
        except SignInThrottled as error:
            form.current.errors.append(str(error))
            status = 429
        except AccountError:
            form.current.errors.append("That is not your current password.")
        else:
            set_password(db, current_user.id, form.password.data)
            begin_signed_in_session(current_user.id)
            flash("Password changed. You have been signed out everywhere else.", "info")
            return redirect(url_for("home.index"))
    links = account_links_for(get_db(), current_user.id)
    events = audit.events_about(get_db(), current_user.id)
    return render_template("auth/password.html", form=form, links=links, events=events), status


@bp.route("/account/link/<token>", methods=["GET", "POST"])
def use_link(token):
    db = get_db()
    link = account_link(db, token)
    if link is None:
        return render_template("auth/link_expired.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            person_id = use_account_link(db, token, form.password.data)
        except AccountError as error:
            flash(str(error), "error")
            return render_template("auth/link_expired.html"), 404
        begin_signed_in_session(person_id)
        flash("Your password is set and you are signed in.", "info")
        return redirect(url_for("home.index"))
    return render_template("auth/set_password.html", form=form, link=link)
