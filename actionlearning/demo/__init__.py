"""The demo programme, from the programme documents: real boroughs, priorities and agencies.

load_demo() builds people, organisations, pairs and sets here, then runs each
feature's loader in LOADERS with the ids it made, so every page has something
real to show.
"""

import os
import secrets

from .. import auth, demo_data, programmes
from ..programmes.pairs import create_learning_set, create_pair
from . import casestudies as casestudies_demo
from . import evaluation as evaluation_demo
from . import journal as journal_demo
from . import schedule as schedule_demo

CREDENTIALS_FILE = "demo-sign-in.txt"
# feature loaders: (db, ids) -> None, run in order (journal after scheduling: it links meetings)
LOADERS = (schedule_demo.load, journal_demo.load, casestudies_demo.load, evaluation_demo.load)


def load_demo(db, password=None, instance_path=None, base_url="http://127.0.0.1:5000"):
    """Load the demo programme once; returns the sign-in help to print."""
    if db.execute(
        "SELECT 1 FROM programmes WHERE name = ?", [demo_data.PROGRAMME["name"]]
    ).fetchone():
        return sign_in_help(db, instance_path, base_url)
    password = password or secrets.token_urlsafe(12)
    ids = _load_people_and_pairs(db, password)
    for loader in LOADERS:
        loader(db, ids)
    if instance_path:
        _save_credentials(instance_path, password)
    return _help_text(password, base_url=base_url)


def _load_people_and_pairs(db, password):
    data = demo_data
    programme_id = programmes.create_programme(db, **data.PROGRAMME)
    organisation_ids = {
        o["name"]: programmes.create_organisation(db, o["name"], o["kind"])
        for o in data.ORGANISATIONS
    }

    def add_person(spec, role):
        person_id = auth.create_person(
            db,
            spec["email"],
            spec["name"],
            role,
            organisation_ids[spec["organisation"]],
            password,
            spec.get("job_title", ""),
        )
        programmes.add_member(db, programme_id, person_id, role)
        return person_id

    organiser_id = add_person(data.ORGANISER, "organiser")
    facilitator_ids = [add_person(f, "facilitator") for f in data.FACILITATORS]
    set_ids = [
        create_learning_set(
            db, programme_id, s["name"], facilitator_ids[s["facilitator"]], s["ground_rules"]
        )
        for s in data.LEARNING_SETS
    ]
    pair_ids, pair_members = {}, {}
    for pair in data.PAIRS:
        member_ids = [add_person(m, "participant") for m in pair["members"]]
        pair_ids[pair["key"]] = create_pair(
            db,
            programme_id,
            member_ids,
            pair["priority_area"],
            pair["borough"],
            pair["problem_statement"],
            pair["partnering_model"],
            set_ids[pair["learning_set"]],
        )
        pair_members[pair["key"]] = member_ids
    return {
        "programme_id": programme_id,
        "organisation_ids": organisation_ids,
        "organiser_id": organiser_id,
        "facilitator_ids": facilitator_ids,
        "set_ids": set_ids,
        "pair_ids": pair_ids,
        "pair_members": pair_members,
    }


def _help_text(password, heading="Demo programme loaded.", base_url="http://127.0.0.1:5000"):
    data = demo_data
    participant = data.PAIRS[0]["members"][0]
    return "\n".join(
        [
            f"{heading} Sign in at {base_url}/login with",
            f"  organiser:   {data.ORGANISER['email']}",
            f"  facilitator: {data.FACILITATORS[0]['email']}",
            f"  participant: {participant['email']}",
            f"  password (every demo account): {password}",
        ]
    )


def _save_credentials(instance_path, password):
    """Keep the demo password beside the database (instance/ is never committed)."""
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, CREDENTIALS_FILE)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password)


def sign_in_help(db, instance_path, base_url="http://127.0.0.1:5000"):
    """How to sign in to an existing demo, for make run's second and later starts."""
    path = os.path.join(instance_path or "", CREDENTIALS_FILE)
    if instance_path and os.path.exists(path):
        with open(path) as f:
            return _help_text(f.read().strip(), "The demo programme is loaded.", base_url)
    return (
        "The database already has accounts. Sign in with yours, or create one with "
        "flask --app actionlearning create-user."
    )
