"""Retake the README's screenshots from the demo programme, in Chromium.

    .venv/bin/python docs/screenshots.py

Loads the demo into a temporary database, serves it on a free port (the browser tests'
LiveApp), and saves each page below as docs/screenshots/NAME.png at 1100x900, or 390x844
for the phone ones.
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveApp, sign_in  # noqa: E402

PASSWORD = "demo-password-for-screenshots"
DESKTOP, PHONE = {"width": 1100, "height": 900}, {"width": 390, "height": 844}
ORGANISER, FACILITATOR = "organiser@example.org", "daniel.whitcombe@example.org"
PARTICIPANT = "amira.haddad@example.org"
SHOTS = [
    ("participant-schedule", PARTICIPANT, "/", DESKTOP),
    ("journal", PARTICIPANT, "/journal", DESKTOP),
    ("phone-journal", PARTICIPANT, "/journal/new", PHONE),
    ("calendar", PARTICIPANT, "/calendar", DESKTOP),
    ("facilitator-dashboard", FACILITATOR, "/", DESKTOP),
    ("organiser-home", ORGANISER, "/programmes/1", DESKTOP),
    ("month", PARTICIPANT, "/programmes/1/calendar?month=2027-01", DESKTOP),
    ("phone-people", ORGANISER, "/people", PHONE),
    ("export", ORGANISER, "/case-studies/export?programme=1&status=all", DESKTOP),
]


def main():
    with tempfile.TemporaryDirectory() as folder:
        app = LiveApp(Path(folder) / "demo.db")
        app.start()
        try:
            app.flask("demo", "--password", PASSWORD)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, email, path, viewport in SHOTS:
                    context = browser.new_context(viewport=viewport)
                    page = context.new_page()
                    sign_in(page, app.url, email, PASSWORD)
                    page.goto(app.url + path)
                    page.screenshot(path=ROOT / "docs" / "screenshots" / f"{name}.png")
                    context.close()
                    print(f"docs/screenshots/{name}.png")
                browser.close()
        finally:
            app.stop()


if __name__ == "__main__":
    main()
