"""Help: a short page per role in plain words, open to everyone (nothing on it is private)."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from . import auth
from .db import get_db
from .programmes.pairs import learning_sets_of_member

bp = Blueprint("guide", __name__)


@bp.get("/help")
def help_index():
    """Signed-in people go straight to the page for their role."""
    if current_user.is_authenticated:
        return redirect(url_for("guide.help_for", role=current_user.role))
    return render_template("help/index.html", roles=auth.ROLES)


@bp.get("/help/<role>")
def help_for(role):
    if role not in auth.ROLES:
        abort(404)
    sets = []
    if current_user.is_authenticated:
        sets = learning_sets_of_member(get_db(), current_user.id)
    return render_template(f"help/{role}.html", role=role, roles=auth.ROLES, my_sets=sets)
