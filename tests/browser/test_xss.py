"""Stored XSS: hostile Markdown saved through the real form, then shown in real Chromium.

The pages are opened with the Content-Security-Policy bypassed, so these tests prove the
sanitiser alone stops every payload (the CSP is a second wall, not the only one).
Each payload sets window.__xss or opens a dialog if it ever runs.
"""

import re

import pytest

from actionlearning import programmes
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

RUN = "window.__xss=1;alert(1)"
HOSTILE_MARKDOWN = [
    f"<script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f'![image](x" onerror="{RUN})',
    f"[link](javascript:{RUN})",
    "[link](JaVaScRiPt:window.__xss=1)",
    "[tab](jav\tascript:window.__xss=1)",
    "[entities](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=1)",
    "[hex](&#x6A;avascript&#x3A;window.__xss=1)",
    '<a href="javascript&colon;window.__xss=1">colon entity</a>',
    '<a href="  javascript:window.__xss=1">leading spaces</a>',
    "<javascript:window.__xss=1>",
    "[ref][1]\n\n[1]: javascript:window.__xss=1",
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>window.__xss=1</script>">data link</a>',
    '<img src="data:image/svg+xml,<svg onload=window.__xss=1>">',
    f'<svg onload="{RUN}"><script>{RUN}</script></svg>',
    f'<svg><a xlink:href="javascript:{RUN}"><text y="20">svg link</text></a></svg>',
    f'<math><mi xlink:href="javascript:{RUN}">math</mi></math>',
    f'<iframe src="javascript:{RUN}"></iframe>',
    f'<iframe srcdoc="<script>{RUN}</script>"></iframe>',
    '<object data="data:text/html,<script>window.__xss=1</script>"></object>',
    '<embed src="data:text/html,<script>window.__xss=1</script>">',
    f'<details open ontoggle="{RUN}"><summary>x</summary></details>',
    f'<input autofocus onfocus="{RUN}">',
    f'<body onload="{RUN}">',
    f'<form action="javascript:{RUN}"><button>go</button></form>',
    f'<style>@import "javascript:{RUN}";</style>',
    f'<div style="background:url(javascript:{RUN})">styled</div>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<base href="javascript:/">',
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f"<!--<script>{RUN}</script>-->",
    f"`<script>{RUN}</script>` and\n\n    <script>{RUN}</script>",
    f'<a href="https://example.org" onclick="{RUN}" onmouseover="{RUN}">hover</a>',
    f'"><script>{RUN}</script>',
]


@pytest.fixture(scope="module")
def writer(live_app):
    """A participant in a programme, signed up through the CLI."""
    programme_id = live_app.setup(
        programmes.create_programme, "XSS programme", "2026-09-01", "2027-08-31"
    )
    live_app.create_user("xss-writer@example.org", "Mallory Writer", programme=programme_id)
    return "xss-writer@example.org"


@pytest.fixture(scope="module")
def signed_in_page(browser, live_server, writer):
    """One signed-in page for the module, CSP bypassed, recording every dialog."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, writer)
    try:
        yield page, dialogs
    finally:
        context.close()


@pytest.fixture
def watched(signed_in_page):
    page, dialogs = signed_in_page
    dialogs.clear()
    return page, dialogs


def assert_nothing_ran(page, dialogs):
    page.wait_for_timeout(50)  # let onload/onerror/autofocus handlers fire if they exist
    assert dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    # URLs are judged as the browser resolves them (it strips tabs and newlines, decodes
    # entities): only http(s), mailto and this site's own pages may be linked.
    dangerous = page.evaluate(
        """() => Array.from(document.querySelectorAll('main *')).flatMap(el => [
            ...['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'STYLE', 'BASE', 'META']
                .filter(tag => el.tagName.toUpperCase() === tag).map(tag => 'tag ' + tag),
            ...Array.from(el.attributes)
                .filter(a => /^on/i.test(a.name) || ['style', 'srcdoc'].includes(a.name)
                    || (/^(href|src|action|data|xlink:href|formaction)$/i.test(a.name)
                        && !['http:', 'https:', 'mailto:'].includes(
                            new URL(a.value, document.baseURI).protocol)))
                .map(a => el.tagName + ' ' + a.name + '=' + a.value)])"""
    )
    assert dangerous == []


def save_entry(page, base_url, title, body, **prompts):
    page.goto(base_url + "/journal/new")
    page.fill("#title", title)
    page.fill("#body", body)
    for name, text in prompts.items():
        page.fill(f"#{name}", text)
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert re.search(r"/journal/\d+$", page.url), page.content()[:2000]
    return page.url


@pytest.mark.parametrize("payload", HOSTILE_MARKDOWN)
def test_hostile_markdown_never_runs_on_entry_page(watched, live_server, payload):
    page, dialogs = watched

    url = save_entry(page, live_server, "Hostile entry", payload, what_happened=payload)
    page.goto(url)

    assert_nothing_ran(page, dialogs)


def test_hostile_markdown_never_runs_in_preview(watched, live_server):
    page, dialogs = watched
    page.goto(live_server + "/journal/new")
    page.fill("#title", "Preview")
    page.fill("#body", "\n\n".join(HOSTILE_MARKDOWN))

    page.click("button[name=preview]")
    page.wait_for_load_state()

    assert page.locator(".preview").count() == 1
    assert_nothing_ran(page, dialogs)


def test_hostile_title_tags_and_snippet_never_run(watched, live_server):
    page, dialogs = watched
    title = f"<script>{RUN}</script><img src=x onerror={RUN}> zanzibar"
    url = save_entry(page, live_server, title, f"zanzibar <img src=x onerror={RUN}>")

    for path in (url, "/journal", "/journal/search?q=zanzibar", url + "/edit"):
        page.goto(path if path.startswith("http") else live_server + path)
        assert_nothing_ran(page, dialogs)
    assert page.locator("#title").input_value() == title


def test_hostile_revision_and_response_never_run(watched, live_server):
    page, dialogs = watched
    url = save_entry(page, live_server, "Will change", f"<svg onload={RUN}>")
    page.goto(url + "/edit")
    page.fill("#body", "Changed")
    page.check("input[name=visibility][value=programme]")
    page.click("button[name=save]")
    page.wait_for_load_state()
    page.fill("#body", f"<img src=x onerror={RUN}> [x](javascript:{RUN})")
    page.click("form[action$='/responses'] button")
    page.wait_for_load_state()

    assert page.locator(".response").count() == 1
    assert_nothing_ran(page, dialogs)
    page.goto(f"{url}/history")
    assert page.locator(".revision").count() == 1
    assert_nothing_ran(page, dialogs)
