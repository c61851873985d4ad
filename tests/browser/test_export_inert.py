"""The README's own command, `pandoc -s conference-pack.md -o pack.html`, on a pack holding
an attacker's case study, opened in Chromium: nothing runs, whichever pandoc made it."""

import pytest

from tests.hostile_export import pandoc_binaries, run_pandoc, write_hostile_export

pytestmark = pytest.mark.browser


def test_pandoc_html_of_hostile_pack_runs_nothing(db, make_pair, make_person, tmp_path, page):
    _study, pack = write_hostile_export(db, make_pair, make_person, tmp_path / "out")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for n, binary in enumerate(pandoc_binaries()):
        html = tmp_path / f"pack-{n}.html"
        run_pandoc(binary, pack, "-s", "-o", str(html))

        page.goto(html.as_uri())
        # Every element clicked and hovered, as a reader moving through the page would.
        page.evaluate(
            """() => document.querySelectorAll("body *").forEach(node => {
                   for (const kind of ["mouseover", "click", "focus"])
                       node.dispatchEvent(new Event(kind, {bubbles: true}));
               })"""
        )

        assert page.evaluate("window.x") is None
        assert "pwned" not in page.title()
        assert dialogs == []
