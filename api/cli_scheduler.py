"""`flask --app wsgi scheduler run|tick`: the scheduler process (see engine/scheduler.py)."""
from __future__ import annotations

import logging
import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup

scheduler_cli = AppGroup("scheduler", help="Deadline colours, reminders, digests, SMS delivery.")


def _jobs(app: Flask, scale: float):
    from engine import scheduler
    from engine.notifications import outbox as notifications
    from engine.organisation import settings
    from engine.ports import sms_gateway_from_config

    gateway = sms_gateway_from_config(app.config)

    def deliver():
        return notifications.deliver_due(gateway=gateway)

    with app.app_context():
        recolour = float(settings.snapshot()["recolour_seconds"])
    seconds = {"recolour": recolour, "reminders": 30, "digests": 60, "deliver": 10}
    return scheduler.job_table(deliver, {k: max(v * scale, 0.2) for k, v in seconds.items()})


@scheduler_cli.command("run")
@click.option("--scale", default=1.0, show_default=True,
              help="Multiply every job interval (tests and demos run faster with e.g. 0.02).")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between attempts to become leader.")
def run(scale: float, poll: float) -> None:
    """Run the jobs while this process leads; a second scheduler waits and takes over."""
    from engine import scheduler
    from engine.db import db

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)   # one line per job run is noise
    app = current_app._get_current_object()
    with app.app_context():
        engine = db.engine
    lock_path = os.path.join(app.instance_path, "scheduler.lock")
    scheduler.run(app.app_context, engine, _jobs(app, scale), lock_path=lock_path, poll=poll)


@scheduler_cli.command("tick")
def tick() -> None:
    """Run every job once and exit (cron, or to catch up by hand)."""
    from engine import scheduler

    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
    app = current_app._get_current_object()
    scheduler.tick(app.app_context, _jobs(app, 1.0))
    click.echo("tick done")


def init_app(app: Flask) -> None:
    app.cli.add_command(scheduler_cli)
