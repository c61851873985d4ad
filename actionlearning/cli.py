"""Command-line commands (flask --app actionlearning COMMAND): parse arguments, call domain code."""

import os
import sqlite3
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from . import audit, auth, programmes
from .db import get_db


def init_app(app):
    for command in (
        create_user_command,
        demo_command,
        reset_link_command,
        deactivate_command,
        activate_command,
        backup_command,
        feed_url_command,
        export_case_studies_command,
        import_people_command,
        export_journal_command,
        send_mail_command,
        audit_command,
        erase_person_command,
        apply_retention_command,
        litestream_config_command,
        restore_replica_command,
    ):
        app.cli.add_command(command)


def fail(message):
    """Stop a command with a clear message and a non-zero exit; nothing was changed."""
    raise click.ClickException(message)


@click.command("import-people")
@with_appcontext
@click.argument("file", type=click.File("rb"))
@click.option(
    "--programme",
    "programme_id",
    type=int,
    default=None,
    help="Import into this programme (otherwise each row names its programme).",
)
def import_people_command(file, programme_id):
    """Add organisations, people and pairs from a CSV; a bad file changes nothing."""
    from .mail import invitations
    from .programmes import importer

    db = get_db()
    if programme_id is not None and programmes.programme(db, programme_id) is None:
        fail(f"No programme with id {programme_id}.")
    # People placed in a set or programme with meetings ahead are invited to them, as when an
    # organiser adds them on the web; rows may name any programme.
    scope = [programme_id] if programme_id is not None else programmes.programme_ids(db)
    settings = invitations.settings_for(current_app)
    try:
        with invitations.queued_for_changes(db, settings, programme_ids=scope):
            # The server's operator may place any account, whatever programme it is in.
            counts = importer.import_people(
                db, importer.decode(file.read()), programme_id, by=programmes.OPERATOR
            )
    except importer.ImportRejected as error:
        fail(str(error))
    summary = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
    click.echo(f"Imported: {summary} added or changed.")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", type=click.Choice(auth.ROLES), default="participant", show_default=True)
@click.option("--organisation", default=None, help="Organisation name (must exist).")
@click.option(
    "--programme",
    "programme_id",
    type=int,
    default=None,
    help="Also add the person to this programme with the same role.",
)
@click.option("--password", default=None, help="Prompted for when not given.")
def create_user_command(email, name, role, organisation, programme_id, password):
    """Add an account."""
    db = get_db()
    organisation_id = None
    if organisation:
        row = programmes.organisation_by_name(db, organisation)
        if row is None:
            fail(f"No organisation called '{organisation}'.")
        organisation_id = row["id"]
    if programme_id is not None and programmes.programme(db, programme_id) is None:
        fail(f"No programme with id {programme_id}.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        person_id = auth.create_person(db, email, name, role, organisation_id, password)
    except auth.AccountError as error:
        fail(str(error))
    if programme_id is not None:
        programmes.add_member(db, programme_id, person_id, role)
    click.echo(f"Created {role} {auth.normalise_email(email)} (id {person_id}).")


@click.command("demo")
@with_appcontext
@click.option(
    "--password",
    default=None,
    help="Password for every demo account (default: a random one, printed).",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load only into a database with no people yet (used by make run).",
)
def demo_command(password, if_empty):
    """Load the demo programme when it is not there yet."""
    from . import demo

    db = get_db()
    if password is not None and len(password) < auth.MIN_PASSWORD_LENGTH:
        fail(f"The password needs at least {auth.MIN_PASSWORD_LENGTH} characters.")
    if if_empty and db["people"].count:
        click.echo(demo.sign_in_help(db, current_app.instance_path, current_app.config["BASE_URL"]))
        return
    result = demo.load_demo(db, password, current_app.instance_path, current_app.config["BASE_URL"])
    click.echo(result)


@click.command("reset-link")
@with_appcontext
@click.argument("email")
def reset_link_command(email):
    """Print a single-use sign-in link (7 days) for any account, organisers included."""
    db = get_db()
    person = auth.person_by_email(db, email)
    if person is None:
        fail(f"No account for {auth.normalise_email(email)}.")
    purpose = "reset" if person["password_hash"] else "invite"
    token = auth.create_account_link(db, person["id"], purpose)
    click.echo(f"{current_app.config['BASE_URL']}/account/link/{token}")


@click.command("deactivate")
@with_appcontext
@click.argument("email")
def deactivate_command(email):
    """Deactivate an account and sign it out everywhere; what it saved stays."""
    _set_active(email, False)


@click.command("activate")
@with_appcontext
@click.argument("email")
def activate_command(email):
    """Let a deactivated account sign in again."""
    _set_active(email, True)


def _set_active(email, active):
    db = get_db()
    person = auth.person_by_email(db, email)
    if person is None:
        fail(f"No account for {auth.normalise_email(email)}.")
    auth.set_active(db, person["id"], active)
    click.echo(f"{person['email']} is now {'active' if active else 'deactivated'}.")


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup_command(file):
    """Write a consistent copy of the live database, safe while the app runs."""
    db = get_db()
    if os.path.abspath(file) == os.path.abspath(current_app.config["DATABASE"]):
        fail("Write the backup to another file, not over the live database.")
    try:
        target = sqlite3.connect(file)
        try:
            with target:
                db.conn.backup(target)  # the SQLite online backup API: a consistent snapshot
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
    except sqlite3.Error as error:
        fail(f"Could not write the backup to {file}: {error}.")
    if check != "ok":
        fail(f"The copy failed its integrity check: {check}")
    audit.record(db, "database.backed_up", file=os.path.basename(file))
    click.echo(f"Backed up {current_app.config['DATABASE']} to {file} (integrity ok).")


@click.command("feed-url")
@click.argument("email", required=False)
@click.option("--set", "learning_set_id", type=int, default=None, help="A learning set's feed.")
@click.option("--programme", "programme_id", type=int, default=None, help="A programme's feed.")
@with_appcontext
def feed_url_command(email, learning_set_id, programme_id):
    """Print a person's calendar feed URL (or a set's or programme's)."""
    from . import feeds

    db = get_db()
    if learning_set_id is not None:
        scope, subject_id, missing = (
            "s",
            learning_set_id,
            f"No learning set with id {learning_set_id}.",
        )
    elif programme_id is not None:
        scope, subject_id, missing = "g", programme_id, f"No programme with id {programme_id}."
    elif email:
        row = auth.person_by_email(db, email)
        if row is None:
            fail(f"No account for {email}.")
        if not row["is_active"]:
            fail(f"The account for {email} is deactivated: its feeds answer 404.")
        scope, subject_id, missing = "p", row["id"], f"No account for {email}."
    else:
        fail("Give an e-mail address, --set ID or --programme ID.")
    token = feeds.feed_token(db, current_app.config["SECRET_KEY"], scope, subject_id)
    if token is None:
        fail(missing)
    click.echo(feeds.feed_urls(current_app.config["BASE_URL"], token)["https"])


PROGRESS_THRESHOLD = 20  # case studies; fewer are written before a bar would be drawn


def _progress(items):
    """Show a progress bar while a large programme's case studies are written."""
    if len(items) <= PROGRESS_THRESHOLD:
        yield from items
        return
    with click.progressbar(items, label="Writing case studies", file=sys.stderr) as bar:
        yield from bar


@click.command("export-case-studies")
@with_appcontext
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write into (created when missing).",
)
@click.option(
    "--programme",
    "programme_id",
    type=int,
    default=None,
    help="Programme id (needed when there are several).",
)
@click.option(
    "--status",
    type=click.Choice(["approved", "all"]),
    default="approved",
    show_default=True,
    help="Which case studies get a file of their own; the pack holds the approved ones.",
)
@click.option(
    "--zip",
    "zip_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the files into this zip.",
)
def export_case_studies_command(out_dir, programme_id, status, zip_path):
    """Write one Markdown file per case study and conference-pack.md."""
    from .casestudies import export

    try:
        result = export.write_export(get_db(), out_dir, programme_id, status, zip_path, _progress)
    except (export.ExportError, OSError) as error:
        fail(str(error))
    click.echo(f"Wrote {result['case_studies']} case studies and {export.PACK_FILE} to {out_dir}.")
    if zip_path:
        click.echo(f"Wrote {zip_path}.")


@click.command("export-journal")
@with_appcontext
@click.argument("email")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Zip file.")
def export_journal_command(email, out):
    """Write a person's own journal (journal.md and journal.json) to a zip, as they would
    download it: only the entries they wrote, never anyone else's."""
    from .journal.export import journal_export_zip

    db = get_db()
    row = auth.person_by_email(db, email)
    if row is None:
        fail(f"No account for {email}.")
    data = journal_export_zip(db, row["id"], row["name"])
    with open(out, "wb") as f:
        f.write(data)
    click.echo(f"Wrote the journal of {row['email']} to {out}.")


@click.command("send-mail")
@with_appcontext
@click.option("--loop", is_flag=True, help="Keep delivering, as a service, until stopped.")
@click.option(
    "--poll",
    "poll_seconds",
    type=float,
    default=5.0,
    show_default=True,
    help="With --loop: seconds between passes.",
)
def send_mail_command(loop, poll_seconds):
    """Deliver what the outbox holds (SMTP, or .eml files when no server is set)."""
    import signal
    import threading

    from .mail import sender

    try:
        settings = sender.settings_from(current_app)
    except sender.MailConfigurationError as error:
        fail(str(error))
    click.echo(f"send-mail: {sender.describe(settings)}.")
    stop = threading.Event()
    if loop:
        # systemd and make serve stop the service with SIGTERM: finish the message in hand.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    try:
        totals = sender.run(get_db(), settings, loop, poll_seconds, stop, log=click.echo)
    except (sender.MailConfigurationError, sender.ServerUnavailable) as error:
        fail(f"{error}. Queued messages stay in the outbox.")
    if not loop:
        click.echo(
            f"send-mail: {totals['sent']} sent, {totals['failed']} failed, "
            f"{totals['deferred']} to retry."
        )


@click.command("audit")
@with_appcontext
@click.option("--programme", "programme_id", type=int, default=None, help="Only this programme.")
@click.option("--person", "email", default=None, help="Only events by or about this person.")
def audit_command(programme_id, email):
    """Print the audit log, oldest first, one event a line: when, who, what, about whom."""
    db = get_db()
    person_id = None
    if programme_id is not None and programmes.programme(db, programme_id) is None:
        fail(f"No programme with id {programme_id}.")
    if email is not None:
        row = auth.person_by_email(db, email)
        if row is None:
            fail(f"No account for {auth.normalise_email(email)}.")
        person_id = row["id"]
    for event in reversed(audit.all_events(db, programme_id, person_id)):
        click.echo(audit.event_line(event))


@click.command("erase-person")
@with_appcontext
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask first.")
def erase_person_command(email, yes):
    """Erase a person and everything they wrote, everywhere (right to erasure)."""
    from . import governance

    db = get_db()
    row = auth.person_by_email(db, email)
    if row is None:
        fail(f"No account for {auth.normalise_email(email)}: nothing was erased.")
    summary = governance.erasure_summary(db, row["id"])
    listed = ", ".join(f"{n} {label}" for label, n in summary.items())
    click.echo(f"{row['name']} <{row['email']}>: {listed}.")
    if not yes:
        click.confirm("Erase this person and all of it? This cannot be undone", abort=True)
    governance.erase_person(db, row["id"])
    if not governance.wipe_free_space(db):
        click.echo(
            "The app holds the write-ahead log open, so old copies may stay in it until its "
            "next checkpoint: run `flask erase-person` again later or restart the app."
        )
    click.echo(
        "Erased. Replicas and backups still hold the person until they are replaced: "
        "Litestream drops them after its retention period; delete older backup files."
    )


@click.command("apply-retention")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; delete nothing.")
@click.option("--programme", "programme_id", type=int, default=None, help="Only this programme.")
def apply_retention_command(dry_run, programme_id):
    """Delete the journals of programmes whose retention period has run out."""
    from datetime import UTC, datetime

    from . import retention

    db = get_db()
    today = datetime.now(UTC).date()
    try:
        if dry_run:
            if programme_id is not None:
                retention.check_retention_programme(db, programme_id)
            plan = retention.retention_plan(db, today, programme_id)
        else:
            plan = retention.apply_retention(db, today, programme_id)
    except retention.RetentionError as error:
        fail(str(error))
    verb = "would delete" if dry_run else "deleted"
    for item in plan:
        if item["delete_on"] is None:
            click.echo(f"{item['name']} ({item['id']}): no end date, so nothing is deleted.")
        elif item["due"]:
            click.echo(
                f"{item['name']} ({item['id']}): retention ended {item['delete_on']}; {verb} "
                f"{item['entries']} journal entries by {item['authors']} people "
                "(those who chose to keep their journal keep it)."
            )
        else:
            click.echo(
                f"{item['name']} ({item['id']}): journals are kept until {item['delete_on']}."
            )


@click.command("litestream-config")
@with_appcontext
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def litestream_config_command(path):
    """Write the Litestream config for ACTIONLEARNING_REPLICA_URL (instance/litestream.yml)."""
    from . import replication

    url = current_app.config.get("REPLICA_URL")
    if not url:
        fail("ACTIONLEARNING_REPLICA_URL is not set: there is nothing to replicate to.")
    path = path or os.path.join(current_app.instance_path, "litestream.yml")
    try:
        replication.write_config(path, current_app.config["DATABASE"], url)
    except replication.ReplicationError as error:
        fail(str(error))
    click.echo(path)


@click.command("restore-replica")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False))
def restore_replica_command(file):
    """Write the latest state of ACTIONLEARNING_REPLICA_URL to FILE (a new database); check it."""
    from . import replication
    from .db import connect
    from .migrations import MIGRATIONS

    live = current_app.config["DATABASE"]
    if os.path.abspath(file) == os.path.abspath(live):
        fail("Restore into a new file, not over the live database.")
    url = current_app.config.get("REPLICA_URL")
    try:
        replication.restore(url, file)
        _integrity, version = replication.check_restored(file, len(MIGRATIONS))
    except replication.ReplicationError as error:
        fail(str(error))
    restored = connect(file)
    try:
        audit.record(restored, "database.restored", replica=url.split(":", 1)[0])
    finally:
        restored.conn.close()
    schema = (
        "its schema is current"
        if version == len(MIGRATIONS)
        else f"its schema (version {version} of {len(MIGRATIONS)}) is migrated when the app starts"
    )
    click.echo(
        f"Restored {url} to {file}: integrity ok, {schema}.\n"
        "Next: stop the app (and Litestream with it), move the damaged database aside with its "
        f"-wal and -shm files, move {file} to {live}, then start the app again with "
        "`make serve`; Litestream carries on replicating from the restored file."
    )
