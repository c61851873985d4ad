"""Delivering the outbox: over SMTP (smtplib), or as .eml files when no server is set.

One pass first writes the messages of meeting changes that are due (invitations.expand_due:
one outbox row per person, in one write with the fan-out's deletion, so a crash before it
leaves the fan-out to write again and a crash after leaves the rows), then takes the messages
that are due and sends them over one SMTP connection, marking each sent as soon as the server
has accepted it. Delivery is at least once: a sender killed
between the server's "250 OK" and the outbox update sends that message again on its next
pass, with the same Message-ID (made at queue time), so at most one duplicate, which mail
clients show as one message. Nothing is ever dropped: a server that is down or answers 4xx
is tried again after an exponential back-off; only a permanent 5xx (or about three days of
failed tries) marks a message failed, with the server's answer, which organisers see.

Only one sender delivers at a time (an flock beside the database, released by the kernel
however the process ends), so `send-mail` run by hand beside the service sends no copies.
"""

import fcntl
import os
import smtplib
import ssl
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import (
    OPTIONAL_KINDS,
    due_messages,
    invitations,
    mark_deferred,
    mark_failed,
    mark_sent,
    reminders,
    retention_notices,
)
from . import unsubscribe_token as make_unsubscribe_token
from .message import build_message

SECURITY = ("none", "starttls", "tls")
BATCH = 100
SMTP_TIMEOUT_SECONDS = 30
MAX_ATTEMPTS = 20  # with the back-off capped at 6 hours: about three days of trying


class MailConfigurationError(Exception):
    """Settings with which no message can be sent; the outbox is left as it was."""


class ServerUnavailable(Exception):
    """The server could not be reached or dropped the connection: try again later."""


@dataclass
class Settings:
    server: str
    port: int
    security: str
    username: str
    password: str
    sender: str
    delay_seconds: int
    retry_seconds: int
    directory: str
    base_url: str
    secret: str
    lock_path: str
    reminder_days: int = 3


def settings_from(app):
    """Mail settings from the app's configuration (ACTIONLEARNING_MAIL_* in the environment).

    Strings are read from the environment as written: the app's prefixed-env loading would
    turn a password such as 'true' or '1e3' into a JSON value.
    """

    def text(name, default=""):
        raw = os.environ.get(f"ACTIONLEARNING_{name}")
        value = raw if raw is not None else app.config.get(name, default)
        return "" if value is None else str(value)

    def number(name, default):
        value = text(name, str(default)).strip()
        try:
            return int(value)
        except ValueError:
            raise MailConfigurationError(
                f"ACTIONLEARNING_{name} must be a whole number, not {value!r}."
            ) from None

    security = text("MAIL_SECURITY", "none").strip().lower() or "none"
    if security not in SECURITY:
        raise MailConfigurationError(
            f"ACTIONLEARNING_MAIL_SECURITY must be one of {', '.join(SECURITY)}, not {security!r}."
        )
    server = text("MAIL_SERVER").strip()
    default_port = {"none": 25, "starttls": 587, "tls": 465}[security]
    sender = text("MAIL_FROM").strip()
    host = app.config["BASE_URL"].split("://")[-1].split("/")[0].split(":")[0] or "localhost"
    if not sender:
        if server:
            raise MailConfigurationError(
                "ACTIONLEARNING_MAIL_FROM is not set: the relay needs a From address it accepts."
            )
        sender = f"actionlearning@{host}"  # .eml files only, never sent
    if "\n" in sender or "\r" in sender or "@" not in sender:
        raise MailConfigurationError(f"ACTIONLEARNING_MAIL_FROM {sender!r} is not an address.")
    database = app.config["DATABASE"]
    return Settings(
        server=server,
        port=number("MAIL_PORT", default_port),
        security=security,
        username=text("MAIL_USERNAME"),
        password=text("MAIL_PASSWORD"),
        sender=sender,
        delay_seconds=number("MAIL_DELAY_SECONDS", 120),
        retry_seconds=number("MAIL_RETRY_SECONDS", 60),
        directory=text("MAIL_DIRECTORY") or os.path.join(app.instance_path, "mail"),
        base_url=app.config["BASE_URL"],
        secret=app.config["SECRET_KEY"],
        lock_path=f"{database}.send-mail.lock",
        reminder_days=number("MAIL_REMINDER_DAYS", 3),
    )


def describe(settings):
    """Where mail goes, in words, for send-mail and make run."""
    if not settings.server:
        return f"no mail server set: messages are written as .eml files in {settings.directory}"
    return (
        f"mail goes to {settings.server}:{settings.port} ({settings.security})"
        f" from {settings.sender}"
    )


@contextmanager
def sender_lock(settings):
    """Yield True when this process is the one sender; False when another holds the lock."""
    Path(settings.lock_path).parent.mkdir(parents=True, exist_ok=True)
    with open(settings.lock_path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def deliver(db, settings, stop=None):
    """One pass: send everything due, over one connection. Returns (sent, failed, deferred).

    Raises MailConfigurationError (nothing changed) when the server refuses the sign-in or
    the TLS settings do not match it, and ServerUnavailable when it cannot be reached (the
    messages due are deferred with that reason).
    """
    stop = stop or threading.Event()
    counts = {"sent": 0, "failed": 0, "deferred": 0}
    # Meeting changes become one message per person here, not in the request that made them.
    invitation_settings = invitations.sender_settings(settings.base_url, settings.sender)
    invitations.expand_due(db, invitation_settings, settings.delay_seconds)
    messages = due_messages(db, settings.delay_seconds, BATCH)
    if not messages:
        return counts
    transport = Directory(settings) if not settings.server else Smtp(settings)
    try:
        transport.open()
    except ServerUnavailable as error:
        mark_deferred(db, messages, str(error), settings.retry_seconds, MAX_ATTEMPTS)
        counts["deferred"] += len(messages)
        raise
    tried = set()  # a message deferred in this pass waits for the next, however short its wait
    # Marking a message sent need not wait for the disk: in WAL mode a killed process loses
    # no commit, and a mark lost to a power cut only sends that message once more with the
    # same Message-ID, which delivery already allows. It halved the time per message.
    db.execute("PRAGMA synchronous = NORMAL")
    try:
        while messages and not stop.is_set():
            for message in messages:
                if stop.is_set():
                    break
                tried.add(message["id"])
                outcome = _deliver_one(db, settings, transport, message)
                counts[outcome] += 1
            messages = [
                message
                for message in due_messages(db, settings.delay_seconds, BATCH + len(tried))
                if message["id"] not in tried
            ]
    finally:
        transport.close()
        db.execute("PRAGMA synchronous = FULL")  # as db.connect() set it for everything else
    return counts


def _deliver_one(db, settings, transport, message):
    email = build_message(message, settings.sender, *_unsubscribe_urls(settings, message))
    try:
        transport.send(email, message)
    except PermanentFailure as error:
        mark_failed(db, message, str(error))
        return "failed"
    except TemporaryFailure as error:
        mark_deferred(db, [message], str(error), settings.retry_seconds, MAX_ATTEMPTS)
        return "deferred"
    except ServerUnavailable as error:
        # The connection is gone: this message (which may or may not have been accepted)
        # waits its back-off; the pass ends and the rest stay due for the next one.
        mark_deferred(db, [message], str(error), settings.retry_seconds, MAX_ATTEMPTS)
        raise
    mark_sent(db, message)
    return "sent"


def _unsubscribe_urls(settings, message):
    if message["kind"] not in OPTIONAL_KINDS or message["person_id"] is None:
        return None, None
    token = make_unsubscribe_token(settings.secret, message["person_id"], message["kind"])
    return f"{settings.base_url}/mail/unsubscribe/{token}", f"{settings.base_url}/account/mail"


class PermanentFailure(Exception):
    """The server refused this message for good (5xx)."""


class TemporaryFailure(Exception):
    """The server refused this message for now (4xx)."""


def _answer(code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


class Smtp:
    """One smtplib connection for a whole pass."""

    def __init__(self, settings):
        self.settings = settings
        self.connection = None

    def open(self):
        s = self.settings
        try:
            if s.security == "tls":
                context = ssl.create_default_context()
                self.connection = smtplib.SMTP_SSL(
                    s.server, s.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
                )
            else:
                self.connection = smtplib.SMTP(s.server, s.port, timeout=SMTP_TIMEOUT_SECONDS)
            if s.security == "starttls":
                self.connection.starttls(context=ssl.create_default_context())
            if s.username:
                self.connection.login(s.username, s.password)
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise MailConfigurationError(
                f"{s.server}:{s.port} refused the sign-in for {s.username!r}: "
                f"{_answer(error.smtp_code, error.smtp_error)}. Check ACTIONLEARNING_MAIL_USERNAME"
                " and ACTIONLEARNING_MAIL_PASSWORD; nothing was sent or dropped."
            ) from None
        except smtplib.SMTPNotSupportedError as error:
            self.close()
            raise MailConfigurationError(
                f"{s.server}:{s.port} does not offer what the settings ask for ({error}). "
                "Check ACTIONLEARNING_MAIL_SECURITY and ACTIONLEARNING_MAIL_USERNAME; "
                "nothing was sent or dropped."
            ) from None
        except (ssl.SSLError, smtplib.SMTPServerDisconnected) as error:
            self.close()
            if isinstance(error, ssl.SSLError) or s.security == "tls":
                raise MailConfigurationError(
                    f"TLS with {s.server}:{s.port} failed ({error}). Port 587 usually wants "
                    "ACTIONLEARNING_MAIL_SECURITY=starttls and 465 wants tls; "
                    "nothing was sent or dropped."
                ) from None
            raise ServerUnavailable(f"{s.server}:{s.port} closed the connection") from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise ServerUnavailable(f"could not reach {s.server}:{s.port}: {error}") from None

    def send(self, email, _message):
        try:
            refused = self.connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _failure(code, text) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise _failure(error.smtp_code, error.smtp_error) from None
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            raise ServerUnavailable(f"connection to {self.settings.server} lost: {error}") from None
        if refused:  # one recipient per message, so this is that one's refusal
            code, text = next(iter(refused.values()))
            raise _failure(code, text)

    def close(self):
        if self.connection is None:
            return
        try:
            self.connection.quit()
        except (OSError, smtplib.SMTPException):
            self.connection.close()
        self.connection = None


def _failure(code, text):
    answer = _answer(code, text)
    return PermanentFailure(answer) if 500 <= code < 600 else TemporaryFailure(answer)


class Directory:
    """The embedded default: each message becomes an .eml file (opens in Thunderbird)."""

    def __init__(self, settings):
        self.directory = Path(settings.directory)

    def open(self):
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, email, message):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = self.directory / f"{stamp}-{message['id']:06d}-{message['kind']}.eml"
        partial = path.with_suffix(".eml.part")
        with open(partial, "wb") as handle:
            handle.write(email.as_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)  # a reader never sees half a message

    def close(self):
        pass


def run(db, settings, loop=False, poll_seconds=5, stop=None, log=print):
    """send-mail: one pass, or passes until `stop` is set (SIGTERM) when loop is True.

    Returns the total counts. In a loop, an unreachable or misconfigured server is logged
    and tried again after the poll interval; once, it is raised to the caller.
    """
    stop = stop or threading.Event()
    totals = {"sent": 0, "failed": 0, "deferred": 0}
    with sender_lock(settings) as mine:
        if not mine:
            log("Another send-mail is delivering the outbox; this one has nothing to do.")
            return totals
        while True:
            # Reminders and nudges fall due with the clock, not with a change: each pass
            # queues those due now (each once), then delivers them with the rest.
            reminders.queue_due(db, settings.base_url, datetime.now(UTC), settings.reminder_days)
            retention_notices.queue_due(db, settings.base_url, datetime.now(UTC).date())
            try:
                counts = deliver(db, settings, stop)
            except (MailConfigurationError, ServerUnavailable) as error:
                if not loop:
                    raise
                log(f"send-mail: {error}")
                counts = {}
            for key, value in counts.items():
                totals[key] += value
            if counts and any(counts.values()):
                log(_summary(counts))
            if not loop or stop.wait(poll_seconds):
                return totals


def _summary(counts):
    return ", ".join(f"{value} {key}" for key, value in counts.items())
