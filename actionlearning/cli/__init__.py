"""Command-line commands (flask --app actionlearning COMMAND): parse arguments, call domain
code. One module per area; each lists its commands in COMMANDS. A command that cannot do what
was asked raises click.ClickException: a clear message, a non-zero exit, nothing changed."""

from . import exports, operations, people, records


def init_app(app):
    for module in (people, exports, records, operations):
        for command in module.COMMANDS:
            app.cli.add_command(command)
