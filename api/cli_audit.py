"""`flask --app wsgi audit verify`: walk every hash chain of the audit (case events, admin
changes, anchors, and the anchors published in a log) and report each chain's first broken link;
`audit anchor` writes the anchors now (the scheduler does it every hour). See docs/AUDIT.md."""
from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The audit's hash chains: verify them, anchor them.")


@audit_cli.command("verify")
@click.option("--page", type=click.IntRange(100, 100_000), default=5000, show_default=True,
              help="Rows read per statement.")
@click.option("--published", "logs", type=click.File(encoding="utf-8", errors="replace"), multiple=True,
              help="A log (or any text) holding the 'audit anchor …' lines the scheduler published: each of "
                   "those anchors must still be in the database with that hash.")
def verify_command(page: int, logs) -> None:
    """Exit 1 when a chain is broken, naming its first broken row; else print the counts."""
    from engine.models.audit_verify import published_in, verify_all

    started = time.perf_counter()
    published = {key: value for log in logs for key, value in published_in(log.read()).items()}
    if logs and not published:
        raise click.UsageError("no 'audit anchor …' line in the --published text")
    reports = verify_all(page=page, published=published)
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

    from engine.models.audit_verify import PUBLISHED, write_anchors

    for anchor in write_anchors(margin=timedelta(seconds=margin)):
        click.echo(PUBLISHED.format(id=anchor.id, chain=anchor.chain, last_id=anchor.last_id, rows=anchor.row_count,
                                    hash=anchor.hash))
