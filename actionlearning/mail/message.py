"""An outbox row as an RFC 5322 message, built by the standard library's email package.

Nothing here formats MIME or headers by hand: EmailMessage under policy.SMTP folds and
encodes headers (UTF-8 names as RFC 2047 words), refuses CR or LF in a header value, and
writes CRLF line ends. A meeting invitation has the shape Outlook and Google send and accept:

    multipart/mixed
      multipart/alternative
        text/plain
        text/html                                  (when the caller gave HTML)
        text/calendar; method=REQUEST|CANCEL; charset=utf-8
      application/ics; name=invite.ics             (attachment: the same VCALENDAR)
"""

from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from html import escape

from . import KINDS


class _HeaderClasses(HeaderRegistry):
    """The standard registry, keeping the class it makes for each header name: HeaderRegistry
    builds a new class with type() every time a header is set, about a sixth of the time
    taken to build an invitation (bench/mail.py)."""

    def __init__(self):
        super().__init__()
        self._made = {}

    def __getitem__(self, name):
        key = name.lower()
        if key not in self._made:
            self._made[key] = super().__getitem__(name)
        return self._made[key]


POLICY = policy.SMTP.clone(header_factory=_HeaderClasses())


def build_message(row, sender, unsubscribe_url=None, preferences_url=None):
    """The message for an outbox row, from `sender` ('Name <addr>' or 'addr').

    Optional kinds get List-Unsubscribe with one-click POST (RFC 8058) and a footer that
    says how to turn them off.
    """
    message = EmailMessage(policy=POLICY)
    from_name, from_addr = parseaddr(sender)
    message["From"] = _address(from_name, from_addr)
    message["To"] = _address(row["to_name"], row["to_addr"])
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<{row['message_id']}@{from_addr.rpartition('@')[2]}>"
    # RFC 3834: out-of-office robots do not answer mail a program sent.
    message["Auto-Submitted"] = "auto-generated"
    text, html = row["body_text"], row["body_html"]
    optional = KINDS[row["kind"]][1]
    if optional and unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        text, html = _with_footer(text, html, row["kind"], preferences_url or unsubscribe_url)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if row["calendar_method"]:
        ics = row["calendar_ics"]
        # Outlook reads the method from the part's Content-Type, not only from the VCALENDAR.
        message.add_alternative(ics, subtype="calendar", params={"method": row["calendar_method"]})
        message.add_attachment(
            ics.encode("utf-8"), maintype="application", subtype="ics", filename="invite.ics"
        )
    return message


def _address(name, addr):
    """A header address; Address quotes commas and quotes in names and encodes non-ASCII,
    as formataddr() would, and refuses CR or LF anywhere."""
    return Address(display_name=name or "", addr_spec=addr)


def format_sender(name, addr):
    """'Name <addr>' for ACTIONLEARNING_MAIL_FROM-style settings, quoted when needed."""
    return formataddr((name, addr))


def _with_footer(text, html, kind, url):
    label = KINDS[kind][0]
    note = f"You get these e-mails because of your setting '{label}'. To turn them off: {url}"
    text = f"{text.rstrip()}\n\n-- \n{note}\n"
    if html:
        html = (
            f"{html}\n<hr>\n<p>You get these e-mails because of your setting "
            f'\u2018{escape(label)}\u2019. <a href="{escape(url)}">Turn them off</a>.</p>'
        )
    return text, html
