"""Sending: the outbox delivered to an SMTP server on loopback (aiosmtpd in its own process,
as a relay would be, with its Sink handler), messages per second over one reused connection
(one deliver() pass; tests/test_mail.py checks it is one connection). Target: at least 100 a
second.

Each message is a meeting invitation of the real shape (text, HTML, a text/calendar part and
invite.ics) and is marked sent in its own write as soon as the server accepts it, as
`send-mail` does: the figure includes building each message and that write (synchronous=FULL).
"""

import socket
import subprocess
import sys
import time

from actionlearning.db import write
from actionlearning.mail import queue_message
from actionlearning.mail.sender import deliver, settings_from
from tests.mail_server import free_port

from . import bench_app, scratch_directory

MESSAGES = 500
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:meeting-1@bench\r\nSEQUENCE:1\r\nDTSTAMP:20261001T090000Z\r\n"
    "DTSTART:20261020T090000Z\r\nDTEND:20261020T120000Z\r\nSUMMARY:Set meeting\r\n"
    "ORGANIZER;CN=Programme office:mailto:office@example.org\r\n"
    "ATTENDEE;CN=Participant:mailto:p@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _relay():
    """aiosmtpd in a child process on a free loopback port; returns (process, port)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink"]
        + ["-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)


def _send_rate(directory):
    relay, port = _relay()
    try:
        app, db = bench_app(directory)
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="office@example.org")
        with write(db):
            for n in range(MESSAGES):
                queue_message(
                    db,
                    to_addr=f"p{n}@example.org",
                    to_name=f"Participant {n}",
                    kind="invitation",
                    subject="Set meeting, Tue 20 Oct 2026, 10:00",
                    text="You are invited to this meeting.\n" * 5,
                    html="<p>You are invited to this meeting.</p>" * 5,
                    calendar=("REQUEST", ICS),
                )
        settings = settings_from(app)
        started, cpu = time.perf_counter(), time.process_time()
        counts = deliver(db, settings)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert counts["sent"] == MESSAGES, counts
        return MESSAGES / elapsed, MESSAGES / cpu
    finally:
        relay.terminate()
        relay.wait(timeout=10)


def run():
    with scratch_directory() as directory:
        rate, per_cpu_second = _send_rate(directory)
    return [
        (
            f"send-mail to a loopback SMTP server, {MESSAGES} invitations over one connection",
            f"{rate:.0f} messages/s",
            ">= 100/s",
        ),
        (
            "the same, per second of the sender's CPU time (what an unshared core gives)",
            f"{per_cpu_second:.0f} messages/s",
            ">= 100/s",
        ),
    ]
