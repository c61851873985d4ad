"""actionlearning: joint NHS and local-authority leadership programmes."""

import os
import secrets

from flask import Flask

CONFIG_TEMPLATE = """\
# Local configuration for this installation. Never commit this file.
SECRET_KEY = {secret!r}
# SESSION_COOKIE_SECURE = True   # when served over https
# BASE_URL = "https://actionlearning.example.org"
"""


def create_app(config=None, instance_path=None):
    """Build the application: configuration, database, extensions, blueprints."""
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "actionlearning.db"),
        BASE_URL="http://127.0.0.1:5000",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        IDLE_TIMEOUT_MINUTES=120,
        SIGN_IN_FAILURE_LIMIT=10,
        SIGN_IN_ADDRESS_FAILURE_LIMIT=30,
        SIGN_IN_WINDOW_MINUTES=15,
        SIGN_IN_LINK_LIMIT=3,  # links mailed to one address per window (/account/forgot)
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        WTF_CSRF_TIME_LIMIT=None,
    )
    if config is None or "SECRET_KEY" not in config:
        _ensure_instance_config(app.instance_path)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ACTIONLEARNING")
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.update(config or {})
    app.config["BASE_URL"] = app.config["BASE_URL"].rstrip("/")

    from . import db, security
    from .auth import views as auth_views
    from .feeds.server import FeedServer

    db.init_app(app)
    security.init_app(app)
    auth_views.login_manager.init_app(app)
    _register_blueprints(app)
    security.exempt_from_csrf(app)
    # Browsers, feed readers and bookmarks ask for /favicon.ico whatever the page links.
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.ico"))
    _register_times(app)

    from . import cli

    cli.init_app(app)
    # WSGI layers, outermost first: the calendar feeds, answered without sessions or sign-in
    # (feeds/server.py); the security headers of every page; then Flask.
    app.wsgi_app = FeedServer(app, security.SecurityHeaders(app.wsgi_app))
    return app


def _register_blueprints(app):
    """Each area's pages, imported here so that no domain module ever imports its views."""
    from . import guide
    from .auth import views as auth_views
    from .casestudies import views as casestudies_views
    from .evaluation import views as evaluation_views
    from .feeds import views as feeds_views
    from .governance import views as governance_views
    from .home import views as home_views
    from .journal import views as journal_views
    from .mail import views as mail_views
    from .programmes import pair_views, people_views
    from .programmes import views as programmes_views
    from .scheduling import learning_set_views, month_views
    from .scheduling import views as scheduling_views

    # pair_views and month_views add their pages to their area's blueprint when imported.
    del pair_views, month_views
    for module in (
        home_views,
        auth_views,
        programmes_views,
        people_views,
        scheduling_views,
        learning_set_views,
        journal_views,
        feeds_views,
        casestudies_views,
        guide,
        governance_views,
        evaluation_views,
        mail_views,
    ):
        app.register_blueprint(module.bp)


def _register_times(app):
    """The one date style of every page, in a programme's zone, with the exact value for
    machines: {{ value|date(zone) }}, {{ value|datetime(zone) }} (zone defaults to the
    product's, Europe/London), {{ day|long_date }} and {{ meeting_when(meeting_row) }}."""
    from . import times

    app.add_template_filter(times.date_html, "date")
    app.add_template_filter(times.datetime_html, "datetime")
    app.add_template_filter(times.long_date, "long_date")
    app.add_template_global(times.meeting_when_html, "meeting_when")


def _ensure_instance_config(instance_path):
    """Create instance/config.py with a random SECRET_KEY on first run."""
    path = os.path.join(instance_path, "config.py")
    if os.path.exists(path):
        return
    os.makedirs(instance_path, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race
        return
    with os.fdopen(fd, "w") as f:
        f.write(CONFIG_TEMPLATE.format(secret=secrets.token_hex(32)))
