"""Commands of data protection: the audit log, erasure and the retention of journals."""

import click
from flask.cli import with_appcontext

from .. import audit, auth, programmes
from ..db import get_db


@click.command("audit")
@with_appcontext
@click.option("--programme", "programme_id", type=int, default=None, help="Only this programme.")
@click.option("--person", "email", default=None, help="Only events by or about this person.")
def audit_command(programme_id, email):
    """Print the audit log, oldest first, one event a line: when, who, what, about whom."""
    db = get_db()
    person_id = None
    if programme_id is not None and programmes.programme(db, programme_id) is None:
        raise click.ClickException(f"No programme with id {programme_id}.")
    if email is not None:
        row = auth.person_by_email(db, email)
        if row is None:
            raise click.ClickException(f"No account for {auth.normalise_email(email)}.")
        person_id = row["id"]
    for event in reversed(audit.all_events(db, programme_id, person_id)):
        click.echo(audit.event_line(event))


@click.command("erase-person")
@with_appcontext
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask first.")
def erase_person_command(email, yes):
    """Erase a person and everything they wrote, everywhere (right to erasure)."""
    from .. import governance

    db = get_db()
    row = auth.person_by_email(db, email)
    if row is None:
        raise click.ClickException(
            f"No account for {auth.normalise_email(email)}: nothing was erased."
        )
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

    from .. import retention

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
        raise click.ClickException(str(error)) from error
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


COMMANDS = (
    audit_command,
    erase_person_command,
    apply_retention_command,
)
