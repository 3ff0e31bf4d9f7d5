"""`flask --app wsgi cases check`: does every case's blob agree with its work items, columns,
deadlines and events (engine/cases/consistency.py)? Exit 1 naming each broken rule."""
from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

cases_cli = AppGroup("cases", help="Checks over every case.")


@cases_cli.command("check")
@click.option("--limit", default=50, show_default=True, help="Problems printed at most.")
def check_command(limit: int) -> None:
    """Check every case; print `cases=N problems=M` last, each problem before it."""
    from engine.cases.consistency import check_all

    started = time.perf_counter()
    report = check_all()
    for problem in report.problems[:limit]:
        click.echo(f"PROBLEM {problem}", err=True)
    click.echo(f"checked in {time.perf_counter() - started:.1f} s")
    click.echo(f"cases={report.cases} problems={len(report.problems)}")
    if report.problems:
        sys.exit(1)
