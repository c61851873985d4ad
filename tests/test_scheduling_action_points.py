"""An action point's owner ticks it off on My schedule between meetings; the set still
reviews it at its next meeting. Through the real pages and forms."""

import re
from datetime import datetime

import pytest

from actionlearning import times
from actionlearning.scheduling import SchedulingError, records

from .conftest import csrf_token


@pytest.fixture
def thames(db, programme_id, make_set, make_pair, make_person, make_meeting):
    """A set with two pairs, meetings in October, January and March, and one action point
    made in October by the first member."""
    set_id = make_set(name="Thames set")
    owner, partner = make_person(name="Alice Owner"), make_person(name="Bob Partner")
    make_pair([owner, partner], learning_set_id=set_id)
    make_pair(learning_set_id=set_id)
    october, january, march = (
        make_meeting(start, start.replace(hour=13), set_id, title=title)
        for title, start in (
            ("October set", datetime(2026, 10, 13, 10)),
            ("January set", datetime(2027, 1, 12, 10)),
            ("March set", datetime(2027, 3, 9, 10)),
        )
    )
    point = records.add_action_point(db, october, owner, "Ring the ward manager")
    return {
        "owner": owner,
        "partner": partner,
        "facilitator": db["learning_sets"].get(set_id)["facilitator_id"],
        "organiser": make_person(role="organiser"),
        "october": october,
        "january": january,
        "march": march,
        "point": point,
    }


def update(client, point_id, status, token=True):
    """Press a button of an action point's form on My schedule."""
    data = {"status": status}
    if token:
        data["csrf_token"] = csrf_token(client, "/")
    return client.post(f"/action-points/{point_id}/status", data=data)


def open_points(page):
    """The texts listed under 'My open action points' on My schedule."""
    section = page.split("<h2>My open action points</h2>", 1)[1].split("</section>", 1)[0]
    section = section.split("<h3>", 1)[0]
    return re.findall(r"<li>([^<]*?) <small>", section)


def review_badges(page):
    """{'Owner: text': status} for the 'Action points to review' list of a meeting page."""
    section = page.split("<h2>Action points to review</h2>", 1)[1].split("<h2>", 1)[0]
    found = re.findall(r'<li>([^<]*?) <span class="badge[^"]*">([^<]*)</span>', section)
    return dict(found)


def row(db, point_id):
    return dict(db["action_points"].get(point_id))


def test_owner_marks_action_point_done_from_my_schedule(client, login, db, thames):
    login(thames["owner"])
    before = client.get("/").get_data(as_text=True)

    response = update(client, thames["point"], "done")

    after = client.get("/").get_data(as_text=True)
    assert response.status_code == 302
    assert open_points(before) == ["Ring the ward manager"]
    assert open_points(after) == []
    assert "Marked done. Your set will review it at its next meeting." in after
    assert row(db, thames["point"])["status"] == "done"


def test_facilitator_sees_owners_done_point_at_the_next_meeting(client, login, db, thames):
    login(thames["owner"])
    update(client, thames["point"], "done")
    login(thames["facilitator"])

    page = client.get(f"/meetings/{thames['january']}").get_data(as_text=True)

    marked_on = times.to_local(row(db, thames["point"])["owner_updated_at"], "Europe/London")
    assert review_badges(page) == {"Alice Owner: Ring the ward manager": "Done"}
    day = f"{marked_on:%a} {marked_on.day} {marked_on:%b %Y}"
    shown = f'<time datetime="{marked_on.date()}">{day}</time>'
    assert f"(marked by Alice Owner on {shown}, not yet reviewed)" in page


def test_facilitator_review_after_owner_update_stands_at_that_meeting_only(
    client, login, db, thames
):
    login(thames["owner"])
    update(client, thames["point"], "done")
    login(thames["facilitator"])
    path = f"/meetings/{thames['january']}"

    response = client.post(
        f"{path}/action-points/{thames['point']}/review",
        data={"status": "done", "csrf_token": csrf_token(client, path)},
    )

    january = client.get(path).get_data(as_text=True)
    march = client.get(f"/meetings/{thames['march']}").get_data(as_text=True)
    assert response.status_code == 302
    assert review_badges(january) == {"Alice Owner: Ring the ward manager": "Done"}
    assert "not yet reviewed" not in january
    assert review_badges(march) == {}
    assert row(db, thames["point"])["reviewed_at_meeting_id"] == thames["january"]


def test_owner_closing_a_carried_forward_point_still_comes_to_review(client, login, db, thames):
    records.review_action_point(db, thames["point"], "carried_forward", thames["january"])
    login(thames["owner"])

    update(client, thames["point"], "done")

    login(thames["facilitator"])
    march = client.get(f"/meetings/{thames['march']}").get_data(as_text=True)
    assert review_badges(march) == {"Alice Owner: Ring the ward manager": "Done"}


def test_owner_reopens_a_point_they_closed(client, login, db, thames):
    login(thames["owner"])
    update(client, thames["point"], "dropped")

    update(client, thames["point"], "open")

    page = client.get("/").get_data(as_text=True)
    assert open_points(page) == ["Ring the ward manager"]
    assert row(db, thames["point"])["status"] == "open"


def test_owner_marks_point_in_progress(client, login, db, thames):
    login(thames["owner"])

    update(client, thames["point"], "in_progress")

    page = client.get("/").get_data(as_text=True)
    assert open_points(page) == ["Ring the ward manager"]
    assert "(In progress; from" in page


@pytest.mark.parametrize("who", ["partner", "facilitator", "organiser"])
def test_someone_else_changing_an_action_point_gets_404(client, login, db, thames, who):
    login(thames[who])
    before = row(db, thames["point"])

    response = update(client, thames["point"], "done")

    assert response.status_code == 404
    assert row(db, thames["point"]) == before


def test_action_point_update_without_csrf_is_refused(client, login, db, thames):
    login(thames["owner"])
    before = row(db, thames["point"])

    response = update(client, thames["point"], "done", token=False)

    assert response.status_code == 400
    assert row(db, thames["point"]) == before


@pytest.mark.parametrize("status", ["carried_forward", "finished", ""])
def test_action_point_update_with_unknown_status_changes_nothing(client, login, db, thames, status):
    login(thames["owner"])
    before = row(db, thames["point"])

    update(client, thames["point"], status)

    page = client.get("/").get_data(as_text=True)
    assert "Mark an action point in progress, done or dropped, or reopen it." in page
    assert row(db, thames["point"]) == before


def test_missing_action_point_gets_404(client, login, thames):
    login(thames["owner"])

    response = update(client, thames["point"] + 100, "done")

    assert response.status_code == 404


def test_point_reviewed_as_done_cannot_be_reopened_by_its_owner(db, thames):
    records.review_action_point(db, thames["point"], "done", thames["january"])
    before = row(db, thames["point"])

    with pytest.raises(SchedulingError, match="reviewed this action point as done"):
        records.update_own_action_point(db, thames["owner"], thames["point"], "open")

    assert row(db, thames["point"]) == before


def test_carried_forward_point_cannot_be_reopened_by_its_owner(db, thames):
    records.review_action_point(db, thames["point"], "carried_forward", thames["january"])

    with pytest.raises(SchedulingError, match="changed yourself can be reopened"):
        records.update_own_action_point(db, thames["owner"], thames["point"], "open")

    assert row(db, thames["point"])["status"] == "carried_forward"


def test_owner_update_of_someone_elses_point_is_refused_in_the_domain(db, thames):
    with pytest.raises(SchedulingError, match="not one of your action points"):
        records.update_own_action_point(db, thames["partner"], thames["point"], "done")

    assert row(db, thames["point"])["status"] == "open"
