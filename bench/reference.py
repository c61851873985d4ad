"""The signed-in journal list written the plain flaskr way: the target for bench/journal.py.

Flask, Flask-Login loading the user from SQLite on each request, a sqlite3 connection per
request (flaskr's get_db), one query for the page and Jinja escaping every field, over
the same database file and showing the same 20 cards as /journal, each link built by
url_for. (Stored sanitised HTML would be marked safe, as flaskr-style apps do with a
rendered body; the list shows no body, so here nothing is.) No CSRF token, security
headers, server-side session check or reflection prompt: what a tutorial app leaves out
is part of what the target measures.

Run under gunicorn as 'bench.reference:create_app()' with ACTIONLEARNING_DATABASE and
SECRET_KEY in the environment.
"""

import os
import sqlite3
from pathlib import Path

from flask import Flask, g, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from werkzeug.security import check_password_hash

# One query: the reader's own entries (the privacy rule of "my journal" is authorship),
# with the labels a card shows.
ENTRIES = """SELECT e.id, e.title, e.visibility, e.created_at, e.meeting_id, a.name AS author,
    m.title AS meeting_title, m.starts_at AS meeting_starts_at, pr.time_zone,
    (SELECT group_concat(t.theme, '|') FROM journal_entry_themes t WHERE t.entry_id = e.id)
        AS themes,
    (SELECT group_concat(t.tag, '|') FROM journal_entry_tags t WHERE t.entry_id = e.id) AS tags
FROM journal_entries e JOIN people a ON a.id = e.author_id
JOIN programmes pr ON pr.id = e.programme_id
LEFT JOIN meetings m ON m.id = e.meeting_id
WHERE e.author_id = ? ORDER BY e.created_at DESC, e.id DESC LIMIT 20"""

VISIBILITIES = {
    "private": "Only me",
    "pair": "My pair",
    "set": "My learning set",
    "programme": "Everyone in the programme",
}


class User(UserMixin):
    def __init__(self, row):
        self.id, self.name, self.role = row


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(os.environ["ACTIONLEARNING_DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def create_app():
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "reference_templates"))
    app.secret_key = os.environ["SECRET_KEY"]
    login_manager = LoginManager(app)
    login_manager.login_view = "login"

    @login_manager.user_loader
    def load_user(user_id):
        row = (
            get_db()
            .execute("SELECT id, name, role FROM people WHERE id = ? AND is_active = 1", [user_id])
            .fetchone()
        )
        return User(tuple(row)) if row else None

    @app.teardown_appcontext
    def close_db(_error):
        db = g.pop("db", None)
        if db is not None:
            db.close()

    @app.post("/login")
    def login():
        row = (
            get_db()
            .execute(
                "SELECT id, name, role, password_hash FROM people WHERE email = ?",
                [request.form["email"]],
            )
            .fetchone()
        )
        if row is None or not check_password_hash(row["password_hash"], request.form["password"]):
            return "Wrong e-mail or password", 400
        login_user(User(tuple(row)[:3]))
        return redirect(url_for("journal"))

    @app.get("/journal")
    @login_required
    def journal():
        entries = get_db().execute(ENTRIES, [current_user.id]).fetchall()
        return render_template("journal.html", entries=entries, visibilities=VISIBILITIES)

    @app.template_filter("labels")
    def labels(text):
        return sorted(text.split("|")) if text else []

    @app.template_filter("day")
    def day(value):
        return value[:10]

    @app.get("/journal/<int:entry_id>")
    def show_entry(entry_id):
        return ""

    for endpoint in ("journal_new", "search", "shared", "home"):
        app.add_url_rule(f"/{endpoint}", endpoint, lambda: "")
    return app
