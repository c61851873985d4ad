"""Demo case studies: the eight pairs' write-ups from the outcomes the programme reported,
taken through the workflow to the state each is in (draft, returned, submitted, approved)."""

from .. import casestudies, demo_data
from ..casestudies.workflow import approve_case_study, return_case_study, submit_case_study

FIELDS = ("title", "summary", "problem", "what_we_did", "outcomes", "learning")


def load(db, ids):
    for spec in demo_data.CASE_STUDIES:
        pair_id = ids["pair_ids"][spec["pair_key"]]
        members = ids["pair_members"][spec["pair_key"]]
        revision = _write_together(db, pair_id, members, spec)
        if spec["status"] != "draft" or spec["return_comment"]:
            submit_case_study(db, pair_id, members[0], revision)
        if spec["status"] == "approved":
            approve_case_study(db, pair_id, ids["organiser_id"], revision)
        elif spec["return_comment"]:
            return_case_study(db, pair_id, ids["organiser_id"], revision, spec["return_comment"])
        elif spec["status"] == "draft":
            _quote_a_reflection(db, pair_id, members[0], revision, spec)


def _write_together(db, pair_id, members, spec):
    """A first draft by one partner, finished by the other: two revisions, two authors."""
    fields = {name: spec[name] for name in FIELDS}
    first = {**fields, "what_we_did": "", "outcomes": "", "learning": "", "key_outcomes": []}
    revision = casestudies.save_case_study(db, pair_id, members[0], 0, {**first, "themes": []})
    fields.update(key_outcomes=spec["key_outcomes"], themes=spec["themes"])
    return casestudies.save_case_study(db, pair_id, members[-1], revision, fields)


def _quote_a_reflection(db, pair_id, person_id, revision, spec):
    """A draft quotes one consented journal entry, as the editor's Insert button does."""
    entries = [e for group in casestudies.excerpts_for_editor(db, pair_id).values() for e in group]
    if not entries:
        return
    fields = {name: spec[name] for name in FIELDS}
    fields.update(key_outcomes=spec["key_outcomes"], themes=spec["themes"])
    insert = {"entry_id": entries[0]["id"], "attribution": "named", "section": "learning"}
    casestudies.save_case_study(db, pair_id, person_id, revision, fields, insert)
