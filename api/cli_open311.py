"""`flask --app wsgi open311 work`: a process that opens the cases of queued Open311 requests.

The scheduler's `open311_intake` job does the same once a second on the leader only; at a peak
of app and WeChat posts, run one or more of these beside it (several share the queue: each
request is taken under `FOR UPDATE SKIP LOCKED` and opened exactly once; docs/DEPLOYMENT.md)."""
from __future__ import annotations

import logging
import signal
import time
from typing import Callable

import click
from flask import current_app
from flask.cli import AppGroup

open311_cli = AppGroup("open311", help="Open311 (apps, WeChat): the intake queue.")
log = logging.getLogger("open311")


def work(app, *, idle: float, stop: Callable[[], bool]) -> int:
    """Open queued requests round after round, resting `idle` seconds after an empty round, until
    `stop()` says so (checked between rounds); returns how many cases it opened."""
    from engine.channels import open311_queue

    total = 0
    while not stop():
        with app.app_context():
            try:
                opened = open311_queue.open_queued()
            except Exception:      # the database away: the requests stay queued, try again later
                log.exception("open311 round failed; the requests stay queued")
                opened = 0
        total += opened
        if opened:
            log.info("opened %s case(s) from queued requests", opened)
        else:
            _rest(idle, stop)
    return total


def _rest(seconds: float, stop: Callable[[], bool]) -> None:
    until = time.monotonic() + seconds
    while not stop() and time.monotonic() < until:
        time.sleep(min(0.1, seconds))


@open311_cli.command("work")
@click.option("--idle", type=click.FloatRange(0.05, 60), default=0.5, show_default=True,
              help="Seconds to rest after a round that found nothing queued.")
@click.option("--once", is_flag=True, help="One round, then exit (cron, or to drain the queue by hand).")
def work_command(idle: float, once: bool) -> None:
    """Open the cases of queued Open311 requests until SIGTERM or SIGINT (the round in hand finishes)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = current_app._get_current_object()
    stopping = []
    if once:
        rounds = iter((False,))
        stop = lambda: next(rounds, True)  # noqa: E731  (exactly one round)
    else:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.append(True))
        stop = lambda: bool(stopping)  # noqa: E731
    click.echo(f"opened {work(app, idle=idle, stop=stop)} case(s)")
