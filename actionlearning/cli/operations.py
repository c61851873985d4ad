"""Commands of running the service: backups, replication and delivering the mail."""

import os
import sqlite3

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import audit
from ..db import get_db


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup_command(file):
    """Write a consistent copy of the live database, safe while the app runs."""
    db = get_db()
    if os.path.abspath(file) == os.path.abspath(current_app.config["DATABASE"]):
        raise click.ClickException("Write the backup to another file, not over the live database.")
    try:
        target = sqlite3.connect(file)
        try:
            with target:
                db.conn.backup(target)  # the SQLite online backup API: a consistent snapshot
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
    except sqlite3.Error as error:
        raise click.ClickException(f"Could not write the backup to {file}: {error}.") from error
    if check != "ok":
        raise click.ClickException(f"The copy failed its integrity check: {check}")
    audit.record(db, "database.backed_up", file=os.path.basename(file))
    click.echo(f"Backed up {current_app.config['DATABASE']} to {file} (integrity ok).")


@click.command("litestream-config")
@with_appcontext
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def litestream_config_command(path):
    """Write the Litestream config for ACTIONLEARNING_REPLICA_URL (instance/litestream.yml)."""
    from .. import replication

    url = current_app.config.get("REPLICA_URL")
    if not url:
        raise click.ClickException(
            "ACTIONLEARNING_REPLICA_URL is not set: there is nothing to replicate to."
        )
    path = path or os.path.join(current_app.instance_path, "litestream.yml")
    try:
        replication.write_config(path, current_app.config["DATABASE"], url)
    except replication.ReplicationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(path)


@click.command("restore-replica")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False))
def restore_replica_command(file):
    """Write the latest state of ACTIONLEARNING_REPLICA_URL to FILE (a new database); check it."""
    from .. import replication
    from ..db import connect
    from ..migrations import MIGRATIONS

    live = current_app.config["DATABASE"]
    if os.path.abspath(file) == os.path.abspath(live):
        raise click.ClickException("Restore into a new file, not over the live database.")
    url = current_app.config.get("REPLICA_URL")
    try:
        replication.restore(url, file)
        _integrity, version = replication.check_restored(file, len(MIGRATIONS))
    except replication.ReplicationError as error:
        raise click.ClickException(str(error)) from error
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

    from ..mail import sender

    try:
        settings = sender.settings_from(current_app)
    except sender.MailConfigurationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"send-mail: {sender.describe(settings)}.")
    stop = threading.Event()
    if loop:
        # systemd and make serve stop the service with SIGTERM: finish the message in hand.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    try:
        totals = sender.run(get_db(), settings, loop, poll_seconds, stop, log=click.echo)
    except (sender.MailConfigurationError, sender.ServerUnavailable) as error:
        raise click.ClickException(f"{error}. Queued messages stay in the outbox.") from error
    if not loop:
        click.echo(
            f"send-mail: {totals['sent']} sent, {totals['failed']} failed, "
            f"{totals['deferred']} to retry."
        )


COMMANDS = (
    backup_command,
    litestream_config_command,
    restore_replica_command,
    send_mail_command,
)
