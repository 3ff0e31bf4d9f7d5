"""`flask --app wsgi telephony simulate|run|selftest`: the ESL simulator, the worker, and their selftest."""
from __future__ import annotations

import logging
import os
import signal
import threading
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

telephony_cli = AppGroup("telephony", help="FreeSWITCH ESL: simulator, call-record worker, selftest.")


def _client_factory(host: str, port: int, password: str, **settings):
    from telephony import esl

    return lambda: esl.EslClient(esl.Settings(host=host, port=port, password=password, **settings))


@telephony_cli.command("simulate")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8021, show_default=True, help="0 picks a free port.")
@click.option("--password", default="ClueCon", show_default=True)
@click.option("--rate", default=1.0, show_default=True, help="New calls per second.")
@click.option("--calls", default=0, show_default=True, help="Calls to play, then keep listening (0: play forever).")
@click.option("--step", default=1.0, show_default=True, help="Real seconds per scenario second (smaller is faster).")
@click.option("--cdr-url", default="", help="Post each CDR here as mod_json_cdr does (e.g. http://127.0.0.1:5000/telephony/cdr).")
@click.option("--files", default="", help="Write a short WAV per recording and voicemail here (the demo's stand-in for the switch's disk).")
def simulate(host: str, port: int, password: str, rate: float, calls: int, step: float, cdr_url: str,
             files: str) -> None:
    """Run the ESL simulator for the demo: plays calls with the default mix at --rate; calls are
    offered to the agents who signed in to a seat (else to made-up extensions)."""
    from telephony import scenarios
    from telephony.simulated_outputs import CdrPoster
    from telephony.simulator import Simulator
    from telephony.worker import DEFAULT_MIX

    sink = CdrPoster(cdr_url, password=current_app.config.get("TELEPHONY_CDR_PASSWORD", "")) if cdr_url else None
    sim = Simulator(password=password, host=host, port=port, cdr_sink=sink, files_root=files or None,
                    one_call_per_agent=True).start()
    if cdr_url:   # the queues' parameters from the web, as mod_xml_curl fetches callcenter.conf
        from telephony.simulated_ivr import xml_curl_source
        sim.ivr.source = xml_curl_source(cdr_url.replace("/telephony/cdr", "/telephony/callcenter.conf"),
                                         current_app.config.get("TELEPHONY_CDR_PASSWORD", ""))
    click.echo(f"ESL simulator listening on {host}:{sim.port} (password {password})")
    # one call at a time, each in its own thread: the seat a call is offered to is chosen when the
    # call starts, so an agent who signs in gets the next call
    outcomes = scenarios.pick_outcomes(DEFAULT_MIX, calls or 10**9, seed=0)
    played = 0
    try:
        for outcome in outcomes:
            # the caller's menu key 0-3 in turn: the demo's queues (综合, 咨询, 投诉, 企业热线)
            threading.Thread(target=sim.play, args=([outcome],), kwargs={"rate": 1.0, "step": step,
                             "digits": [str(played % 4)]}, daemon=True).start()
            played += 1
            time.sleep(1.0 / rate)
        click.echo(f"played {played} calls; still listening (Ctrl-C to stop)")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sim.close()


@telephony_cli.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8021, show_default=True)
@click.option("--password", default="ClueCon", show_default=True, envvar="TELEPHONY_ESL_PASSWORD",
              help="Or TELEPHONY_ESL_PASSWORD (keeps it out of the process list).")
@click.option("--hotline-variable", default="hotline_call", show_default=True,
              help="Record only A legs with this channel variable = true (empty: every inbound leg).")
@click.option("--switch", "switch_id", default="", envvar="TELEPHONY_SWITCH_ID",
              help="This switch's id, stamped on what the worker writes; its commands name it "
                   "(or TELEPHONY_SWITCH_ID; default: HOST:PORT).")
@click.option("--default/--no-default", "default", default=None,
              help="Also take commands that name no switch and write the `live` snapshot "
                   "(default: when the switch is the first of TELEPHONY_SWITCHES, or that is empty).")
def run(host: str, port: int, password: str, hotline_variable: str, switch_id: str, default: bool | None) -> None:
    """Run the worker: call records, screen pops, agent-ID announcements, queued commands, the
    wallboard's live view and CDR reconciliation, until interrupted."""
    from engine.telephony.switch_hooks import SwitchHooks
    from telephony.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)   # a voicemail case's intake: 8 lines per task otherwise
    app = current_app._get_current_object()
    switch_id = switch_id or f"{host}:{port}"
    if default is None:
        default = is_default_switch(switch_id, os.environ.get("TELEPHONY_SWITCHES", ""))
    try:
        hooks = SwitchHooks(switch_id, default=default)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--switch") from None
    worker = Worker(_client_factory(host, port, password), hooks.store, context=app.app_context,
                    hooks=hooks, hotline_variable=hotline_variable or None).start()
    role = "default switch" if default else "switch"
    click.echo(f"telephony worker of {role} {switch_id} connected to {host}:{port}" if _wait(worker)
               else f"telephony worker of {role} {switch_id}: waiting for the switch…")
    signal.signal(signal.SIGTERM, _interrupt)    # systemd and honcho stop with SIGTERM: flush as on Ctrl-C
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        worker.stop(flush=True)


def switch_entries(text: str) -> list[tuple[str, str, int]]:
    """TELEPHONY_SWITCHES (`[ID=]HOST:PORT,…`) as (switch id, host, port); the id defaults to HOST:PORT."""
    entries = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        switch_id, _, address = item.rpartition("=")
        host, _, port = address.rpartition(":")
        entries.append((switch_id or address, host, int(port)))
    return entries


def is_default_switch(switch_id: str, switches: str) -> bool:
    """The default switch is the first of TELEPHONY_SWITCHES (or the only one when it is empty)."""
    entries = switch_entries(switches)
    return not entries or entries[0][0] == switch_id


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def _wait(worker, timeout: float = 5.0) -> bool:
    try:
        worker.client.wait_connected(timeout)
        return True
    except TimeoutError:
        return False


def selftest_run(app: Flask, count: int, rate: float = 200.0, step: float = 0.0005, grace: float = 0.3,
                 timeout: float = 60.0, drop_after: float | None = None) -> dict[str, int]:
    """Simulator + worker against the app's database, CDRs posted over HTTP to the app's own
    /telephony/cdr (served from a thread here, as mod_json_cdr would post); the summary."""
    import secrets

    from api.threaded_server import ThreadedServer
    from engine.telephony import calls
    from engine.telephony.switch_hooks import SwitchHooks
    from telephony import scenarios
    from telephony.simulated_outputs import CdrPoster
    from telephony.simulator import Simulator
    from telephony.worker import DEFAULT_MIX, Worker

    password = app.config.get("TELEPHONY_CDR_PASSWORD") or secrets.token_urlsafe(16)
    app.config["TELEPHONY_CDR_PASSWORD"] = password
    server = ThreadedServer(app)
    poster = CdrPoster(server.start() + "/telephony/cdr", password=password)
    sim = Simulator(port=0, cdr_sink=poster).start()
    worker = Worker(_client_factory("127.0.0.1", sim.port, "ClueCon", backoff=(0.05, 0.5), connect_timeout=2.0),
                    calls.record, context=app.app_context, grace=grace, hooks=SwitchHooks(None),
                    hotline_variable="hotline_call").start()
    try:
        worker.client.wait_connected(10)
        sim.wait_for_clients()
        outcomes = list(scenarios.pick_outcomes(DEFAULT_MIX, count, seed=count))
        if drop_after is not None:
            threading.Timer(drop_after, sim.drop).start()
        ids = [leg.uuid for leg in sim.play(outcomes, rate=rate, step=step)]
        _wait_recorded(app, ids, timeout)
    finally:
        worker.stop(flush=True)
        sim.close()
        server.stop()
    return {**_tally(app, ids, outcomes), "reconnects": worker.client.connections - 1,
            "reconciled": worker.reconciled, "cdrs_posted": poster.posted}


def _wait_recorded(app: Flask, ids: list[str], timeout: float) -> None:
    """Until every played call has its record, or the timeout."""
    from sqlalchemy import func, select

    from engine.db import db
    from engine.models import CallRecord

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            done = db.session.execute(select(func.count()).where(CallRecord.call_id.in_(ids))).scalar()
        if done >= len(ids):
            return
        time.sleep(0.1)


def _tally(app: Flask, ids: list[str], outcomes: list[str]) -> dict[str, int]:
    """Outcomes as recorded, and how many calls were lost, duplicated or decided wrongly."""
    from sqlalchemy import distinct, func, select

    from engine.db import db
    from engine.models import CallRecord
    from engine.telephony import calls

    with app.app_context():
        rows, found = db.session.execute(select(func.count(), func.count(distinct(CallRecord.call_id)))
                                         .where(CallRecord.call_id.in_(ids))).one()
        result = calls.summary(call_ids=ids)
        got = dict(db.session.execute(select(CallRecord.call_id, CallRecord.outcome)
                                      .where(CallRecord.call_id.in_(ids))).all())
    wrong = sum(1 for uid, outcome in zip(ids, outcomes) if uid in got and got[uid] != outcome)
    return {"calls": len(ids), **result, "lost": len(ids) - found, "duplicated": rows - found, "wrong": wrong}


@telephony_cli.command("selftest")
@click.option("--calls", "count", default=35, show_default=True, help="Calls to play (the default mix covers every outcome from 7 calls).")
@click.option("--rate", default=200.0, show_default=True, help="New calls per second.")
@click.option("--drop-after", type=float, default=None, help="Cut the ESL connection after this many seconds.")
def selftest(count: int, rate: float, drop_after: float | None) -> None:
    """Play N calls through simulator and worker into the configured database; print the summary."""
    from engine.models.call import OUTCOMES

    r = selftest_run(current_app._get_current_object(), count, rate=rate, drop_after=drop_after)
    click.echo(f"reconnects={r['reconnects']} reconciled_from_cdr={r['reconciled']} wrong_outcome={r['wrong']}")
    click.echo(f"calls={r['calls']} " + " ".join(f"{k}={r[k]}" for k in OUTCOMES)
               + f" lost={r['lost']} duplicated={r['duplicated']}")
    if r["lost"] or r["duplicated"] or r["wrong"]:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    from api.cli_self_service import self_service  # the IVR's self-service branch (outbound socket)

    telephony_cli.add_command(self_service)
    app.cli.add_command(telephony_cli)
