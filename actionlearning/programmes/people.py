"""People as an organiser sees them: whom the people page lists and who may be acted on
there (sign-in links, account changes); and OPERATOR, the server's operator at the command
line."""

from ..db import one, rows
from ..membership import people_organised_by, programmes_organised_by

# The one place that says whom an organiser sees on the people page and may act on there:
# people in a programme they organise, and accounts in no programme at all (made with
# `flask create-user`, say), which need placing. Other programmes' people stay hidden.
PEOPLE_FOR_ORGANISER = f"""SELECT p.* FROM people p
    WHERE (p.id IN ({people_organised_by()})
           OR NOT EXISTS (SELECT 1 FROM programme_members m WHERE m.person_id = p.id))"""


# The people page's "signed up or not" filter: an invited person has no password yet.
SIGN_UP_STATES = {"signed-up": "Signed up", "invited": "Invited, not signed up"}


def _like(words):
    """A LIKE pattern that matches the words literally, % and _ included."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def people_listing(db, organiser_id, search="", programme_id=None, role="", sign_up=""):
    """The people an organiser may see, with organisation and programmes, by name; narrowed
    by words in the name, e-mail, organisation or job title, a programme, a role and
    whether they have signed up (a SIGN_UP_STATES key)."""
    conditions, params = [], {"me": organiser_id}
    if (search or "").strip():
        conditions.append(
            """(p.name LIKE :words ESCAPE '\\' OR p.email LIKE :words ESCAPE '\\'
               OR o.name LIKE :words ESCAPE '\\' OR p.job_title LIKE :words ESCAPE '\\')"""
        )
        params["words"] = _like(search.strip())
    if programme_id:
        conditions.append(
            """EXISTS (SELECT 1 FROM programme_members f WHERE f.person_id = p.id
               AND f.programme_id = :programme)"""
        )
        params["programme"] = programme_id
    if role:
        conditions.append("p.role = :role")
        params["role"] = role
    if sign_up in SIGN_UP_STATES:
        conditions.append("(p.password_hash IS NOT NULL) = :signed_up")
        params["signed_up"] = int(sign_up == "signed-up")
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    return rows(
        db,
        f"""SELECT p.id, p.name, p.email, p.role, p.is_active, p.job_title,
              o.name AS organisation,
              (SELECT group_concat(g.name, '; ') FROM programme_members m
               JOIN programmes g ON g.id = m.programme_id WHERE m.person_id = p.id)
              AS programmes,
              p.password_hash IS NOT NULL AS has_password
           FROM ({PEOPLE_FOR_ORGANISER}) p LEFT JOIN organisations o ON o.id = p.organisation_id
           {where}
           ORDER BY p.name""",
        params,
    )


def person_memberships(db, person_id):
    """The programmes a person is in, with their role in each, by programme name."""
    return rows(
        db,
        """SELECT g.id, g.name, m.role FROM programme_members m
           JOIN programmes g ON g.id = m.programme_id WHERE m.person_id = ?
           ORDER BY g.name""",
        [person_id],
    )


# Who acts on an account: an organiser's id, or OPERATOR for the server's operator at the
# command line (`flask import-people`, `flask create-user`), who may place anyone.
OPERATOR = "operator"


def person_for_organiser(db, organiser_id, person_id):
    """The person's row when the organiser may see and act on them, else None."""
    return one(
        db,
        PEOPLE_FOR_ORGANISER + " AND p.id = :person",
        {"me": organiser_id, "person": person_id},
    )


def may_issue_sign_in_link(db, organiser_id, person_id):
    """Whether an organiser may make a sign-in (reset) link for this person.

    Whoever uses a reset link can read the account's private journal, so only someone who
    organises every programme the person is in may issue one, and never for an organiser
    (or themselves): those go through `flask reset-link` on the server.
    """
    if organiser_id == person_id:
        return False
    row = one(
        db,
        f"""SELECT p.role,
             (SELECT count(*) FROM programme_members WHERE person_id = p.id) AS programmes_in,
             EXISTS ({programmes_organised_by("p.id")}) AS organises_any,
             (SELECT count(*) FROM programme_members m WHERE m.person_id = p.id
                AND m.programme_id NOT IN ({programmes_organised_by()})) AS outside_mine
           FROM people p WHERE p.id = :person""",
        {"me": organiser_id, "person": person_id},
    )
    if row is None:
        return False
    return (
        row["role"] != "organiser"
        and row["programmes_in"] > 0
        and not row["organises_any"]
        and not row["outside_mine"]
    )


def may_change_account(db, organiser_id, person):
    """Whether an organiser may deactivate or reactivate this account (a row they may see).

    Another organiser's account only when they organise a programme together, so no one can
    shut out, or bring back, an organiser they do not work with; `flask deactivate` and
    `flask activate` on the server cover the rest.
    """
    if person["role"] != "organiser":
        return True
    together = one(
        db,
        f"""SELECT 1 FROM ({programmes_organised_by(":person")})
           WHERE programme_id IN ({programmes_organised_by()}) LIMIT 1""",
        {"me": organiser_id, "person": person["id"]},
    )
    return together is not None
