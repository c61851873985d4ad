"""Printing: a meeting page and a case study print as their content, without navigation or
forms (static/print.css, linked for print media)."""

import pytest

from actionlearning import casestudies
from tests.browser.conftest import sign_in
from tests.browser.test_scheduling_pages import build_set

pytestmark = pytest.mark.browser


def visible_in_print(page, selector):
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
               .filter(node => getComputedStyle(node).display !== "none"
                               && node.getClientRects().length > 0).length""",
        selector,
    )


def test_meeting_and_case_study_print_without_navigation_or_forms(page, live_app, live_server):
    ids = live_app.setup(build_set, "print")

    def write_case_study(db):
        pair, author = db.execute(
            "SELECT p.id, m.person_id FROM pairs p JOIN pair_members m ON m.pair_id = p.id "
            "WHERE p.learning_set_id = ?",
            [ids["set_id"]],
        ).fetchone()
        casestudies.save_case_study(db, pair, author, 0, {"title": "Printed case study"})
        return pair

    pair = live_app.setup(write_case_study)
    sign_in(page, live_server, ids["facilitator"])
    page.emulate_media(media="print")

    for path, heading in (
        (f"/meetings/{ids['meeting_id']}", "October meeting print"),
        (f"/case-studies/{pair}", "Printed case study"),
    ):
        page.goto(live_server + path)

        assert heading in page.locator("main").inner_text()
        assert visible_in_print(page, "header.site-header, nav, form, button") == 0, path
