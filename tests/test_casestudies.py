"""Case studies: writing together, revisions, the workflow, who may do what, quoting the journal."""

import re

import pytest

from actionlearning import casestudies
from actionlearning.casestudies.workflow import (
    approve_case_study,
    reopen_case_study,
    return_case_study,
    submit_case_study,
)
from actionlearning.journal.entries import create_entry
from tests.conftest import csrf_token, sign_in

SECRET = "UNCONSENTED-REFLECTION-7731"
QUOTABLE = "We learned that trust takes longer than the plan allows."

FULL = {
    "title": "A single point of access for discharge referrals",
    "summary": "One form, one inbox, one team.",
    "problem": "Fourteen ways to refer.",
    "what_we_did": "We piloted a single form.",
    "outcomes": "Less chasing.",
    "learning": "Appoint a project manager.",
    "key_outcomes": ["Single point of access", "Co-located team"],
    "themes": ["leadership", "data and information"],
}


@pytest.fixture
def world(db, make_person, make_organisation, make_set, make_pair):
    """A pair in a set, its facilitator, an organiser, and people who must see nothing."""
    nhs = make_organisation("Lewisham and Greenwich NHS Trust", "nhs")
    council = make_organisation("London Borough of Lewisham", "local_authority")
    members = [
        make_person(name="Grace Okafor", organisation_id=nhs),
        make_person(name="Tom Price", organisation_id=council),
    ]
    facilitator = make_person(role="facilitator")
    set_id = make_set(facilitator_id=facilitator)
    pair_id = make_pair(member_ids=members, learning_set_id=set_id, borough="Lewisham")
    return {
        "pair": pair_id,
        "members": members,
        "facilitator": facilitator,
        "organiser": make_person(role="organiser"),
        "other_facilitator": make_person(role="facilitator"),
        "other_participant": make_pair() and make_person(),
    }


def entry(db, author, consent, visibility="pair", section="learning", body=QUOTABLE):
    return create_entry(
        db,
        author,
        title=f"Reflection ({visibility}, consent {consent})",
        body=body,
        visibility=visibility,
        consent_to_quote=consent,
        case_study_section=section,
    )


def form_data(client, pair_id, **fields):
    """The editor's form as the browser would send it back, with changes."""
    html = client.get(f"/case-studies/{pair_id}/edit").get_data(as_text=True)
    revision = re.search(r'name="base_revision"[^>]*value="(\d+)"', html)
    data = {
        **{k: v for k, v in FULL.items() if k not in ("key_outcomes", "themes")},
        "key_outcomes": "\n".join(FULL["key_outcomes"]),
        "themes": FULL["themes"],
        "csrf_token": csrf_token(client, f"/case-studies/{pair_id}/edit"),
        "base_revision": revision.group(1) if revision else "0",
    }
    data.update(fields)
    return data


def save(db, world, person_index=0, base=0, **fields):
    return casestudies.save_case_study(
        db, world["pair"], world["members"][person_index], base, {**FULL, **fields}
    )


# Saving and revisions


def test_save_case_study_records_revision_with_who_and_when(db, world):
    first = save(db, world, 0, 0)
    second = save(db, world, 1, first, outcomes="Much less chasing.")

    study = casestudies.case_study(db, world["pair"])
    steps = casestudies.history(db, study["id"])

    assert (first, second) == (1, 2)
    assert study["outcomes_html"] == "<p>Much less chasing.</p>"
    assert study["key_outcomes"] == FULL["key_outcomes"]
    assert study["themes"] == sorted(FULL["themes"])
    assert [(s["revision"], s["kind"], s["person_name"]) for s in steps] == [
        (2, "save", "Tom Price"),
        (1, "save", "Grace Okafor"),
    ]
    assert all(s["saved_at"] for s in steps)


def test_save_case_study_based_on_old_revision_is_refused_with_changes(db, world):
    save(db, world, 0, 0)
    save(db, world, 1, 1, outcomes="Tom's outcomes.")

    with pytest.raises(casestudies.StaleRevision) as refused:
        save(db, world, 0, 1, outcomes="Grace's outcomes.")

    study = casestudies.case_study(db, world["pair"])
    changes = {c["field"]: c for c in refused.value.changes}
    assert study["outcomes"] == "Tom's outcomes."
    assert study["revision"] == 2
    assert list(changes) == ["outcomes"]
    assert changes["outcomes"]["theirs"] == "Tom's outcomes."
    assert "+Tom's outcomes." in changes["outcomes"]["diff"]
    assert [s["person_name"] for s in refused.value.savers] == ["Tom Price"]


def test_first_saves_by_both_partners_do_not_overwrite(db, world):
    save(db, world, 0, 0, title="Grace's title")

    with pytest.raises(casestudies.StaleRevision):
        save(db, world, 1, 0, title="Tom's title")

    assert casestudies.case_study(db, world["pair"])["title"] == "Grace's title"


def test_save_case_study_rejects_bad_input_and_changes_nothing(db, world):
    save(db, world, 0, 0)

    with pytest.raises(casestudies.CaseStudyError) as refused:
        save(db, world, 0, 1, title="", problem="NUL\x00here", themes=["gossip"])

    assert str(refused.value) == (
        "Remove the control characters (such as NUL) from the text. "
        "A case study needs a title. Choose themes from the list."
    )
    assert casestudies.case_study(db, world["pair"])["revision"] == 1


def test_heading_lines_in_sections_stay_text_on_the_page(db, world):
    save(db, world, 0, 0, problem="#winterpressures\n# Not a heading")

    html = casestudies.case_study(db, world["pair"])["problem_html"]

    assert html == "<p>#winterpressures\n# Not a heading</p>"


# Workflow


def test_workflow_submit_return_resubmit_approve_reopen(db, world):
    organiser, member = world["organiser"], world["members"][0]
    pair = world["pair"]
    revision = save(db, world, 0, 0)

    submit_case_study(db, pair, member, revision)
    return_case_study(db, pair, organiser, revision, "Say more about outcomes.")
    returned = casestudies.case_study(db, pair)
    revision = save(db, world, 1, revision, outcomes="More outcomes.")
    submit_case_study(db, pair, member, revision)
    approve_case_study(db, pair, organiser, revision)
    approved = casestudies.case_study(db, pair)
    with pytest.raises(casestudies.CaseStudyError) as read_only:
        save(db, world, 0, revision, outcomes="Sneaky edit.")
    reopen_case_study(db, pair, organiser)

    assert (returned["status"], returned["return_comment"]) == (
        "draft",
        "Say more about outcomes.",
    )
    assert approved["status"] == "approved"
    assert approved["return_comment"] == ""
    assert "read-only" in str(read_only.value)
    assert casestudies.case_study(db, pair)["status"] == "draft"
    assert save(db, world, 0, revision, outcomes="Now allowed.") == revision + 1


def test_submit_needs_every_section(db, world):
    revision = save(db, world, 0, 0, learning="")

    with pytest.raises(casestudies.CaseStudyError) as refused:
        submit_case_study(db, world["pair"], world["members"][0], revision)

    assert str(refused.value) == "Before submitting, fill in: What did we learn?."


def test_approve_refused_when_pair_saved_since_organiser_read_it(db, world):
    revision = save(db, world, 0, 0)
    submit_case_study(db, world["pair"], world["members"][0], revision)
    save(db, world, 1, revision, outcomes="Changed after submitting.")

    with pytest.raises(casestudies.CaseStudyError):
        approve_case_study(db, world["pair"], world["organiser"], revision)

    assert casestudies.case_study(db, world["pair"])["status"] == "submitted"


# Who may see and do what, on the web


def test_access_levels(db, world):
    levels = {
        who: casestudies.access(db, world[who], world["pair"])
        for who in ("organiser", "facilitator", "other_facilitator", "other_participant")
    }

    assert casestudies.access(db, world["members"][1], world["pair"]) == "edit"
    assert levels == {
        "organiser": "review",
        "facilitator": "read",
        "other_facilitator": None,
        "other_participant": None,
    }


@pytest.mark.parametrize("who", ["other_participant", "other_facilitator"])
def test_case_study_pages_404_for_outsiders(client, db, world, who):
    save(db, world, 0, 0)
    sign_in(client, db, world[who])
    pair = world["pair"]

    codes = [
        client.get(f"/case-studies/{pair}").status_code,
        client.get(f"/case-studies/{pair}/edit").status_code,
        client.get(f"/case-studies/{pair}/case-study.md").status_code,
        client.post(
            f"/case-studies/{pair}/approve",
            data={"csrf_token": csrf_token(client, "/case-studies/"), "base_revision": "1"},
        ).status_code,
    ]

    assert codes == [404, 404, 404, 404]
    assert FULL["title"] not in client.get("/case-studies/").get_data(as_text=True)


def test_participant_cannot_approve(client, db, world):
    revision = save(db, world, 0, 0)
    submit_case_study(db, world["pair"], world["members"][0], revision)
    sign_in(client, db, world["members"][0])

    response = client.post(
        f"/case-studies/{world['pair']}/approve",
        data={"csrf_token": csrf_token(client, "/case-studies/"), "base_revision": "1"},
    )

    assert response.status_code == 403
    assert casestudies.case_study(db, world["pair"])["status"] == "submitted"


def test_facilitator_reads_but_cannot_edit(client, db, world):
    save(db, world, 0, 0)
    sign_in(client, db, world["facilitator"])

    page = client.get(f"/case-studies/{world['pair']}")

    assert page.status_code == 200
    assert "Appoint a project manager." in page.get_data(as_text=True)
    assert client.get(f"/case-studies/{world['pair']}/edit").status_code == 403


def test_organiser_approves_on_the_web(client, db, world):
    revision = save(db, world, 0, 0)
    submit_case_study(db, world["pair"], world["members"][0], revision)
    sign_in(client, db, world["organiser"])
    token = csrf_token(client, f"/case-studies/{world['pair']}")

    response = client.post(
        f"/case-studies/{world['pair']}/approve",
        data={"csrf_token": token, "base_revision": str(revision)},
    )

    assert response.status_code == 302
    assert casestudies.case_study(db, world["pair"])["status"] == "approved"


def test_pair_sees_return_comment(client, db, world):
    revision = save(db, world, 0, 0)
    submit_case_study(db, world["pair"], world["members"][0], revision)
    return_case_study(db, world["pair"], world["organiser"], revision, "Add figures.")
    sign_in(client, db, world["members"][1])

    html = client.get(f"/case-studies/{world['pair']}").get_data(as_text=True)

    assert "<p>Add figures.</p>" in html


def test_approved_case_study_is_read_only_on_the_web(client, db, world):
    revision = save(db, world, 0, 0)
    submit_case_study(db, world["pair"], world["members"][0], revision)
    approve_case_study(db, world["pair"], world["organiser"], revision)
    sign_in(client, db, world["members"][0])
    data = form_data(client, world["pair"], outcomes="Edited after approval.")

    response = client.post(f"/case-studies/{world['pair']}/edit", data=data)

    assert response.status_code == 200
    assert "read-only" in response.get_data(as_text=True)
    assert casestudies.case_study(db, world["pair"])["outcomes"] == FULL["outcomes"]


def test_web_save_based_on_stale_revision_shows_their_version(client, db, world):
    save(db, world, 0, 0)
    sign_in(client, db, world["members"][0])
    data = form_data(client, world["pair"], outcomes="Grace's outcomes.")
    save(db, world, 1, 1, outcomes="Tom's outcomes.")

    response = client.post(f"/case-studies/{world['pair']}/edit", data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this case study while you were editing" in html
    assert '<pre class="theirs">Tom&#39;s outcomes.</pre>' in html
    assert "Grace&#39;s outcomes.</textarea>" in html
    assert 'name="base_revision" type="hidden" value="2"' in html
    assert casestudies.case_study(db, world["pair"])["outcomes"] == "Tom's outcomes."


# Drafting from the journal


def test_editor_lists_only_consented_shared_entries(client, db, world):
    grace, tom = world["members"]
    entry(db, grace, True, body=QUOTABLE)
    entry(db, tom, False, body=SECRET)
    entry(db, grace, True, visibility="private", body=SECRET + " private")
    sign_in(client, db, tom)

    html = client.get(f"/case-studies/{world['pair']}/edit").get_data(as_text=True)

    assert QUOTABLE in html
    assert SECRET not in html


def test_insert_excerpt_appends_attributed_quotation(client, db, world):
    grace, tom = world["members"]
    entry_id = entry(db, grace, True, section="learning")
    sign_in(client, db, tom)
    data = form_data(client, world["pair"], insert=f"{entry_id}:named")

    response = client.post(f"/case-studies/{world['pair']}/edit", data=data)

    study = casestudies.case_study(db, world["pair"])
    assert response.status_code == 302
    assert study["learning"] == (
        f"Appoint a project manager.\n\n> {QUOTABLE}\n>\n"
        "> — Grace Okafor, Lewisham and Greenwich NHS Trust"
    )
    assert study["revision"] == 1


def test_insert_excerpt_anonymously(db, world):
    entry_id = entry(db, world["members"][0], True, section="problem")
    insert = {"entry_id": entry_id, "attribution": "anonymous"}

    casestudies.save_case_study(db, world["pair"], world["members"][1], 0, FULL, insert)

    problem = casestudies.case_study(db, world["pair"])["problem"]
    assert problem.endswith(f"> {QUOTABLE}\n>\n> — a pair member")
    assert "Grace" not in problem


def test_insert_unconsented_entry_is_refused_and_draft_unchanged(client, db, world):
    grace, tom = world["members"]
    secret_id = entry(db, grace, False, body=SECRET)
    save(db, world, 0, 0)
    sign_in(client, db, tom)
    data = form_data(client, world["pair"], insert=f"{secret_id}:named")

    response = client.post(f"/case-studies/{world['pair']}/edit", data=data)

    study = casestudies.case_study(db, world["pair"])
    assert "cannot be quoted here" in response.get_data(as_text=True)
    assert study["revision"] == 1
    assert SECRET not in str(study)


def test_insert_goes_through_revision_check(db, world):
    entry_id = entry(db, world["members"][0], True)
    save(db, world, 0, 0)
    save(db, world, 1, 1, learning="Tom's learning.")
    insert = {"entry_id": entry_id, "attribution": "named"}

    with pytest.raises(casestudies.StaleRevision):
        casestudies.save_case_study(db, world["pair"], world["members"][0], 1, FULL, insert)

    assert casestudies.case_study(db, world["pair"])["learning"] == "Tom's learning."
