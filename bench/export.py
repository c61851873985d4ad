"""Case-study export: the time to write every file, the pack and the zip for N case studies
and for 10N, which should grow linearly (target: at most 11x)."""

import time
from pathlib import Path

from actionlearning import auth, casestudies, demo_data, programmes
from actionlearning.casestudies import export
from actionlearning.casestudies.workflow import approve_case_study, submit_case_study
from actionlearning.programmes.pairs import create_pair

from . import bench_app, ms, scratch_directory

SMALL = 20
ROUNDS = 3


def _programme(db, name, count):
    """A programme with `count` approved case studies written from the demo's."""
    programme_id = programmes.create_programme(db, name, "2026-09-01", "2027-08-31")
    organiser = auth.create_person(db, f"organiser@{name}.example.org", "Organiser", "organiser")
    programmes.add_member(db, programme_id, organiser, "organiser")
    for n in range(count):
        members = []
        for side in ("a", "b"):
            person = auth.create_person(db, f"{side}{n}@{name}.example.org", f"Person {side}{n}")
            programmes.add_member(db, programme_id, person, "participant")
            members.append(person)
        pair = create_pair(db, programme_id, members, f"Priority {n}", f"Borough {n}")
        spec = demo_data.CASE_STUDIES[n % len(demo_data.CASE_STUDIES)]
        fields = {k: spec[k] or "Written." for k in casestudies.TEXT_FIELDS}
        fields.update(key_outcomes=spec["key_outcomes"], themes=spec["themes"])
        revision = casestudies.save_case_study(db, pair, members[0], 0, fields)
        submit_case_study(db, pair, members[0], revision)
        approve_case_study(db, pair, organiser, revision)
    return programme_id


def _export_seconds(db, programme_id, directory):
    """Best of ROUNDS: every single file, the pack and the zip, written to disk."""
    best = float("inf")
    for n in range(ROUNDS):
        out = Path(directory) / f"out-{programme_id}-{n}"
        started = time.perf_counter()
        export.write_export(db, str(out), programme_id, "all", str(out) + ".zip")
        best = min(best, time.perf_counter() - started)
    return best


def run():
    with scratch_directory() as directory:
        _app, db = bench_app(directory)
        small = _programme(db, "small", SMALL)
        large = _programme(db, "large", SMALL * 10)
        small_seconds = _export_seconds(db, small, directory)
        large_seconds = _export_seconds(db, large, directory)
        db.conn.close()
    return [
        (f"case-study export, {SMALL} case studies (files + pack + zip)", ms(small_seconds), ""),
        (f"case-study export, {SMALL * 10} case studies", ms(large_seconds), ""),
        (
            "case-study export, 10x case studies / 1x",
            f"{large_seconds / small_seconds:.1f}x",
            "<= 11x (linear)",
        ),
    ]
