"""Shared helpers: a simulator plus a connected client, and event collection with deadlines."""
from __future__ import annotations

import contextlib
import queue
import time
from typing import Callable, Iterator

from telephony import esl, protocol
from telephony.simulator import Simulator


@contextlib.contextmanager
def running(sim: Simulator | None = None, **settings) -> Iterator[tuple[Simulator, esl.EslClient]]:
    """A started simulator and a client connected to it; both stopped afterwards."""
    sim = (sim or Simulator()).start()
    options = {"port": sim.port, "backoff": (0.05, 0.2), "connect_timeout": 1.0, "send_timeout": 2.0, **settings}
    client = esl.EslClient(esl.Settings(**options)).start()
    try:
        yield sim, client
    finally:
        client.stop()
        sim.close()


def collect(client: esl.EslClient, until: Callable[[list[protocol.Event]], bool],
            timeout: float = 5.0) -> list[protocol.Event]:
    """Events from the client's queue until `until(events)` holds; AssertionError on timeout."""
    events: list[protocol.Event] = []
    deadline = time.monotonic() + timeout
    while not until(events):
        left = deadline - time.monotonic()
        assert left > 0, f"timed out; got {[e.name for e in events]}"
        with contextlib.suppress(queue.Empty):
            events.append(client.events.get(timeout=min(left, 0.1)))
    return events


def named(events: list[protocol.Event], name: str) -> list[protocol.Event]:
    """The events with this name (Event-Subclass for CUSTOM)."""
    return [e for e in events if e.name == name]


@contextlib.contextmanager
def switch_with_worker(app, live_server: str, *, conf_over_http: bool = False, announcer=None, **worker_options):
    """The simulator, posting CDRs to the live server (and, with `conf_over_http`, fetching
    callcenter.conf from it as mod_xml_curl does) + a connected worker with the engine's hooks
    (a worker without a switch id); both stopped afterwards."""
    from engine.telephony import calls
    from engine.telephony.switch_hooks import SwitchHooks
    from telephony.simulated_ivr import xml_curl_source
    from telephony.simulated_outputs import CdrPoster
    from telephony.worker import Worker
    from tests.conftest import CDR_PASSWORD

    sim = Simulator(cdr_sink=CdrPoster(live_server + "/telephony/cdr", password=CDR_PASSWORD)).start()
    if conf_over_http:
        sim.ivr.source = xml_curl_source(live_server + "/telephony/callcenter.conf", CDR_PASSWORD)
    factory = lambda: esl.EslClient(esl.Settings(port=sim.port, backoff=(0.05, 0.2), connect_timeout=1.0))  # noqa: E731
    worker = Worker(factory, calls.record, context=app.app_context, grace=0.3, hooks=SwitchHooks(None),
                    **worker_options)
    if announcer is not None:
        worker.queue_announcer = announcer
    worker.start()
    try:
        worker.client.wait_connected(5)
        sim.wait_for_clients()
        yield sim, worker
    finally:
        worker.stop()
        sim.close()

