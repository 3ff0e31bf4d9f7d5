"""Command-line interface: `flask --app wsgi seed|users|workflows ...`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from engine import demo
from engine.errors import DefinitionInvalid, DomainError, ValidationFailed
from engine.organisation import directory as org
from engine.processes import version_forms, versions as processes

seed_cli = AppGroup("seed", help="Demo data.")
users_cli = AppGroup("users", help="Users and API tokens.")
token_cli = AppGroup("token", help="Bearer tokens for the REST API.")
workflows_cli = AppGroup("workflows", help="Process definitions (BPMN).")
users_cli.add_command(token_cli)


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
@click.option("--no-cases", is_flag=True, help="Organisation and process only, no demo cases.")
def seed_demo(if_empty: bool, no_cases: bool) -> None:
    """Create the demo city: departments, users (printed with their logins), process, cases."""
    if demo.is_seeded():
        if if_empty:
            click.echo("database already has data; demo seed skipped")
            return
        _fail("database already has data; the demo seed needs an empty database")
    logins = demo.seed(with_cases=not no_cases)
    click.echo(f"{'login':<16} {'password':<10} {'roles':<14} department")
    for login, password, roles, dept in logins:
        click.echo(f"{login:<16} {password:<10} {roles:<14} {dept}")
    click.echo(f"demo city created: {len(logins)} users")


@token_cli.command("create")
@click.argument("username")
@click.option("--label", default="cli", help="What the token is for.")
def token_create(username: str, label: str) -> None:
    """Print a new bearer token for USERNAME (last line of the output)."""
    try:
        token = org.create_token(username=username, label=label)
    except DomainError as exc:
        _fail(exc.message)
    click.echo(f"token for {username} (keep it secret; it is shown once):")
    click.echo(token)


@token_cli.command("revoke")
@click.argument("username")
def token_revoke(username: str) -> None:
    """Revoke every token of USERNAME."""
    try:
        count = org.revoke_tokens(username=username)
    except DomainError as exc:
        _fail(exc.message)
    click.echo(f"revoked {count} token(s) of {username}")


@workflows_cli.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--forms", "forms_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The form definitions (JSON or YAML) the version's new user tasks use.")
@click.option("--draft", is_flag=True, help="Store it as a draft instead of publishing it.")
def workflows_load(path: Path, forms_path: Path | None, draft: bool) -> None:
    """Validate PATH and store it as a new immutable process version, published unless --draft."""
    if not path.exists():
        _fail(f"{path}: no such file")
    try:
        forms = version_forms.parse_source(forms_path.read_bytes()) if forms_path else None
        version = processes.load_version(xml=path.read_bytes(), publish=not draft, forms=forms)
    except DefinitionInvalid as exc:
        click.echo(f"{path}: refused", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    except ValidationFailed as exc:
        click.echo(f"{forms_path}: refused", err=True)
        for where, problems in exc.errors.items():
            click.echo(f"  - {where}: {'; '.join(str(p) for p in problems)}", err=True)
        sys.exit(1)
    click.echo(f"{version.process_id} version {version.version} (id {version.id}, sha256 {version.sha256[:12]}, "
               f"{version.state})")


@workflows_cli.command("list")
def workflows_list() -> None:
    """List stored process versions."""
    for v in processes.list_versions():
        click.echo(f"{v.process_id:<20} v{v.version:<4} id={v.id:<4} {v.created_at:%Y-%m-%d %H:%M} {v.sha256[:12]} {v.state}")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def init_app(app: Flask) -> None:
    from api.cli_calendar import calendar_cli
    from api.cli_print import print_document
    from api.cli_statistics import statistics_cli
    for group in (seed_cli, users_cli, workflows_cli, calendar_cli, print_document, statistics_cli):
        app.cli.add_command(group)
    from api.cli_audit import audit_cli  # the audit's hash chains (issue 16)
    app.cli.add_command(audit_cli)
    from api.cli_cases_check import cases_cli  # blob, work items, deadlines, events agree (issue 16)
    app.cli.add_command(cases_cli)
    from api.cli_open311 import open311_cli  # more openers of the Open311 queue (issue 16)
    app.cli.add_command(open311_cli)
