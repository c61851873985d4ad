"""Scheduling pages in Chromium: an organiser sets up a programme and previews a monthly
series; a facilitator records attendance and an action point, on a phone too."""

import itertools
from datetime import datetime

import pytest

from actionlearning import auth, programmes, scheduling
from actionlearning.programmes.pairs import create_learning_set, create_pair

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
_counter = itertools.count(1)


def build_set(db, tag, programme_id=None):
    """A programme (unless given) with a facilitated set of two pairs and a past meeting."""
    if programme_id is None:
        programme_id = programmes.create_programme(
            db, f"Browser programme {tag}", "2026-09-01", "2027-08-31", "Europe/London", "Room 1"
        )

    def person(role, n):
        person_id = auth.create_person(
            db,
            f"{role}{n}-{tag}@example.org",
            f"{role.capitalize()} {n} {tag}",
            role,
            None,
            PASSWORD,
        )
        programmes.add_member(db, programme_id, person_id, role)
        return person_id

    facilitator = person("facilitator", 1)
    set_id = create_learning_set(
        db,
        programme_id,
        f"Set {tag}",
        facilitator,
        "- **What is said in the set stays in the set.**",
    )
    members = [person("participant", n) for n in range(1, 5)]
    for pair in (members[:2], members[2:]):
        create_pair(db, programme_id, pair, "Discharge", learning_set_id=set_id)
    meeting_id = scheduling.create_meeting(
        db,
        programme_id,
        "set_meeting",
        f"October meeting {tag}",
        datetime(2026, 10, 13, 10),
        datetime(2026, 10, 13, 13),
        set_id,
    )
    return {
        "programme_id": programme_id,
        "set_id": set_id,
        "meeting_id": meeting_id,
        "facilitator": f"facilitator1-{tag}@example.org",
    }


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_organiser_sets_up_programme_and_previews_series(page, live_app, live_server):
    tag = f"org{next(_counter)}"
    email = f"organiser-{tag}@example.org"
    live_app.create_user(email, f"Organiser {tag}", role="organiser")
    sign_in(page, live_server, email)

    page.goto(live_server + "/programmes")
    page.fill("#name", f"Cohort {tag}")
    page.fill("#starts_on", "2026-09-01")
    page.fill("#ends_on", "2027-08-31")
    page.fill("#time_zone", "Europe/London")
    page.fill("#default_venue", "Riverside Room")
    page.click("text=Create programme")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == f"Cohort {tag}"
    programme_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    ids = live_app.setup(build_set, tag, programme_id)
    page.goto(live_server + f"/programmes/{programme_id}/sets")
    page.click("text=Schedule a series")
    page.select_option("#nth", "-1")
    page.select_option("#weekday", "4")  # last Friday
    page.fill("#first", "2026-12-01")
    page.fill("#last", "2027-02-28")
    page.fill("#start_time", "10:00")
    page.fill("#end_time", "13:00")
    page.click("button[value=preview]")
    page.wait_for_load_state()
    assert page.locator("text=Bank holiday: Christmas Day.").count() == 1
    page.click("button[value=save]")
    page.wait_for_load_state()

    assert "3 meetings scheduled" in page.locator(".flash").first.inner_text()
    meetings = live_app.setup(scheduling.meetings_for_set, ids["set_id"])
    assert [m["starts_at"][:10] for m in meetings] == [
        "2026-10-13",
        "2026-12-29",
        "2027-01-29",
        "2027-02-26",
    ]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_facilitator_records_attendance_and_action_point(browser, live_app, live_server, viewport):
    tag = f"fac{next(_counter)}"
    ids = live_app.setup(build_set, tag)
    context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
    page = context.new_page()
    try:
        sign_in(page, live_server, ids["facilitator"])
        assert page.locator("h1").inner_text() == "My sets"

        page.goto(live_server + f"/meetings/{ids['meeting_id']}")
        selects = page.locator("select[name^=status-]")
        assert selects.count() == 4
        for index in range(4):
            selects.nth(index).select_option("attended" if index else "apologies")
        page.click("text=Save attendance")
        page.wait_for_load_state()
        page.select_option("#owner", index=1)
        page.fill("#action-text", "Test a shared referral form with two wards")
        page.click("text=Add action point")
        page.wait_for_load_state()

        assert page.locator("text=Test a shared referral form with two wards").count() == 1
        assert fits_the_screen(page)
        page.goto(live_server + "/")
        assert page.locator("text=3 of 1").count() == 0
        assert page.locator("td", has_text="1 of 1 (100%)").count() == 3
        assert fits_the_screen(page)
    finally:
        context.close()
