"""Two closed rounds of ratings from the demo participants, with a believable change.

The demo programme runs from September, so its evaluation so far is the start round and a
mid-way round in November: relationships, communication and confidence rose as the pairs
worked together; financial arrangements slipped as budgets tightened (as the programme
documents report), so the charts show movement both ways.
"""

import random

from ..evaluation import FACTOR_LABELS, close_round, open_round, save_response

START = {
    "shared_goals": 2.8, "relationships": 2.4, "communication": 2.3, "financial": 2.6,
    "roles": 2.2, "leadership": 2.7, "performance": 2.1, "data": 1.9, "culture": 2.3,
    "stakeholders": 2.5, "third_sector": 2.0, "my_leadership": 2.9, "my_confidence": 2.6,
    "my_data": 2.4, "my_environment": 2.5,
}  # fmt: skip
CHANGE = {
    "shared_goals": 0.9, "relationships": 1.3, "communication": 1.4, "financial": -0.3,
    "roles": 0.8, "leadership": 0.7, "performance": 0.2, "data": 0.6, "culture": 1.0,
    "stakeholders": 0.5, "third_sector": 0.4, "my_leadership": 0.9, "my_confidence": 1.2,
    "my_data": 0.7, "my_environment": 0.5,
}  # fmt: skip
COMMENT = (
    "communication",
    "We now speak every week instead of only at the set; problems surface before they grow.",
)


ROUNDS = (  # stage, opened, closed, how far along the change it is
    ("start", "2026-09-08T09:00:00+00:00", "2026-09-30T17:00:00+00:00", 0.0),
    ("mid", "2026-11-16T09:00:00+00:00", "2026-11-27T17:00:00+00:00", 1.0),
)


def load(db, ids):
    people = [p for members in ids["pair_members"].values() for p in members]
    chance = random.Random(2026)  # the same demo every time
    for stage, opened, closed, progress in ROUNDS:
        round_id = open_round(db, ids["programme_id"], stage, at=opened)
        for index, person in enumerate(people):
            if stage == "mid" and index % 7 == 6:
                continue  # not everyone answers every round
            ratings = {
                key: _rating(START[key] + progress * CHANGE[key], chance) for key in FACTOR_LABELS
            }
            quoted = stage == "mid" and index == 0
            save_response(
                db,
                person,
                round_id,
                ratings,
                comments={COMMENT[0]: COMMENT[1]} if quoted else None,
                for_case_study={COMMENT[0]} if quoted else (),
            )
        close_round(db, round_id, at=closed)


def _rating(mean, chance):
    return max(1, min(5, round(chance.gauss(mean, 0.8))))
