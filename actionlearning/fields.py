"""Form fields shared by several pages.

LongTextField is every long Markdown field (journal entries and responses, case-study
sections): a browser's maxlength cuts a long paste without a word and the page then says
"saved", so the field has none; the limit is shown under it, counted live by
static/charcount.js where scripts run, and the form refuses longer text with a message.
"""

from markupsafe import Markup
from wtforms import TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import TextArea


def one_line_break(text):
    """A browser sends each line break as CRLF but counts (and shows) one character: the
    text is kept as the person saw it, so the limit they were shown is the one applied."""
    return text.replace("\r\n", "\n") if text else text


class CharacterLimit:
    """Refuse text over the limit, saying by how much; sets no maxlength (unlike Length)."""

    def __init__(self, limit):
        self.limit = limit

    def __call__(self, form, field):
        count = len(field.data or "")
        if count > self.limit:
            raise ValidationError(
                f"This is {count:,} characters long and the limit is {self.limit:,}: "
                f"nothing was saved. Shorten it by {count - self.limit:,} characters "
                "(or split it in two) and save again."
            )


class CountedTextArea(TextArea):
    """A textarea without maxlength, with the limit written under it."""

    validation_attrs = ["required", "disabled", "readonly"]

    def __call__(self, field, **kwargs):
        count_id = f"{field.id}-count"
        described = kwargs.pop("aria-describedby", kwargs.pop("aria_describedby", ""))
        kwargs["aria-describedby"] = f"{described} {count_id}".strip()
        kwargs["data-limit"] = field.limit
        area = super().__call__(field, **kwargs)
        note = f"Up to {field.limit:,} characters."
        return Markup(f'{area}<small class="char-count" id="{count_id}">{note}</small>')


class LongTextField(TextAreaField):
    widget = CountedTextArea()

    def __init__(self, label=None, validators=None, limit=20000, **kwargs):
        self.limit = limit
        filters = (one_line_break, *kwargs.pop("filters", ()))
        validators = [*(validators or []), CharacterLimit(limit)]
        super().__init__(label, validators, filters=filters, **kwargs)
