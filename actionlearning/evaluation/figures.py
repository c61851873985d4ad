"""What others may see of the ratings: figures of closed rounds, for the programme and each
set, with any group of fewer than MIN_GROUP respondents suppressed; who sees them; the CSV."""

import hashlib
import json

from ..db import now, one, rows, write
from ..membership import learning_sets_facilitated_by
from . import FACTOR_LABELS, MIN_GROUP, STAGES, rounds_for_programme

# What others may see: aggregates of closed rounds, small groups suppressed

# Ratings are counted only once a round has closed: figures that moved with each response
# would tell anyone watching the page what the latest respondent gave.
_RATINGS = """FROM evaluation_ratings x JOIN evaluation_responses s ON s.id = x.response_id
    JOIN evaluation_rounds r ON r.id = s.round_id"""
_CLOSED = "WHERE r.programme_id = :p AND r.status = 'closed'"

# The learning set each respondent belongs to, through their pair.
_SET_OF_PERSON = """(SELECT DISTINCT pm.person_id, p.learning_set_id FROM pair_members pm
    JOIN pairs p ON p.id = pm.pair_id
    WHERE p.programme_id = :p AND p.learning_set_id IS NOT NULL)"""


def aggregates(db, programme_id):
    """The figures anyone but a respondent may see, for the programme and each set.

    {"rounds": [{stage, label, respondents, shown, means: {factor: mean}}],
     "sets": [{id, name, facilitator_id, rounds: [same shape]}]}. A group of fewer than
    MIN_GROUP respondents shows no figure, and neither does a set whose figures, taken away
    from the programme's, would leave a remainder of fewer than MIN_GROUP people.
    """
    stages = [r for r in rounds_for_programme(db, programme_id) if r["status"] == "closed"]
    sums = rating_sums(db, programme_id)
    overall = _group_figures(sums["overall"])
    by_set = _group_figures(sums["by_set"])
    sets = rows(
        db,
        "SELECT id, name, facilitator_id FROM learning_sets WHERE programme_id = :p ORDER BY name",
        {"p": programme_id},
    )
    result = {"rounds": [], "sets": [{**s, "rounds": []} for s in sets]}
    for stage_row in stages:
        stage = stage_row["stage"]
        total = overall.get((stage, None), {"respondents": 0, "means": {}})
        result["rounds"].append(_shown(stage, total, total["respondents"] >= MIN_GROUP))
        groups = {s["id"]: by_set.get((stage, s["id"]), {"respondents": 0, "means": {}})
                  for s in sets}  # fmt: skip
        shown_ids = _sets_safe_to_show(total["respondents"], groups)
        for s in result["sets"]:
            s["rounds"].append(_shown(stage, groups[s["id"]], s["id"] in shown_ids))
    return result


# Everything the sums depend on: the closed rounds, the responses in them (a closed round's
# answers cannot change, only be erased), and which set each respondent's pair is in.
_SUMS_DEPEND_ON = f"""SELECT
    (SELECT group_concat(id || ':' || closed_at) FROM
        (SELECT id, closed_at FROM evaluation_rounds r {_CLOSED} ORDER BY id)),
    (SELECT count(*) || ':' || total(s.id) FROM evaluation_responses s
        JOIN evaluation_rounds r ON r.id = s.round_id {_CLOSED}),
    (SELECT group_concat(person_id || ':' || learning_set_id) FROM
        (SELECT * FROM {_SET_OF_PERSON} ORDER BY person_id, learning_set_id))"""


def rating_sums(db, programme_id):
    """The closed rounds' ratings summed per stage and factor, for the whole programme
    ("overall") and per set ("by_set"): [{stage, set_id, factor, total, ratings,
    respondents}], before any suppression.

    Summed in SQL once per change and stored (m015): a 200-person programme's two rounds
    are 6,000 ratings, and the pack and the organiser's page read them several times.
    """
    depends_on = db.execute(_SUMS_DEPEND_ON, {"p": programme_id}).fetchone()
    fingerprint = hashlib.sha256(json.dumps(depends_on).encode()).hexdigest()
    stored = one(
        db,
        "SELECT fingerprint, groups FROM evaluation_figures WHERE programme_id = ?",
        [programme_id],
    )
    if stored and stored["fingerprint"] == fingerprint:
        return json.loads(stored["groups"])
    sums = {
        "overall": _sum_ratings(db, programme_id, by_set=False),
        "by_set": _sum_ratings(db, programme_id, by_set=True),
    }
    with write(db):
        db["evaluation_figures"].upsert(
            {"programme_id": programme_id, "fingerprint": fingerprint,
             "groups": json.dumps(sums), "summed_at": now()},
            pk="programme_id",
        )  # fmt: skip
    return sums


def _sum_ratings(db, programme_id, by_set):
    set_id, set_join = "NULL", ""
    if by_set:
        set_id = "ms.learning_set_id"
        set_join = f"JOIN {_SET_OF_PERSON} ms ON ms.person_id = s.person_id"
    return rows(
        db,
        f"""SELECT r.stage, {set_id} AS set_id, x.factor, sum(x.rating) AS total,
              count(*) AS ratings, count(DISTINCT s.person_id) AS respondents
            {_RATINGS} {set_join} {_CLOSED} GROUP BY r.stage, set_id, x.factor""",
        {"p": programme_id},
    )


def _group_figures(sums):
    """{(stage, set_id): {"respondents": n, "means": {factor: mean to 1 dp}}}."""
    figures = {}
    for row in sums:
        group = figures.setdefault((row["stage"], row["set_id"]), {"respondents": 0, "means": {}})
        group["respondents"] = max(group["respondents"], row["respondents"])
        group["means"][row["factor"]] = round(row["total"] / row["ratings"], 1)
    return figures


def _sets_safe_to_show(total, groups):
    """The sets whose figures may be shown: each of at least MIN_GROUP respondents, and
    together leaving either nobody or at least MIN_GROUP people of the programme unshown,
    so no small group can be worked out by subtraction. Smallest sets are withheld first."""
    shown = {i: g["respondents"] for i, g in groups.items() if g["respondents"] >= MIN_GROUP}
    while shown and 0 < total - sum(shown.values()) < MIN_GROUP:
        del shown[min(shown, key=lambda i: (shown[i], i))]
    return set(shown)


def _shown(stage, group, shown):
    return {
        "stage": stage,
        "label": STAGES[stage],
        "respondents": group["respondents"] if shown else None,
        "shown": shown,
        "means": group["means"] if shown else {},
    }


# Who sees the aggregates: the programme's organisers (programmes.organised_programme), and
# each set's facilitator for that set. Respondents see only their own answers.


def sets_for_facilitator(db, person_id):
    """The learning sets this person facilitates, with their programme, by name."""
    return rows(
        db,
        f"""SELECT s.id, s.name, s.programme_id, g.name AS programme_name
           FROM learning_sets s JOIN programmes g ON g.id = s.programme_id
           WHERE s.id IN ({learning_sets_facilitated_by()}) ORDER BY g.name, s.name""",
        {"me": person_id},
    )


def facilitated_set_aggregates(db, person_id):
    """For each set this person facilitates: its rounds' figures, suppressed as everywhere."""
    figures = {}  # one programme's aggregates serve all its sets
    result = []
    for learning_set in sets_for_facilitator(db, person_id):
        programme_id = learning_set["programme_id"]
        if programme_id not in figures:
            figures[programme_id] = {s["id"]: s for s in aggregates(db, programme_id)["sets"]}
        result.append(
            {**learning_set, "rounds": figures[programme_id][learning_set["id"]]["rounds"]}
        )
    return result


def aggregate_csv_rows(db, programme_id):
    """The aggregated figures as CSV rows: group, round, respondents, factor, mean.

    A suppressed group appears with empty figures, so the file says it was withheld."""
    figures = aggregates(db, programme_id)
    groups = [("Whole programme", figures["rounds"])]
    groups += [(f"Set: {s['name']}", s["rounds"]) for s in figures["sets"]]
    out = [["group", "round", "respondents", "factor", "mean"]]
    for group, stage_rows in groups:
        for r in stage_rows:
            if not r["shown"]:
                out.append([group, r["label"], "too few to show", "", ""])
                continue
            for key, label in FACTOR_LABELS.items():
                out.append([group, r["label"], r["respondents"], label, r["means"].get(key)])
    return out
