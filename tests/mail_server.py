"""A real SMTP server on loopback (aiosmtpd), as tests/live.py gives a real gunicorn.

    server = MailServer().start()
    ... run send-mail against server.port ...
    [message] = server.parsed()   # email.message.EmailMessage, policy.default
    server.stop()

It can be stopped and started again on the same port (the server is down for a while),
answer every message with a chosen reply (`server.answer = "451 try later"`), or take its
time over each one (`server.delay = 0.05`) so a sender can be killed mid-batch.
"""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """The aiosmtpd handler: keeps what it accepts, with the connection it came on."""

    def __init__(self):
        self.received = []  # (client address, raw bytes)
        self.answer = None
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.answer:
            return self.answer
        with self.lock:
            self.received.append((session.peer, envelope.content))
        return "250 OK"


class MailServer:
    def __init__(self, port=None, credentials=None):
        self.port = port or free_port()
        self.recorder = Recorder()
        self.credentials = credentials  # (username, password) to require a sign-in
        self.controller = None

    @property
    def answer(self):
        return self.recorder.answer

    @answer.setter
    def answer(self, value):
        self.recorder.answer = value

    @property
    def delay(self):
        return self.recorder.delay

    @delay.setter
    def delay(self, value):
        self.recorder.delay = value

    def start(self):
        options = {}
        if self.credentials:
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, ready_timeout=10, **options
        )
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        given = (auth_data.login.decode(), auth_data.password.decode())
        return AuthResult(success=given == self.credentials, handled=False)

    def raw(self):
        with self.recorder.lock:
            return [content for _peer, content in self.recorder.received]

    def connections(self):
        """How many SMTP connections delivered the messages received."""
        with self.recorder.lock:
            return len({peer for peer, _content in self.recorder.received})

    def parsed(self):
        """Each message received, parsed as a mail client would (policy.default)."""
        return [message_from_bytes(raw, policy=policy.default) for raw in self.raw()]

    def settings(self, **extra):
        """The app configuration that points send-mail at this server."""
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_SECURITY": "none",
            "MAIL_FROM": "Programme Office <office@example.nhs.uk>",
            "MAIL_DELAY_SECONDS": 0,
            "MAIL_RETRY_SECONDS": 0,
            **extra,
        }

    def environment(self, **extra):
        """The same settings as ACTIONLEARNING_* environment variables, for a subprocess."""
        return {
            f"ACTIONLEARNING_{key}": str(value) for key, value in self.settings(**extra).items()
        }
