"""One date style on every page: no raw ISO timestamp in what people read, and the exact
value in <time datetime> for machines."""

import re
from datetime import datetime
from html.parser import HTMLParser

from actionlearning.casestudies import save_case_study
from actionlearning.journal.entries import create_entry, update_entry
from actionlearning.times import date_html, datetime_html, day_text

RAW_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?")


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(html):
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def test_dates_are_portable_and_in_the_programmes_zone():
    assert day_text(datetime(2026, 12, 5)) == "Sat 5 Dec 2026"
    assert datetime_html("2026-07-01T22:30:00+00:00", "Europe/London") == (
        '<time datetime="2026-07-01T22:30:00Z">Wed 1 Jul 2026, 23:30</time>'
    )
    assert date_html("2026-07-01T23:30:00+00:00", "Europe/London") == (
        '<time datetime="2026-07-02">Thu 2 Jul 2026</time>'
    )


def test_pages_show_no_raw_iso_timestamps(
    client, login, db, programme_id, make_pair, make_set, make_person, make_meeting
):
    set_id = make_set()
    pair_id = make_pair(learning_set_id=set_id)
    author = db.execute(
        "SELECT person_id FROM pair_members WHERE pair_id = ?", [pair_id]
    ).fetchone()[0]
    meeting_id = make_meeting(
        datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 13), set_id, title="January"
    )
    entry_id = create_entry(db, author, programme_id, title="First", body="Text", visibility="pair")
    update_entry(db, author, entry_id, title="First, revised", body="More text", visibility="pair")
    fields = {
        "title": "Discharge",
        "problem": "Delays",
        "what_we_did": "",
        "outcomes": "",
        "learning": "",
    }
    revision = save_case_study(db, pair_id, author, 0, fields)
    save_case_study(db, pair_id, author, revision, {**fields, "outcomes": "Fewer delays"})
    login(author)
    pages = [
        "/",
        f"/meetings/{meeting_id}",
        f"/journal/{entry_id}",
        f"/journal/{entry_id}/history",
        "/journal",
        f"/case-studies/{pair_id}",
        f"/case-studies/{pair_id}/edit",
        "/account/password",
    ]

    found = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        raw = RAW_ISO.findall(visible(html))
        if raw:
            found[path] = raw

    organiser = make_person(role="organiser")
    login(organiser)
    for path in (
        "/",
        f"/programmes/{programme_id}",
        f"/programmes/{programme_id}/meetings",
        f"/learning-sets/{set_id}/meetings",
        f"/case-studies/{pair_id}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        raw = RAW_ISO.findall(visible(response.get_data(as_text=True)))
        if raw:
            found[path] = raw

    assert found == {}
    case_study = client.get(f"/case-studies/{pair_id}").get_data(as_text=True)
    assert re.search(
        r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\w{3} \d{1,2} \w{3} \d{4}, '
        r"\d\d:\d\d</time>",
        case_study,
    )
