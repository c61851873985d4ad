"""In Chromium: a meeting moved to Christmas Day is held back until "Schedule anyway" is
ticked, and a long text field counts its characters live and refuses a 200 KB paste, at
desktop width and on a phone."""

import itertools
from datetime import datetime

import pytest

from actionlearning import journal, scheduling

from .conftest import sign_in
from .test_scheduling_pages import PHONE, build_set, fits_the_screen

pytestmark = pytest.mark.browser
_counter = itertools.count(1)


def january_meeting(db, ids):
    meeting = scheduling.meeting(db, ids["meeting_id"])
    return scheduling.create_meeting(
        db,
        meeting["programme_id"],
        "set_meeting",
        "January meeting",
        datetime(2027, 1, 12, 10),
        datetime(2027, 1, 12, 13),
        ids["set_id"],
    )


@pytest.fixture(params=[None, PHONE], ids=["desktop", "phone"])
def context(request, browser):
    context = (
        browser.new_context(viewport=request.param) if request.param else browser.new_context()
    )
    yield context
    context.close()


def test_schedule_anyway_moves_a_meeting_to_christmas_day(context, live_app, live_server):
    ids = live_app.setup(build_set, f"xmas{next(_counter)}")
    meeting_id = live_app.setup(january_meeting, ids)
    page = context.new_page()
    sign_in(page, live_server, ids["facilitator"])

    page.goto(live_server + f"/meetings/{meeting_id}/edit")
    page.fill("#on", "2026-12-25")
    page.click("text=Save changes")
    page.wait_for_load_state()
    warning = page.locator("#on-error").inner_text()
    described = page.locator("#on").get_attribute("aria-describedby")
    held_back = live_app.setup(scheduling.meeting, meeting_id)["starts_at"]
    assert fits_the_screen(page)
    page.check("#confirmed")
    page.click("text=Save changes")
    page.wait_for_load_state()

    assert warning == (
        "Friday 25 December 2026 is Christmas Day, a bank holiday in England and Wales."
    )
    assert described == "on-error"
    assert held_back == "2027-01-12T10:00:00+00:00"
    assert "Meeting updated." in page.locator(".flash").first.inner_text()
    assert live_app.setup(scheduling.meeting, meeting_id)["starts_at"] == (
        "2026-12-25T10:00:00+00:00"
    )


def test_body_counts_characters_live_and_refuses_a_long_paste(context, live_app, live_server):
    ids = live_app.setup(build_set, f"paste{next(_counter)}")
    email = ids["facilitator"].replace("facilitator1", "participant1")
    page = context.new_page()
    sign_in(page, live_server, email)

    page.goto(live_server + "/journal/new")
    limit_shown = page.locator("#body-count").inner_text()
    page.fill("#title", "Pasted notes")
    page.fill("#body", "Twelve chars")
    typed = page.locator("#body-count").inner_text()
    page.fill("#body", "x" * 204_800)
    pasted = page.locator("#body-count").inner_text()
    over = "over" in page.locator("#body-count").get_attribute("class")
    kept = page.eval_on_selector("#body", "area => area.value.length")
    assert fits_the_screen(page)
    page.click("text=Save entry")
    page.wait_for_load_state()

    assert (limit_shown, typed) == ("0 of 20,000 characters", "12 of 20,000 characters")
    assert pasted == "204,800 of 20,000 characters: 184,800 too many"
    assert over and kept == 204_800
    assert "the limit is 20,000: nothing was saved" in page.locator("#body-error").inner_text()
    assert page.locator("text=Entry saved").count() == 0
    owner = live_app.setup(
        lambda db: db.execute("SELECT id FROM people WHERE email = ?", [email]).fetchone()[0]
    )
    assert live_app.setup(journal.entries_visible_to, owner) == []
