"""`flask --app wsgi audit verify`: walk every hash chain of the audit (case events, admin
changes, anchors) and report each chain's first broken link; `audit anchor` writes the anchors
now (the scheduler does it every hour). See docs/AUDIT.md."""
from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The audit's hash chains: verify them, anchor them.")


@audit_cli.command("verify")
@click.option("--page", type=click.IntRange(100, 100_000), default=5000, show_default=True,
              help="Rows read per statement.")
def verify_command(page: int) -> None:
    """Exit 1 when a chain is broken, naming its first broken row; else print the counts."""
    from engine.models.audit_verify import verify_all

    started = time.perf_counter()
    reports = verify_all(page=page)
    broken = [found for report in reports for found in report.breaks]
    for report in reports:
        state = f"{len(report.breaks)} broken" if report.breaks else "ok"
        click.echo(f"{report.table}: {report.chains} chains, {report.rows} rows, {state}")
    for found in broken:
        click.echo(f"BROKEN {found}", err=True)
    click.echo(f"verified in {time.perf_counter() - started:.1f} s")
    if broken:
        sys.exit(1)


@audit_cli.command("anchor")
@click.option("--margin", type=click.IntRange(0), default=600, show_default=True,
              help="Anchor only rows at least this many seconds old.")
def anchor_command(margin: int) -> None:
    """Write the anchors of the rows since the last ones."""
    from datetime import timedelta

    from engine.models.audit_verify import write_anchors

    for anchor in write_anchors(margin=timedelta(seconds=margin)):
        click.echo(f"anchor {anchor.id}: {anchor.chain} up to id {anchor.last_id}, {anchor.row_count} rows")
