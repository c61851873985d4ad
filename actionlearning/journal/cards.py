"""An entry's card in the journal lists (its meta line and labels), rendered once per change.

A list shows twenty cards, and building each from its parts on every view (dates, badges,
label links, a macro call per card) was most of the page (docs/benchmarks.md). So the card
is rendered when the entry is saved, by the template the entry's own page uses
(templates/journal/_entry_meta.html), passed through nh3 and stored in
journal_entries.card_html, as the text is in body_html. Its links are relative
("?theme=pilot"), so one card serves every list.

What a card shows from elsewhere (the author's name, the meeting's title and time, the
programme's time zone) can change without the entry: m017's triggers then set card_html
to NULL, and a list renders such a card from its parts until the entry is next saved.
"""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from ..text import sanitise_card
from ..times import date_html, datetime_html
from . import VISIBILITIES, own_entry

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"

# Compiled once per process, as Flask's own environment keeps its templates.
_templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
_templates.filters.update(date=date_html, datetime=datetime_html)


def card_html(entry):
    """The card of an entry row as the lists read it (entry_rows_sql, then _entry),
    rendered and then sanitised: the only HTML besides the texts' that a page marks safe."""
    macro = _templates.get_template("journal/_entry_meta.html").module.entry_meta
    return sanitise_card(str(macro(entry, "", VISIBILITIES)))


def store_card(db, author_id, entry_id):
    """Render the entry's card and keep it; inside the write that changed the entry."""
    entry = own_entry(db, author_id, entry_id)
    db.execute(
        "UPDATE journal_entries SET card_html = ? WHERE id = ?", [card_html(entry), entry_id]
    )
