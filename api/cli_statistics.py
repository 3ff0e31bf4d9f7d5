"""`flask --app wsgi statistics rollup`: fill the statistics' daily rollup by hand (history after
an import or a bench's generated data; the scheduler keeps the recent days itself)."""
from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask.cli import AppGroup

statistics_cli = AppGroup("statistics", help="Statistics: the daily rollup of the KPIs.")
DATE = click.DateTime(formats=["%Y-%m-%d"])
CHUNK_DAYS = 31     # one transaction per month or so: a year of a city's rows is not held at once


@statistics_cli.command("rollup")
@click.option("--from", "start", type=DATE, default=None, help="First Shanghai day (default: statistics.rollup_days ago).")
@click.option("--to", "end", type=DATE, default=None, help="Last Shanghai day (default and at most: yesterday).")
def rollup_command(start: datetime | None, end: datetime | None) -> None:
    """Rewrite the rollup rows of the days FROM..TO, a month per transaction."""
    from engine.organisation import settings
    from engine.statistics import rolled, rollup

    yesterday = rolled.today() - timedelta(days=1)
    last = min(end.date(), yesterday) if end else yesterday
    first = start.date() if start else yesterday - timedelta(
        days=int(settings.snapshot()[rollup.DAYS_PARAMETER]) - 1)
    if first > last:
        raise click.UsageError("--from must not be after --to (nor after yesterday)")
    day, rows = first, 0
    while day <= last:
        chunk_end = min(day + timedelta(days=CHUNK_DAYS - 1), last)
        written = rollup.refresh(day, chunk_end)
        rows += written
        click.echo(f"{day.isoformat()}..{chunk_end.isoformat()}: {written} rows")
        day = chunk_end + timedelta(days=1)
    click.echo(f"rollup {first.isoformat()}..{last.isoformat()}: {rows} rows")
