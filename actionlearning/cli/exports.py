"""Commands that hand data out: a calendar feed's URL, the case studies and a person's journal."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import auth
from ..db import get_db


@click.command("feed-url")
@click.argument("email", required=False)
@click.option("--set", "learning_set_id", type=int, default=None, help="A learning set's feed.")
@click.option("--programme", "programme_id", type=int, default=None, help="A programme's feed.")
@with_appcontext
def feed_url_command(email, learning_set_id, programme_id):
    """Print a person's calendar feed URL (or a set's or programme's)."""
    from .. import feeds

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
            raise click.ClickException(f"No account for {email}.")
        if not row["is_active"]:
            raise click.ClickException(
                f"The account for {email} is deactivated: its feeds answer 404."
            )
        scope, subject_id, missing = "p", row["id"], f"No account for {email}."
    else:
        raise click.ClickException("Give an e-mail address, --set ID or --programme ID.")
    token = feeds.feed_token(db, current_app.config["SECRET_KEY"], scope, subject_id)
    if token is None:
        raise click.ClickException(missing)
    click.echo(feeds.feed_urls(current_app.config["BASE_URL"], token)["https"])


PROGRESS_THRESHOLD = 20  # case studies; fewer are written before a bar would be drawn


def _progress(items):
    """Show a progress bar while a large programme's case studies are written."""
    if len(items) <= PROGRESS_THRESHOLD:
        yield from items
        return
    with click.progressbar(items, label="Writing case studies", file=sys.stderr) as bar:
        yield from bar


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
    from ..casestudies import export

    try:
        result = export.write_export(get_db(), out_dir, programme_id, status, zip_path, _progress)
    except (export.ExportError, OSError) as error:
        raise click.ClickException(str(error)) from error
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
    from ..journal.export import journal_export_zip

    db = get_db()
    row = auth.person_by_email(db, email)
    if row is None:
        raise click.ClickException(f"No account for {email}.")
    data = journal_export_zip(db, row["id"], row["name"])
    with open(out, "wb") as f:
        f.write(data)
    click.echo(f"Wrote the journal of {row['email']} to {out}.")


COMMANDS = (
    feed_url_command,
    export_case_studies_command,
    export_journal_command,
)
