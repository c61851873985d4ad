"""The conference pack with its Evaluation charts, for a 200-person programme: the time to
build the pack against the same pack without the Evaluation section (target: at most 3x),
and that charts are drawn once per change, not on every page view or export."""

import time

from actionlearning import auth, casestudies, demo_data, programmes
from actionlearning.casestudies import export
from actionlearning.casestudies.workflow import approve_case_study, submit_case_study
from actionlearning.evaluation import FACTOR_LABELS, close_round, open_round, save_response
from actionlearning.programmes.pairs import create_learning_set, create_pair

from . import bench_app, ms, scratch_directory

PEOPLE = 200
SETS = 20  # five pairs, ten people, each
CASE_STUDIES = 20
ROUNDS = 5


def _programme(db):
    """200 participants in 100 pairs and 20 sets, 20 approved case studies, and a start
    and an end round that everyone answered."""
    programme_id = programmes.create_programme(db, "Bench", "2026-09-01", "2027-08-31")
    organiser = auth.create_person(db, "organiser@bench.example.org", "Organiser", "organiser")
    programmes.add_member(db, programme_id, organiser, "organiser")
    sets = [create_learning_set(db, programme_id, f"Set {n}") for n in range(SETS)]
    people, pairs = [], []
    for n in range(PEOPLE // 2):
        members = []
        for side in ("a", "b"):
            person = auth.create_person(db, f"{side}{n}@bench.example.org", f"Person {side}{n}")
            programmes.add_member(db, programme_id, person, "participant")
            members.append(person)
        people += members
        pairs.append(create_pair(db, programme_id, members, f"Priority {n}", f"Borough {n}",
                                 learning_set_id=sets[n % SETS]))  # fmt: skip
        if n < CASE_STUDIES:
            spec = demo_data.CASE_STUDIES[n % len(demo_data.CASE_STUDIES)]
            fields = {k: spec[k] or "Written." for k in casestudies.TEXT_FIELDS}
            revision = casestudies.save_case_study(db, pairs[-1], members[0], 0, fields)
            submit_case_study(db, pairs[-1], members[0], revision)
            approve_case_study(db, pairs[-1], organiser, revision)
    for stage, shift in (("start", 0), ("end", 1)):
        round_id = open_round(db, programme_id, stage)
        for i, person in enumerate(people):
            ratings = {k: min(5, 1 + (i + j) % 4 + shift) for j, k in enumerate(FACTOR_LABELS)}
            save_response(db, person, round_id, ratings)
        close_round(db, round_id)
    return programme_id, people


def _pack_seconds(db, programme_id, evaluation=True):
    """Best of ROUNDS: the pack's Markdown and its images, as the export builds them."""
    programme = export.programme_for_export(db, programme_id)
    studies = export.studies_for_export(db, programme_id)
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        export.pack_markdown(export.pack_parts(db, programme, studies, evaluation=evaluation))
        best = min(best, time.perf_counter() - started)
    return best


def _redrawn_pack_seconds(db, programme_id):
    """The first pack after the figures changed: every chart drawn again."""
    programme = export.programme_for_export(db, programme_id)
    studies = export.studies_for_export(db, programme_id)
    db.execute("UPDATE evaluation_charts SET fingerprint = 'changed'")
    started = time.perf_counter()
    export.pack_markdown(export.pack_parts(db, programme, studies))
    return time.perf_counter() - started


def _drawings(db):
    return db.execute(
        "SELECT group_concat(drawn_at || fingerprint) FROM evaluation_charts"
    ).fetchone()


def run():
    with scratch_directory() as directory:
        _app, db = bench_app(directory)
        programme_id, _people = _programme(db)
        _pack_seconds(db, programme_id)  # the first build draws the charts and warms caches
        without = _pack_seconds(db, programme_id, evaluation=False)
        drawn = _drawings(db)
        warm = _pack_seconds(db, programme_id)
        redrawn_on_view = _drawings(db) != drawn
        redrawn = _redrawn_pack_seconds(db, programme_id)
        db.conn.close()
    return [
        (f"conference pack, {PEOPLE} people, {CASE_STUDIES} case studies, no Evaluation",
         ms(without), ""),
        ("the same pack with its Evaluation section (charts unchanged)", ms(warm), ""),
        ("pack with Evaluation / pack without", f"{warm / without:.1f}x", "<= 3x"),
        ("pack right after the figures changed (three charts drawn)", ms(redrawn),
         f"{redrawn / without:.1f}x the pack without; once per change"),
        (f"charts redrawn by {ROUNDS} more packs with unchanged figures",
         "yes" if redrawn_on_view else "none", "none"),
    ]  # fmt: skip
