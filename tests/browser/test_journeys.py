"""The whole programme in Chromium, one person after another, on a desktop and on a phone.

An organiser sets up a programme and a monthly series for a learning set; the facilitator
records attendance and an action point; a participant writes a journal entry and
subscribes to the calendar feed; the pair drafts and submits its case study; the organiser
approves it and downloads the conference pack. axe-core (from npm) checks each main page
on the way: no serious or critical accessibility violations.

Under CI=true a missing Chromium or axe-core fails the run instead of skipping it.
"""

import itertools
import os
from pathlib import Path

import pytest

from actionlearning import auth, programmes, scheduling
from actionlearning.programmes.pairs import create_learning_set, create_pair

from .conftest import CHROMIUM_ARGS, PASSWORD, sign_in

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
_runs = itertools.count(1)
# The elements that stick out past the right edge of the screen, for the failure message.
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
            + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE}); run `make node-deps`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


class Journey:
    """A browser context per person, all at one viewport; checks every main page with axe."""

    def __init__(self, browser, live_server, axe_source, viewport):
        self.browser, self.url, self.axe = browser, live_server, axe_source
        self.viewport = viewport
        self.contexts = []
        self.checked = []

    def as_person(self, email):
        # The app's CSP allows only its own scripts: bypass it so axe can be injected.
        context = self.browser.new_context(
            viewport=self.viewport, bypass_csp=True, accept_downloads=True
        )
        self.contexts.append(context)
        page = context.new_page()
        sign_in(page, self.url, email)
        return page

    def visit(self, page, path):
        page.goto(self.url + path)
        page.wait_for_load_state()
        self.check(page, path)

    def check(self, page, label):
        """No serious or critical axe violations, and nothing wider than the screen."""
        page.add_script_tag(content=self.axe)
        result = page.evaluate("async () => await axe.run(document)")
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], f"{label} at {self.viewport['width']}px: {bad}"
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 1, (
            f"{label} scrolls sideways by {wide}px at {self.viewport['width']}px: "
            f"{page.evaluate(TOO_WIDE)}"
        )
        self.checked.append(label)

    def submit(self, page, button):
        page.click(button)
        page.wait_for_load_state()
        assert page.locator("h1").count() >= 1

    def close(self):
        for context in self.contexts:
            context.close()


def cohort(db, tag, programme_id):
    """A facilitator and two pairs in one learning set of the organiser's new programme."""

    def person(role, name):
        email = f"{name.split()[0].lower()}-{tag}@example.org"
        person_id = auth.create_person(db, email, f"{name} {tag}", role, None, PASSWORD)
        programmes.add_member(db, programme_id, person_id, role)
        return person_id, email

    facilitator, facilitator_email = person("facilitator", "Faith Facilitator")
    members = [
        person("participant", name)
        for name in ("Priya Participant", "Paul Partner", "Quentin Other", "Rosa Other")
    ]
    set_id = create_learning_set(
        db, programme_id, f"Riverside set {tag}", facilitator, "What is said here stays here."
    )
    pairs = [
        create_pair(
            db,
            programme_id,
            [members[i][0], members[i + 1][0]],
            "Discharge from hospital",
            borough="Riverside",
            learning_set_id=set_id,
        )
        for i in (0, 2)
    ]
    return {
        "set_id": set_id,
        "facilitator": facilitator_email,
        "participant": members[0][1],
        "partner": members[1][1],
        "pair_id": pairs[0],
    }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_journey_from_programme_set_up_to_conference_pack(
    browser, live_app, live_server, axe_source, viewport
):
    tag = f"j{next(_runs)}{viewport['width']}"
    organiser_email = f"olivia-{tag}@example.org"
    live_app.create_user(organiser_email, f"Olivia Organiser {tag}", role="organiser")
    journey = Journey(browser, live_server, axe_source, viewport)
    try:
        # The organiser sets up the programme...
        organiser = journey.as_person(organiser_email)
        journey.check(organiser, "organiser home")
        journey.visit(organiser, "/programmes")
        organiser.fill("#name", f"Riverside cohort {tag}")
        organiser.fill("#starts_on", "2026-09-01")
        organiser.fill("#ends_on", "2027-08-31")
        organiser.fill("#time_zone", "Europe/London")
        organiser.fill("#default_venue", "Riverside Room")
        journey.submit(organiser, "text=Create programme")
        assert organiser.locator("h1").inner_text() == f"Riverside cohort {tag}"
        programme_id = int(organiser.url.rstrip("/").rsplit("/", 1)[1])
        journey.check(organiser, "programme page")
        ids = live_app.setup(cohort, tag, programme_id)

        # ...and a monthly series for the set: 2nd Tuesday, 10:00-13:00, September to March.
        journey.visit(organiser, f"/learning-sets/{ids['set_id']}/series")
        organiser.select_option("#nth", "2")
        organiser.select_option("#weekday", "1")
        organiser.fill("#first", "2026-09-01")
        organiser.fill("#last", "2027-03-31")
        organiser.fill("#start_time", "10:00")
        organiser.fill("#end_time", "13:00")
        journey.submit(organiser, "button[value=preview]")
        journey.check(organiser, "series preview")
        # September to November have passed: the organiser means it, for the records.
        # (in its row, and again among the dates about to be saved)
        assert organiser.locator("text=Tuesday 8 September 2026 is in the past.").count() == 2
        organiser.check("#confirmed")
        journey.submit(organiser, "button[value=save]")
        meetings = live_app.setup(scheduling.meetings_for_set, ids["set_id"])
        assert len(meetings) == 7
        first = meetings[0]
        assert first["starts_at"].startswith("2026-09-08T09:00")  # 10:00 BST

        # The facilitator records attendance and an action point at the first meeting.
        facilitator = journey.as_person(ids["facilitator"])
        journey.check(facilitator, "facilitator home")
        journey.visit(facilitator, f"/meetings/{first['id']}")
        statuses = facilitator.locator("select[name^=status-]")
        assert statuses.count() == 4
        for index in range(4):
            statuses.nth(index).select_option("apologies" if index == 3 else "attended")
        journey.submit(facilitator, "text=Save attendance")
        facilitator.select_option("#owner", label=f"Priya Participant {tag}")
        facilitator.fill("#action-text", "Map the discharge pathway with both teams")
        journey.submit(facilitator, "text=Add action point")
        assert facilitator.locator("text=Map the discharge pathway with both teams").count() == 1
        journey.check(facilitator, "meeting record")

        # A participant writes a journal entry and subscribes to the calendar feed.
        participant = journey.as_person(ids["participant"])
        journey.check(participant, "participant home")
        journey.visit(participant, "/journal/new")
        participant.fill("#title", f"After the first set meeting {tag}")
        participant.fill("#what_happened", "We mapped the discharge pathway together.")
        participant.fill("#body", "The council's **reablement** team joined us.")
        participant.check("input[name=visibility][value=pair]")
        participant.check("#consent_to_quote")
        participant.select_option("#case_study_section", "what_we_did")
        journey.submit(participant, "button[name=save]")
        assert "/journal/" in participant.url
        assert participant.locator("h1").inner_text() == f"After the first set meeting {tag}"
        journey.check(participant, "journal entry")
        journey.visit(participant, "/journal")

        # She ticks the action point off on My schedule; the set reviews it next time.
        journey.visit(participant, "/")
        participant.click("button:has-text('Mark done')")
        participant.wait_for_load_state()
        closed = participant.locator("text=Closed by you, for review at your next set meeting")
        assert closed.count() == 1
        journey.check(participant, "action point ticked off")
        journey.visit(participant, "/calendar")
        feed_url = participant.input_value("#personal-link")
        webcal = participant.locator("a.button", has_text="Subscribe").get_attribute("href")
        assert webcal == "webcal://" + feed_url.split("://", 1)[1]
        feed = participant.request.get(live_server + "/feeds/" + feed_url.rsplit("/feeds/", 1)[1])
        assert feed.status == 200
        assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
        assert feed.text().count("BEGIN:VEVENT") == 7
        assert "reablement" not in feed.text()  # logistics only, never journal text

        # The organiser rewords the pair's priority.
        journey.visit(organiser, f"/pairs/{ids['pair_id']}/edit")
        organiser.fill("#priority_area", "Discharge from hospital to home")
        journey.submit(organiser, "text=Save pair")
        assert organiser.locator("text=Discharge from hospital to home").count() >= 1
        journey.check(organiser, "pairs after an edit")

        # The pair drafts the case study together and submits it.
        journey.visit(participant, f"/case-studies/{ids['pair_id']}/edit")
        participant.fill("#title", f"Home from hospital sooner {tag}")
        participant.fill("#summary", "Two agencies, one discharge pathway.")
        participant.fill("#problem", "People waited in hospital for care at home.")
        participant.fill("#what_we_did", "We mapped the pathway and pooled a reablement team.")
        participant.fill("#outcomes", "Delayed discharges fell by a third.")
        journey.submit(participant, "button:text-is('Save')")
        partner = journey.as_person(ids["partner"])
        journey.visit(partner, f"/case-studies/{ids['pair_id']}/edit")
        partner.fill("#learning", "Start from the patient's week, not our budgets.")
        journey.submit(partner, "button:text-is('Save')")
        journey.check(partner, "case study")
        journey.submit(partner, "text=Submit for approval")
        assert partner.locator("text=Submitted").count() >= 1

        # The organiser approves it and downloads the conference pack.
        journey.visit(organiser, f"/case-studies/{ids['pair_id']}")
        journey.submit(organiser, "button:has-text('Approve revision')")
        assert organiser.locator("text=Approved").count() >= 1
        journey.visit(organiser, f"/case-studies/export?programme={programme_id}")
        with organiser.expect_download() as download:
            organiser.click("text=Conference pack as Markdown")
        pack = Path(download.value.path()).read_text()
        assert f"Home from hospital sooner {tag}" in pack
        assert "Start from the patient's week, not our budgets." in pack
    finally:
        journey.close()
    assert len(journey.checked) >= 18


def test_browser_tools_are_there_under_ci():
    """CI must run the browser journeys, not skip them."""
    if os.environ.get("CI") != "true":
        pytest.skip("only checked under CI=true")
    assert Path("/usr/bin/chromium").exists(), "Debian's chromium is missing"
    assert AXE.exists(), "axe-core is missing: run `make node-deps`"
    assert CHROMIUM_ARGS
