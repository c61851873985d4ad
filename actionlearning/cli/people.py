"""Commands about people and accounts: create, activate and deactivate them, sign-in links,
the spreadsheet import and the demo programme."""

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import auth, programmes
from ..db import get_db
from ..programmes.people import OPERATOR


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
            raise click.ClickException(f"No organisation called '{organisation}'.")
        organisation_id = row["id"]
    if programme_id is not None and programmes.programme(db, programme_id) is None:
        raise click.ClickException(f"No programme with id {programme_id}.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        person_id = auth.create_person(db, email, name, role, organisation_id, password)
    except auth.AccountError as error:
        raise click.ClickException(str(error)) from error
    if programme_id is not None:
        programmes.add_member(db, programme_id, person_id, role)
    click.echo(f"Created {role} {auth.normalise_email(email)} (id {person_id}).")


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
    from ..mail import invitations
    from ..programmes import importer

    db = get_db()
    if programme_id is not None and programmes.programme(db, programme_id) is None:
        raise click.ClickException(f"No programme with id {programme_id}.")
    # People placed in a set or programme with meetings ahead are invited to them, as when an
    # organiser adds them on the web; rows may name any programme.
    scope = [programme_id] if programme_id is not None else programmes.programme_ids(db)
    settings = invitations.settings_for(current_app)
    try:
        with invitations.queued_for_changes(db, settings, programme_ids=scope):
            # The server's operator may place any account, whatever programme it is in.
            counts = importer.import_people(
                db, importer.decode(file.read()), programme_id, by=OPERATOR
            )
    except importer.ImportRejected as error:
        raise click.ClickException(str(error)) from error
    summary = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
    click.echo(f"Imported: {summary} added or changed.")


@click.command("reset-link")
@with_appcontext
@click.argument("email")
def reset_link_command(email):
    """Print a single-use sign-in link (7 days) for any account, organisers included."""
    db = get_db()
    person = auth.person_by_email(db, email)
    if person is None:
        raise click.ClickException(f"No account for {auth.normalise_email(email)}.")
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
        raise click.ClickException(f"No account for {auth.normalise_email(email)}.")
    auth.set_active(db, person["id"], active)
    click.echo(f"{person['email']} is now {'active' if active else 'deactivated'}.")


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
    from .. import demo

    db = get_db()
    if password is not None and len(password) < auth.MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"The password needs at least {auth.MIN_PASSWORD_LENGTH} characters."
        )
    if if_empty and db["people"].count:
        click.echo(demo.sign_in_help(db, current_app.instance_path, current_app.config["BASE_URL"]))
        return
    result = demo.load_demo(db, password, current_app.instance_path, current_app.config["BASE_URL"])
    click.echo(result)


COMMANDS = (
    create_user_command,
    import_people_command,
    reset_link_command,
    deactivate_command,
    activate_command,
    demo_command,
)
