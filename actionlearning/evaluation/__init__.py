"""Did the programme work? Before-and-after self-ratings on the programme's own factors.

Participants rate their partnership on the NHS Confederation survey's partnership factors
and themselves on the Health Foundation's recipe, 1 to 5, at the start and the end of a
programme (and optionally mid-way). A person's ratings and comments are theirs alone:
everything shown to anyone else comes from `figures.aggregates()`, which suppresses any group of
fewer than MIN_GROUP respondents, as NHS statistics do.
"""

from ..db import now, one, rows, write
from ..text import has_control_characters

# (key, short label, the statement a participant rates from 1 "strongly disagree" to 5
# "strongly agree"), worded from the programme documents: the Confederation's "what helps
# and what hinders" factors, then the Health Foundation's recipe for successful partnering.
PARTNERSHIP_FACTORS = (
    (
        "shared_goals",
        "Shared goals",
        "Our organisations share clear goals and priorities for this work.",
    ),
    (
        "relationships",
        "Relationships and trust",
        "There is trust between us and our partner organisation: we can raise difficulties openly.",
    ),
    (
        "communication",
        "Communication",
        "Communication between our organisations is timely, two-way and of good quality.",
    ),
    (
        "financial",
        "Financial arrangements",
        "The financial arrangements for our joint work are clear and agreed.",
    ),
    (
        "roles",
        "Roles and structure",
        "Roles, responsibilities and accountability across the partnership are clear.",
    ),
    (
        "leadership",
        "Leadership",
        "The partnership has clear leadership and a vision that staff in both organisations share.",
    ),
    (
        "performance",
        "Performance reporting",
        "Our organisations' performance reporting regimes help rather than hinder our joint work.",
    ),
    (
        "data",
        "Data and information",
        "We have an agreed dataset that is accurate, timely and complete enough to act on.",
    ),
    (
        "culture",
        "Culture",
        "Each organisation understands the other's culture, pressures and deadlines.",
    ),
    (
        "stakeholders",
        "Stakeholder and community engagement",
        "Front-line staff, middle managers and the public are involved in the work.",
    ),
    (
        "third_sector",
        "Third-sector involvement",
        "Voluntary and community organisations are involved as partners.",
    ),
)
PERSONAL_FACTORS = (
    (
        "my_leadership",
        "Leading across boundaries",
        "I lead across organisational boundaries and win the buy-in of both organisations' staff.",
    ),
    (
        "my_confidence",
        "Confidence",
        "I am confident taking on increasingly complex joint work with our partner.",
    ),
    ("my_data", "Using data", "I use shared data and evidence to make decisions with our partner."),
    (
        "my_environment",
        "Managing the environment",
        "I spot outside distractions and pressures and limit their effect on our joint outcomes.",
    ),
)
FACTORS = PARTNERSHIP_FACTORS + PERSONAL_FACTORS
FACTOR_LABELS = {key: label for key, label, _ in FACTORS}
STAGES = {"start": "Start of the programme", "mid": "Mid-way", "end": "End of the programme"}
RATING_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither",
    4: "Agree",
    5: "Strongly agree",
}
COMMENT_MAX = 1000
# No figure is shown for a group of fewer respondents than this (NHS small-number rule).
MIN_GROUP = 5


class EvaluationError(ValueError):
    """A rating or round change that cannot be made; the message says why."""


# Queries


def rounds_for_programme(db, programme_id):
    return rows(
        db,
        """SELECT r.*, (SELECT count(*) FROM evaluation_responses WHERE round_id = r.id)
             AS respondents
           FROM evaluation_rounds r WHERE r.programme_id = :p
           ORDER BY CASE r.stage WHEN 'start' THEN 1 WHEN 'mid' THEN 2 ELSE 3 END""",
        {"p": programme_id},
    )


# The one place that says who rates: participants of the round's programme.
RATERS = """SELECT pm.person_id FROM programme_members pm
    WHERE pm.programme_id = r.programme_id AND pm.role = 'participant'"""


def rounds_for_person(db, person_id):
    """Every round of the programmes this person rates in, with whether they responded."""
    return rows(
        db,
        f"""SELECT r.*, g.name AS programme_name,
              (SELECT id FROM evaluation_responses
               WHERE round_id = r.id AND person_id = :me) AS response_id
           FROM evaluation_rounds r JOIN programmes g ON g.id = r.programme_id
           WHERE :me IN ({RATERS})
           ORDER BY r.status = 'closed', r.opened_at DESC""",
        {"me": person_id},
    )


def open_rounds_to_answer(db, person_id):
    """Open rounds this person has not responded to yet: something to do on My schedule."""
    return [
        r
        for r in rounds_for_person(db, person_id)
        if r["status"] == "open" and r["response_id"] is None
    ]


def round_for_rater(db, person_id, round_id):
    """The round if this person rates in it, else None."""
    return one(
        db,
        f"""SELECT r.*, g.name AS programme_name FROM evaluation_rounds r
            JOIN programmes g ON g.id = r.programme_id
            WHERE r.id = :round AND :me IN ({RATERS})""",
        {"round": round_id, "me": person_id},
    )


def own_response(db, person_id, round_id):
    """This person's own ratings in a round: {factor: {rating, comment, for_case_study}}.

    Read only by the person themselves: no other page, export or role reads responses."""
    return {
        r["factor"]: r
        for r in rows(
            db,
            """SELECT x.factor, x.rating, x.comment, x.for_case_study
               FROM evaluation_ratings x JOIN evaluation_responses s ON s.id = x.response_id
               WHERE s.round_id = :round AND s.person_id = :me""",
            {"round": round_id, "me": person_id},
        )
    }


def own_ratings(db, person_id):
    """Every rating this person gave, for their own data download."""
    return rows(
        db,
        """SELECT g.name AS programme, r.stage, s.updated_at, x.factor, x.rating, x.comment,
                  x.for_case_study
           FROM evaluation_ratings x JOIN evaluation_responses s ON s.id = x.response_id
           JOIN evaluation_rounds r ON r.id = s.round_id
           JOIN programmes g ON g.id = r.programme_id
           WHERE s.person_id = :me ORDER BY r.opened_at, x.factor""",
        {"me": person_id},
    )


def case_study_comments(db, pair_id):
    """Comments the pair's members marked for their case study, with the factor they
    concern: the only words of a rating anyone else may read."""
    return rows(
        db,
        """SELECT p.name AS author, r.stage, x.factor, x.comment
           FROM evaluation_ratings x JOIN evaluation_responses s ON s.id = x.response_id
           JOIN evaluation_rounds r ON r.id = s.round_id
           JOIN people p ON p.id = s.person_id
           JOIN pair_members pm ON pm.person_id = s.person_id AND pm.pair_id = :pair
           WHERE x.for_case_study = 1 AND x.comment != ''
           ORDER BY r.opened_at, x.factor""",
        {"pair": pair_id},
    )


# Actions


def open_round(db, programme_id, stage, at=None):
    """Open the programme's round for this stage (reopening a closed one keeps its answers)."""
    if stage not in STAGES:
        raise EvaluationError("Choose start, mid-way or end.")
    with write(db):
        existing = one(
            db,
            "SELECT id, status FROM evaluation_rounds WHERE programme_id = ? AND stage = ?",
            [programme_id, stage],
        )
        if existing and existing["status"] == "open":
            raise EvaluationError(f"The {STAGES[stage].lower()} round is already open.")
        if existing:
            db.execute(
                "UPDATE evaluation_rounds SET status = 'open', closed_at = NULL WHERE id = ?",
                [existing["id"]],
            )
            # Answers may change now, within the second its closing time is stamped to.
            db.execute("DELETE FROM evaluation_figures WHERE programme_id = ?", [programme_id])
            return existing["id"]
        return db["evaluation_rounds"].insert(
            {"programme_id": programme_id, "stage": stage, "status": "open",
             "opened_at": at or now()}
        ).last_pk  # fmt: skip


def close_round(db, round_id, at=None):
    with write(db):
        changed = db.execute(
            "UPDATE evaluation_rounds SET status = 'closed', closed_at = ? "
            "WHERE id = ? AND status = 'open'",
            [at or now(), round_id],
        ).rowcount
    if not changed:
        raise EvaluationError("That round is not open.")


def save_response(db, person_id, round_id, ratings, comments=None, for_case_study=(), at=None):
    """Record or replace this person's response to an open round.

    `ratings` maps every factor key to 1..5; `comments` maps factor keys to optional text;
    `for_case_study` names the factors whose comment its author lets the pair's case study
    quote. Checked in full before anything is written.
    """
    comments = comments or {}
    _check_response(ratings, comments, for_case_study)
    at = at or now()
    with write(db):
        round_row = round_for_rater(db, person_id, round_id)
        if round_row is None:
            raise EvaluationError("You are not asked to rate in that round.")
        if round_row["status"] != "open":
            raise EvaluationError("That round has closed: ratings can no longer be changed.")
        response = one(
            db,
            "SELECT id FROM evaluation_responses WHERE round_id = ? AND person_id = ?",
            [round_id, person_id],
        )
        if response:
            response_id = response["id"]
            db.execute(
                "UPDATE evaluation_responses SET updated_at = ? WHERE id = ?", [at, response_id]
            )
            db.execute("DELETE FROM evaluation_ratings WHERE response_id = ?", [response_id])
        else:
            response_id = (
                db["evaluation_responses"]
                .insert(
                    {
                        "round_id": round_id,
                        "person_id": person_id,
                        "submitted_at": at,
                        "updated_at": at,
                    }
                )  # fmt: skip
                .last_pk
            )
        db["evaluation_ratings"].insert_all(
            {
                "response_id": response_id,
                "factor": key,
                "rating": ratings[key],
                "comment": (comments.get(key) or "").strip(),
                "for_case_study": int(key in for_case_study and bool(comments.get(key))),
            }
            for key in FACTOR_LABELS
        )
    return response_id


def _check_response(ratings, comments, for_case_study):
    missing = [FACTOR_LABELS[k] for k in FACTOR_LABELS if ratings.get(k) is None]
    if missing:
        raise EvaluationError("Rate every statement. Missing: " + ", ".join(missing) + ".")
    for key, value in ratings.items():
        if key not in FACTOR_LABELS:
            raise EvaluationError(f"Unknown factor: {key}.")
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise EvaluationError(f"{FACTOR_LABELS[key]}: a rating is a whole number 1 to 5.")
    for key, text in comments.items():
        if key not in FACTOR_LABELS:
            raise EvaluationError(f"Unknown factor: {key}.")
        if len(text or "") > COMMENT_MAX:
            raise EvaluationError(
                f"{FACTOR_LABELS[key]}: a comment is at most {COMMENT_MAX} characters."
            )
        if has_control_characters(text or ""):
            raise EvaluationError(f"{FACTOR_LABELS[key]}: the comment has control characters.")
    unknown = set(for_case_study) - set(FACTOR_LABELS)
    if unknown:
        raise EvaluationError("Unknown factor: " + ", ".join(sorted(unknown)) + ".")
