"""The security baseline every page shares: CSRF, headers, error pages, input checks."""

from urllib.parse import urlsplit

from flask import render_template, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import PasswordField, StringField, TextAreaField

from .text import (
    BIDI_CONTROLS,
    BIDI_MESSAGE,
    CONTROL_CHARACTER_MESSAGE,
    has_control_characters,
)

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ERROR_MESSAGES = {
    400: (
        "Bad request",
        "The form could not be accepted. If you left a page open for a long "
        "time, go back, reload it and try again.",
    ),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing here, or you do not have access to it."),
    405: ("Not allowed", "That page cannot be used this way."),
    413: (
        "Too large",
        "What you sent is larger than this site accepts. Send a smaller file or shorter text.",
    ),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: (
        "Something went wrong",
        "The error has been logged. Nothing you saved before this was lost; please try again.",
    ),
}


class Form(FlaskForm):
    """Every form in the app: CSRF from Flask-WTF, no control characters in any text and no
    direction marks in a single-line field."""

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for field in self:
            if not isinstance(field, StringField) or not isinstance(field.data, str):
                continue
            if has_control_characters(field.data):
                field.errors = [*field.errors, CONTROL_CHARACTER_MESSAGE]
                ok = False
            elif not isinstance(field, TextAreaField | PasswordField) and BIDI_CONTROLS.search(
                field.data
            ):
                field.errors = [*field.errors, BIDI_MESSAGE]
                ok = False
        return ok

    def attach_error(self, error, fallback=None):
        """Show a domain refusal (a FieldError) under the field it is about, else under
        `fallback`, else above the form, so screen readers are sent to the right input."""
        field = self._fields.get(getattr(error, "field", None) or "") or self._fields.get(
            fallback or ""
        )
        if field is None:
            self.form_errors.append(str(error))
        else:
            field.errors = [*field.errors, str(error)]


def is_local_path(target):
    """True only for a path on this site: '/journal', not '//evil', 'https://evil' or '/\\evil'."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or has_control_characters(target) or any(c.isspace() for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


NO_SNIFF = ("X-Content-Type-Options", "nosniff")  # no guessing a response's type from its bytes


class SecurityHeaders:
    """WSGI middleware: the headers every response carries, error pages included.

    Pages are never cached unless they say otherwise (static files).
    Added to the header list as the response starts, which costs a fraction of setting
    them one by one on Flask's response object.
    """

    ALWAYS = (
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        NO_SNIFF,
        ("Referrer-Policy", "no-referrer"),  # feed tokens live in URLs
        ("X-Frame-Options", "DENY"),
    )
    NOT_STORED = ("Cache-Control", "no-store")

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if not any(name.lower() == "cache-control" for name, _ in headers):
                headers.append(self.NOT_STORED)
            headers.extend(self.ALWAYS)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def render_error(code, message=None):
    title, default = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    return render_template("error.html", code=code, title=title, message=message or default), code


# One-click unsubscribe (RFC 8058) is POSTed by mail providers, with no session or form: the
# signed token in its URL is its authority, and all it can do is turn one kind of mail off.
CSRF_EXEMPT = frozenset({"mail.unsubscribe_link"})


def exempt_from_csrf(app):
    """Once the blueprints are registered: Flask-WTF's CSRFProtect skips CSRF_EXEMPT."""
    for endpoint in CSRF_EXEMPT:
        csrf.exempt(app.view_functions[endpoint])


def init_app(app):
    csrf.init_app(app)  # every POST, PUT, PATCH and DELETE needs the form's token

    @app.before_request
    def refuse_control_characters_in_the_address():
        # A NUL in ?q= reached SQLite's full-text parser as an "unterminated string".
        if any(
            has_control_characters(key) or any(has_control_characters(v) for v in values)
            for key, values in request.args.lists()
        ):
            return render_error(
                400,
                "The address holds control characters (such as NUL), so it was not used. "
                "Remove them and try again.",
            )

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400,
            "The form had expired or was not sent from this site, so "
            "nothing was changed. Go back, reload the page and try again.",
        )

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, lambda error, code=code: render_error(code))
