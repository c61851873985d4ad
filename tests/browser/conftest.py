"""Browser tests: the real app in a subprocess on a free loopback port, driven by Chromium.

Fixtures (all session-wide, so the server and the browser start once):
- live_app: a LiveApp (url, database, flask(...) to run CLI commands on the same database,
  create_user(...) via `flask create-user`, setup(fn) to run domain functions on the file).
- live_server: the base URL, e.g. "http://127.0.0.1:54321".
- browser: Debian's Chromium launched by Playwright (never downloads a browser).
- page: a fresh browser context and page per test; sign_in(page, url, email) signs it in.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from actionlearning import create_app
from actionlearning.db import connect

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"
SECRET_KEY = "browser-test-secret-key"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveApp:
    """One app process on a temporary database, plus ways to prepare data for it."""

    def __init__(self, database):
        self.database = str(database)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            ACTIONLEARNING_DATABASE=self.database,
            ACTIONLEARNING_BASE_URL=self.url,
            SECRET_KEY=SECRET_KEY,
            PYTHONDONTWRITEBYTECODE="1",
        )
        self.process = None

    def flask(self, *args, check=True):
        """Run `flask --app actionlearning ARGS` on the same database; returns stdout."""
        result = subprocess.run(
            [FLASK, "--app", "actionlearning", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"flask {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def create_user(self, email, name=None, role="participant", password=PASSWORD, **options):
        """Add an account through the CLI (options: organisation=..., programme=ID)."""
        args = ["create-user", email, "--name", name or email.split("@")[0], "--role", role]
        args += ["--password", password]
        for key, value in options.items():
            args += [f"--{key}", str(value)]
        return self.flask(*args)

    def setup(self, function, *args, **kwargs):
        """Call function(db, *args, **kwargs) on the live database file; returns its result."""
        db = connect(self.database)
        try:
            return function(db, *args, **kwargs)
        finally:
            db.conn.close()

    def start(self, timeout=30):
        create_app({"DATABASE": self.database, "SECRET_KEY": SECRET_KEY})  # migrates the file
        self.log = open(Path(self.database).with_suffix(".log"), "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [FLASK, "--app", "actionlearning", "run", "--port", str(self.port), "--no-reload"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited: {self.read_log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the app did not answer /healthz: {self.read_log()}")

    def read_log(self):
        return Path(self.database).with_suffix(".log").read_text(errors="replace")[-4000:]

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        self.log.close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    app = LiveApp(tmp_path_factory.mktemp("live") / "browser.db")
    app.start()
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="session")
def live_server(live_app):
    return live_app.url


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        message = "Debian's chromium is not installed (make test installs it as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must run the browser tests, never skip them
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def sign_in(page, base_url, email, password=PASSWORD):
    """Sign a browser page in through the login form."""
    page.goto(base_url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"sign-in for {email} failed"
