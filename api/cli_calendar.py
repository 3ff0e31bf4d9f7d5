"""`flask --app wsgi calendar ...`: the working-day calendar from the command line.

Changes made here run without an actor (actor=None): the operator of the server is trusted, the
audit rows show no user (see engine.deadlines.calendar).
"""
from __future__ import annotations

import sys
from datetime import date, datetime

import click
from flask.cli import AppGroup

from engine.deadlines import calendar
from engine.errors import DomainError, ValidationFailed

calendar_cli = AppGroup("calendar", help="Working-day calendar (holidays, 调休 make-up days).")
DATE = click.DateTime(formats=["%Y-%m-%d"])


@calendar_cli.command("import-library")
def import_library() -> None:
    """Fill the table from the chinesecalendar package (idempotent; admin-edited years are kept)."""
    counts = _run(calendar.import_library)
    click.echo(f"imported {counts['years']} year(s), {counts['days']} day(s) from {calendar.LIBRARY}")


# ignore_unknown_options: a negative N reaches the service and gets its message, not "no such option".
@calendar_cli.command("add-days", context_settings={"ignore_unknown_options": True})
@click.argument("start", type=DATE)
@click.argument("days", type=int)
def add_days(start: datetime, days: int) -> None:
    """Print (last line, YYYY-MM-DD) the DAYS-th working day after START, counting from the next day."""
    result = _run(calendar.working_days, start.date(), days)
    if result["provisional"]:
        click.echo("provisional: a year without a confirmed calendar was counted on the Mon-Fri rule")
    click.echo(result["date"].isoformat())


@calendar_cli.command("set")
@click.argument("day", type=DATE)
@click.argument("kind", type=click.Choice(calendar.KINDS))
@click.argument("label", default="")
@click.option("--reason", default="", help="Why (kept in the audit).")
def set_day(day: datetime, kind: str, label: str, reason: str) -> None:
    """Make DAY a workday or a holiday with LABEL (audited; effective at once)."""
    result = _run(calendar.set_day, actor=None, day=day.date(), kind=kind, label=label, reason=reason)
    click.echo(f"{day:%Y-%m-%d} {result['kind']} {result['label']}".rstrip())


@calendar_cli.command("show")
@click.argument("year", type=int)
def show(year: int) -> None:
    """The year's status, then one line per exception to the Mon-Fri rule."""
    data = _run(calendar.show_year, year)
    click.echo(f"{year} {data['status']}" + (f" (source {data['source']})" if data["source"] else " (no data)"))
    for row in data["exceptions"]:
        day: date = row["day"]
        click.echo(f"{day.isoformat()} {day:%a} {row['kind']:<8} {row['label']}".rstrip())


@calendar_cli.command("confirm")
@click.argument("year", type=int)
@click.option("--reason", default="", help="Why (kept in the audit).")
def confirm(year: int, reason: str) -> None:
    """Mark YEAR confirmed: the official schedule is entered and checked."""
    data = _run(calendar.confirm_year, actor=None, year=year, reason=reason)
    click.echo(f"{year} {data['status']}")


def _run(service, *args, **kwargs):
    """Call a service; a domain error becomes a message and exit status 1."""
    try:
        return service(*args, **kwargs)
    except ValidationFailed as exc:
        details = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in exc.errors.items())
        _fail(details or exc.message)
    except DomainError as exc:
        _fail(exc.message)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)
