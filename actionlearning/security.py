"""The security baseline every page shares: CSRF, headers, error pages, input checks."""

from urllib.parse import urlsplit

from flask import render_template, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import StringField, TextAreaField

from .text import CONTROL_CHARACTER_MESSAGE, has_control_characters

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
    """Every form in the app: CSRF from Flask-WTF, and no control characters in any text."""

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField | TextAreaField) and has_control_characters(
                field.data
            ):
                field.errors = [*field.errors, CONTROL_CHARACTER_MESSAGE]
                ok = False
        return ok


def is_local_path(target):
    """True only for a path on this site: '/journal', not '//evil', 'https://evil' or '/\\evil'."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or has_control_characters(target) or any(c.isspace() for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def render_error(code, message=None):
    title, default = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    return render_template("error.html", code=code, title=title, message=message or default), code


def init_app(app):
    csrf.init_app(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"  # feed tokens live in URLs
        response.headers["X-Frame-Options"] = "DENY"
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400,
            "The form had expired or was not sent from this site, so "
            "nothing was changed. Go back, reload the page and try again.",
        )

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, lambda error, code=code: render_error(code))
