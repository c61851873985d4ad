"""The outbox and the sender, against a real SMTP server on loopback (tests/mail_server.py)."""

import email
import os
import signal
import subprocess
import time
from collections import Counter
from email import policy

import pytest

from actionlearning import auth, create_app
from actionlearning.db import connect, one, rows, write
from actionlearning.mail import MailError, queue_message, set_preferences

from .live import BIN, ROOT, app_env
from .mail_server import MailServer

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:meeting-1@test\r\nSEQUENCE:2\r\nDTSTAMP:20261001T090000Z\r\n"
    "DTSTART:20261020T090000Z\r\nDTEND:20261020T120000Z\r\nSUMMARY:Set meeting\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def app(mail_app):
    return mail_app


def send_mail(runner, *args):
    return runner.invoke(args=["send-mail", *args])


def queue(db, **fields):
    values = {"kind": "account", "subject": "Your sign-in link", "text": "Hello", **fields}
    with write(db):
        return queue_message(db, **values)


def outbox(db):
    return rows(db, "SELECT * FROM outbox ORDER BY id")


def test_message_commits_with_the_change_or_not_at_all(db, make_person):
    person = make_person()

    with pytest.raises(RuntimeError), write(db):
        db.execute("UPDATE people SET name = 'Changed' WHERE id = ?", [person])
        queue_message(db, person_id=person, kind="account", subject="Moved", text="Moved")
        raise RuntimeError("the change failed after queueing")

    assert outbox(db) == []
    assert auth.person(db, person)["name"] != "Changed"


def test_queued_message_arrives_parsed_without_defects(db, runner, mail_server, make_person):
    person = make_person(name='Smith, Jo "JJ" Ñúñez', email="jo.smith@example.org")
    queue(db, person_id=person, subject="Sign in\r\nBcc: everyone@example.org", text="Hello")

    result = send_mail(runner)

    assert result.exit_code == 0, result.output
    [message] = mail_server.parsed()
    assert [part.defects for part in message.walk()] == [[]]
    assert message["To"].addresses[0].display_name == 'Smith, Jo "JJ" Ñúñez'
    assert message["To"].addresses[0].addr_spec == "jo.smith@example.org"
    assert message["Subject"] == "Sign in Bcc: everyone@example.org"
    assert message["Bcc"] is None
    assert message["From"].addresses[0].addr_spec == "office@example.nhs.uk"
    assert message.get_content().strip() == "Hello"
    assert one(db, "SELECT status FROM outbox")["status"] == "sent"


def test_message_id_made_at_queue_time(db, runner, mail_server, make_person):
    outbox_id = queue(db, person_id=make_person())
    stored = one(db, "SELECT message_id FROM outbox WHERE id = ?", [outbox_id])["message_id"]

    send_mail(runner)

    [message] = mail_server.parsed()
    assert message["Message-ID"] == f"<{stored}@example.nhs.uk>"


def test_invitation_has_calendar_alternative_and_attachment(db, runner, mail_server, make_person):
    queue(
        db,
        person_id=make_person(),
        kind="invitation",
        subject="Set meeting",
        text="Set meeting on 20 October",
        html="<p>Set meeting on 20 October</p>",
        calendar=("REQUEST", ICS.encode()),
    )

    send_mail(runner)

    [message] = mail_server.parsed()
    alternative, attachment = message.iter_parts()
    types = [part.get_content_type() for part in alternative.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    calendar = list(alternative.iter_parts())[2]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content() == ICS.encode()
    assert message["List-Unsubscribe"] is None  # invitations cannot be turned off
    assert all(part.defects == [] for part in message.walk())


def test_optional_kind_carries_one_click_unsubscribe(db, runner, mail_server, make_person):
    queue(db, person_id=make_person(), kind="reminder", subject="Set meeting in 3 days")

    send_mail(runner)

    [message] = mail_server.parsed()
    assert message["List-Unsubscribe"].startswith("<http://localhost/mail/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_turned_off_kind_queues_nothing(db, make_person):
    person = make_person()
    set_preferences(db, person, enabled_kinds={"nudge"})

    reminder = queue(db, person_id=person, kind="reminder")
    nudge = queue(db, person_id=person, kind="nudge")
    invitation = queue(db, person_id=person, kind="invitation")

    assert reminder is None
    assert [row["kind"] for row in outbox(db)] == ["nudge", "invitation"]
    assert nudge is not None and invitation is not None


def test_deactivated_person_gets_nothing(db, make_person):
    person = make_person()
    auth.set_active(db, person, False)

    assert queue(db, person_id=person) is None
    assert outbox(db) == []


def test_invalid_address_is_refused(db):
    with pytest.raises(MailError):
        queue(db, to_addr="someone@example.org\r\nBcc: x@example.org")

    assert outbox(db) == []


def test_edits_to_one_meeting_send_one_message_the_latest(
    db, app, runner, mail_server, make_person
):
    person = make_person()
    first = queue(db, person_id=person, kind="invitation", subject="v1", coalesce_key="meeting:1")
    app.config["MAIL_DELAY_SECONDS"] = 120
    queue(db, person_id=person, kind="invitation", subject="v2", coalesce_key="meeting:1")

    held = send_mail(runner)
    app.config["MAIL_DELAY_SECONDS"] = 0
    send_mail(runner)

    assert held.exit_code == 0
    assert [message["Subject"] for message in mail_server.parsed()] == ["v2"]
    assert [row["id"] for row in outbox(db)] == [first]


def test_replaced_message_gets_a_new_message_id(db, make_person):
    person = make_person()
    queue(db, person_id=person, kind="invitation", subject="v1", coalesce_key="meeting:1")
    before = one(db, "SELECT message_id FROM outbox")["message_id"]

    queue(db, person_id=person, kind="invitation", subject="v2", coalesce_key="meeting:1")

    assert one(db, "SELECT message_id FROM outbox")["message_id"] != before


def test_one_connection_for_a_batch(db, runner, mail_server, make_person):
    people = [make_person() for _ in range(5)]
    for person in people:
        queue(db, person_id=person)

    send_mail(runner)

    assert len(mail_server.raw()) == 5
    assert mail_server.connections() == 1


def test_permanent_refusal_marks_failed_with_the_answer(db, runner, mail_server, make_person):
    queue(db, person_id=make_person())
    mail_server.answer = "550 5.1.1 Mailbox unavailable"

    send_mail(runner)

    row = one(db, "SELECT status, last_error, attempts FROM outbox")
    assert row == {"status": "failed", "last_error": "550 5.1.1 Mailbox unavailable", "attempts": 1}


def test_temporary_refusal_is_retried(db, runner, mail_server, make_person):
    queue(db, person_id=make_person())
    mail_server.answer = "451 4.3.0 Try again later"

    send_mail(runner)
    deferred = one(db, "SELECT status, last_error, attempts FROM outbox")
    mail_server.answer = None
    send_mail(runner)

    assert deferred == {
        "status": "queued",
        "last_error": "451 4.3.0 Try again later",
        "attempts": 1,
    }
    assert len(mail_server.raw()) == 1
    assert one(db, "SELECT status FROM outbox")["status"] == "sent"


def test_server_down_then_up_every_message_arrives_once(db, runner, mail_server, make_person):
    people = [make_person() for _ in range(3)]
    mail_server.stop()
    for index, person in enumerate(people):
        queue(db, person_id=person, kind="invitation", subject=f"Meeting {index} moved")

    down = send_mail(runner)
    mail_server.start()
    up = send_mail(runner)
    again = send_mail(runner)

    assert down.exit_code == 1
    assert "could not reach 127.0.0.1" in down.output
    assert "Queued messages stay in the outbox" in down.output
    assert up.exit_code == 0 and again.exit_code == 0
    subjects = sorted(message["Subject"] for message in mail_server.parsed())
    assert subjects == ["Meeting 0 moved", "Meeting 1 moved", "Meeting 2 moved"]


def test_unknown_security_setting_is_a_clear_message(db, app, runner, make_person):
    queue(db, person_id=make_person())
    app.config["MAIL_SECURITY"] = "ssl"

    result = send_mail(runner)

    assert result.exit_code == 1
    assert "ACTIONLEARNING_MAIL_SECURITY must be one of none, starttls, tls" in result.output
    assert one(db, "SELECT status, attempts FROM outbox") == {"status": "queued", "attempts": 0}


def test_refused_sign_in_is_a_clear_message_and_drops_nothing(tmp_path, make_person, db, app):
    guarded = MailServer(credentials=("relay", "right-password")).start()
    try:
        app.config.update(guarded.settings(MAIL_USERNAME="relay", MAIL_PASSWORD="wrong"))
        queue(db, person_id=make_person())

        result = app.test_cli_runner().invoke(args=["send-mail"])
        app.config["MAIL_PASSWORD"] = "right-password"
        fixed = app.test_cli_runner().invoke(args=["send-mail"])
    finally:
        guarded.stop()

    assert result.exit_code == 1
    assert "refused the sign-in for 'relay'" in result.output
    assert "ACTIONLEARNING_MAIL_PASSWORD" in result.output
    assert fixed.exit_code == 0, fixed.output
    assert len(guarded.raw()) == 1


def test_no_server_writes_eml_files(tmp_path, db, make_person):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE": str(tmp_path / "test.db"),
            "MAIL_DIRECTORY": str(tmp_path / "mail"),
        }
    )
    queue(db, person_id=make_person(), kind="invitation", calendar=("REQUEST", ICS))

    result = app.test_cli_runner().invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    assert f"written as .eml files in {tmp_path / 'mail'}" in result.output
    [path] = (tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert all(part.defects == [] for part in message.walk())
    assert "text/calendar" in [part.get_content_type() for part in message.walk()]


# The sender as a service, in its own process, killed as a machine or an operator would.


def start_sender(database, mail_server, *args):
    env = {**app_env(database), **mail_server.environment()}
    return subprocess.Popen(
        [str(BIN / "flask"), "--app", "actionlearning", "send-mail", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def queue_many(database, count):
    db = connect(database)
    try:
        with write(db):
            for n in range(count):
                queue_message(
                    db, to_addr=f"p{n}@example.org", kind="account", subject=f"M{n}", text="Hi"
                )
        return [row["message_id"] for row in rows(db, "SELECT message_id FROM outbox")]
    finally:
        db.conn.close()


def received_ids(mail_server):
    return Counter(message["Message-ID"].split("@")[0][1:] for message in mail_server.parsed())


def test_killed_sender_loses_nothing_and_duplicates_at_most_one(app, mail_server):
    database = app.config["DATABASE"]
    expected = queue_many(database, 60)
    mail_server.delay = 0.02
    sender = start_sender(database, mail_server, "--loop", "--poll", "0.2")
    wait_for(lambda: len(mail_server.raw()) >= 20)

    os.kill(sender.pid, signal.SIGKILL)
    sender.communicate(timeout=10)
    mail_server.delay = 0
    finish = start_sender(database, mail_server)
    output, _ = finish.communicate(timeout=60)

    assert finish.returncode == 0, output
    counts = received_ids(mail_server)
    assert set(counts) == set(expected)
    assert sum(counts.values()) - len(expected) <= 1
    db = connect(database)
    assert one(db, "SELECT count(*) AS n FROM outbox WHERE status = 'sent'")["n"] == 60
    db.conn.close()


def test_sender_service_stops_cleanly_on_sigterm(app, mail_server):
    database = app.config["DATABASE"]
    queue_many(database, 3)
    sender = start_sender(database, mail_server, "--loop", "--poll", "0.2")
    wait_for(lambda: len(mail_server.raw()) == 3)

    sender.send_signal(signal.SIGTERM)
    output, _ = sender.communicate(timeout=10)

    assert sender.returncode == 0, output
    assert "3 sent" in output


def test_second_sender_sends_no_copies(app, mail_server):
    database = app.config["DATABASE"]
    queue_many(database, 30)
    mail_server.delay = 0.02
    first = start_sender(database, mail_server, "--loop", "--poll", "0.2")
    wait_for(lambda: len(mail_server.raw()) >= 1)

    second = start_sender(database, mail_server)
    second_output, _ = second.communicate(timeout=30)
    wait_for(lambda: len(mail_server.raw()) >= 30)
    first.send_signal(signal.SIGTERM)
    first.communicate(timeout=10)

    assert "Another send-mail is delivering" in second_output
    assert sorted(received_ids(mail_server).values()) == [1] * 30
