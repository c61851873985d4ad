"""The one shape of a refusal: a message for people and the form field it is about."""


class FieldError(ValueError):
    """Input that cannot be accepted; the message says why, `field` names the form field
    it concerns (None when it is about the whole form), so pages show it beside that input
    and screen readers are sent to the right place."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field
