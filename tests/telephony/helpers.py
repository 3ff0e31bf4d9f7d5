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
