"""Every page each role reaches, in Chromium at a phone's width (390 px) and a desktop's
(1280 px): nothing wider than the screen, no serious or critical axe-core violation, no
sub-resource that failed or answered 4xx/5xx, and no raw ISO timestamp in the visible text.

The pages are found by following the links from each role's home page, one page per URL
shape (/meetings/12 and /meetings/13 are the same page), so a page added later is checked
without being listed here. One signed-in context per role and width; one crawl each, shared
by the checks below.
"""

import re
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import pytest

from actionlearning import auth, casestudies, programmes, scheduling
from actionlearning.journal.entries import create_entry

from .conftest import PASSWORD, sign_in
from .test_journeys import AXE, TOO_WIDE, cohort

pytestmark = pytest.mark.browser
WIDTHS = {"phone": 390, "desktop": 1280}
ROLES = ("organiser", "facilitator", "participant")
MAX_PAGES = 45
# Links that change something, download a file or leave the HTML pages.
SKIP = re.compile(
    r"(^/logout|^/static/|\.(ics|zip|md|docx|pdf|csv|png|svg)(\?|$)|^/feeds/|/unsubscribe)"
)
ISO_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"


def shape(path):
    """/meetings/12?x=1 and /meetings/13?x=2 are one page to check."""
    parts = urlsplit(path)
    return re.sub(r"\d+", "N", parts.path) + (
        "?" + re.sub(r"=[^&]*", "=", parts.query) if parts.query else ""
    )


def programme_with_everything(db, organiser_email):
    """A programme whose pages all have something on them: a set, pairs, meetings ahead,
    a seminar, an action point, a shared journal entry and a saved case study."""
    organiser = auth.person_by_email(db, organiser_email)["id"]
    programme_id = programmes.create_programme(
        db,
        "Every page cohort",
        "2026-09-01",
        "2027-08-31",
        conference_on="2027-07-08",
        default_venue="Riverside Room",
        organiser_id=organiser,
    )
    ids = cohort(db, "every", programme_id)
    meetings = [
        scheduling.create_meeting(
            db,
            programme_id,
            "set_meeting",
            f"Riverside set, {month:%B}",
            month.replace(hour=10),
            month.replace(hour=13),
            learning_set_id=ids["set_id"],
        )
        for month in (datetime(2027, 1, 12), datetime(2027, 2, 9))
    ]
    scheduling.create_meeting(
        db,
        programme_id,
        "seminar",
        "Lunchtime seminar: pooled budgets",
        datetime(2027, 1, 20, 12, 30),
        datetime(2027, 1, 20, 14),
        speaker="Dr Ada Lovelace",
    )
    participant = auth.person_by_email(db, ids["participant"])["id"]
    scheduling.records.add_action_point(db, meetings[0], participant, "Map the pathway")
    create_entry(
        db,
        participant,
        programme_id,
        title="After the first set",
        body="We mapped the discharge pathway together.",
        visibility="set",
    )
    casestudies.save_case_study(
        db,
        ids["pair_id"],
        participant,
        0,
        {"title": "Home from hospital sooner", "problem": "Delays at discharge."},
    )
    return ids


@pytest.fixture(scope="module")
def people(live_app):
    organiser = "olive-every@example.org"
    live_app.create_user(organiser, "Olive Everypage", role="organiser")
    ids = live_app.setup(programme_with_everything, organiser)
    return {
        "organiser": organiser,
        "facilitator": ids["facilitator"],
        "participant": ids["participant"],
    }


@pytest.fixture(scope="module")
def crawls(browser, live_server, people):
    """crawl(role, width) -> {path: problems}, each crawl done once per module."""
    done = {}
    axe = AXE.read_text() if AXE.exists() else None

    def crawl(role, width):
        if (role, width) not in done:
            if axe is None:
                pytest.skip("axe-core is not installed; run `make node-deps`")
            done[role, width] = _crawl(browser, live_server, people[role], width, axe)
        return done[role, width]

    return crawl


def _crawl(browser, base, email, width, axe):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    failed = []
    # ERR_ABORTED is the browser dropping a request when the page moves on, not a failure.
    page.on(
        "requestfailed",
        lambda r: None if "ERR_ABORTED" in (r.failure or "") else failed.append(f"{r.url} failed"),
    )
    page.on(
        "response",
        lambda r: (
            failed.append(f"{r.url} answered {r.status}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    results = {}
    try:
        sign_in(page, base, email, PASSWORD)
        queue, seen = ["/"], set()
        while queue and len(results) < MAX_PAGES:
            path = queue.pop(0)
            if shape(path) in seen:
                continue
            seen.add(shape(path))
            failed.clear()
            response = page.goto(base + path)
            page.wait_for_load_state("load")
            if response is None or response.status >= 400 or not page.url.startswith(base):
                results[path] = {"status": [f"answered {response and response.status}"]}
                continue
            results[path] = _check(page, axe, list(failed))
            for href in page.evaluate(LINKS):
                target = urlsplit(urljoin(page.url, href))
                if target.netloc != urlsplit(base).netloc:
                    continue
                local = target.path + (f"?{target.query}" if target.query else "")
                if not SKIP.search(local) and shape(local) not in seen:
                    queue.append(local)
    finally:
        context.close()
    return results


def _check(page, axe, failed):
    page.add_script_tag(content=axe)
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    text = page.evaluate("document.body.innerText")
    return {
        "axe": [
            (v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ],
        "overflow": [f"{wide}px too wide: {page.evaluate(TOO_WIDE)}"] if wide > 0 else [],
        "subresources": failed,
        "timestamps": ISO_TIMESTAMP.findall(text)[:3],
    }


def problems(results, kind):
    return {path: found[kind] for path, found in results.items() if found.get(kind)}


CASES = [
    pytest.param(role, width, id=f"{role}-{name}")
    for role in ROLES
    for name, width in WIDTHS.items()
]


@pytest.mark.parametrize(("role", "width"), CASES)
def test_every_page_answers_and_fits_the_screen(crawls, role, width):
    results = crawls(role, width)

    assert len(results) >= 8, sorted(results)
    assert problems(results, "status") == {}
    if width == WIDTHS["phone"]:
        assert problems(results, "overflow") == {}


@pytest.mark.parametrize(("role", "width"), CASES)
def test_every_page_passes_axe(crawls, role, width):
    assert problems(crawls(role, width), "axe") == {}


@pytest.mark.parametrize(("role", "width"), CASES)
def test_every_page_loads_all_its_resources(crawls, role, width):
    assert problems(crawls(role, width), "subresources") == {}


@pytest.mark.parametrize(("role", "width"), CASES)
def test_no_page_shows_a_raw_iso_timestamp(crawls, role, width):
    assert problems(crawls(role, width), "timestamps") == {}


def test_copy_button_copies_the_feed_link(browser, live_server, people):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    try:
        sign_in(page, live_server, people["participant"])
        page.goto(live_server + "/calendar")
        link = page.input_value("#personal-link")

        page.click("button[data-copy=personal-link]")

        page.wait_for_selector("text=Copied.")
        assert page.evaluate("navigator.clipboard.readText()") == link
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
