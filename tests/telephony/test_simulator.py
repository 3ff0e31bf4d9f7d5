"""The simulator speaks the inbound protocol over TCP: auth, subscriptions, filters, api, exit."""
from __future__ import annotations

import socket

import pytest

from telephony import protocol, scenarios
from telephony.simulator import Simulator

pytestmark = pytest.mark.timeout(30)


class RawClient:
    """A bare socket client, to see exactly what the simulator puts on the wire."""

    def __init__(self, sim: Simulator) -> None:
        self.sock = socket.create_connection(("127.0.0.1", sim.port), timeout=5)
        self.reader = self.sock.makefile("rb")

    def read(self) -> protocol.Message:
        return protocol.read_message(self.reader)

    def command(self, line: str) -> protocol.Message:
        self.sock.sendall(protocol.encode_command(line))
        return self.read()


@pytest.fixture
def sim():
    simulator = Simulator().start()
    yield simulator
    simulator.close()


def login(sim: Simulator) -> RawClient:
    client = RawClient(sim)
    assert client.read().content_type == "auth/request"
    assert client.command("auth ClueCon").headers["Reply-Text"] == "+OK accepted"
    return client


def test_wrong_password_gets_err_and_disconnect_notice(sim):
    client = RawClient(sim)
    client.read()
    assert client.command("auth nope").headers["Reply-Text"] == "-ERR invalid"
    assert client.read().content_type == "text/disconnect-notice"


def test_exit_says_bye_then_disconnect_notice(sim):
    client = login(sim)
    assert client.command("exit").headers["Reply-Text"] == "+OK bye"
    notice = client.read()
    assert notice.content_type == "text/disconnect-notice" and "goodbye" in notice.body
    with pytest.raises(protocol.ConnectionClosed):
        client.read()


def test_plain_subscription_and_whitelist_filter(sim):
    client = login(sim)
    assert client.command("event plain CHANNEL_CREATE CUSTOM callcenter::info").headers["Reply-Text"].startswith("+OK")
    assert client.command("filter Unique-ID keep").headers["Reply-Text"].startswith("+OK")
    sim.emit([("Event-Name", "CHANNEL_CREATE"), ("Unique-ID", "drop")])
    sim.emit([("Event-Name", "CHANNEL_ANSWER"), ("Unique-ID", "keep")])  # not subscribed
    sim.emit([("Event-Name", "CUSTOM"), ("Event-Subclass", "callcenter::info"), ("CC-Action", "agent-offering")])
    sim.emit([("Event-Name", "CHANNEL_CREATE"), ("Unique-ID", "keep")])
    message = client.read()
    assert message.content_type == "text/event-plain"
    assert protocol.decode_event(message).get("Unique-ID") == "keep"


def test_api_and_bgapi_with_background_job(sim):
    client = login(sim)
    client.command("event json BACKGROUND_JOB")
    assert client.command("api status").body.startswith("UP")
    reply = client.command("bgapi originate {origination_uuid=o-1}user/1001 &park()")
    assert reply.headers["Reply-Text"] == f"+OK Job-UUID: {reply.headers['Job-UUID']}"
    event = protocol.decode_event(client.read())
    assert event.name == "BACKGROUND_JOB" and event.get("Job-UUID") == reply.headers["Job-UUID"]
    assert event.body == "+OK o-1\n"


def test_uuid_broadcast_reaches_only_live_calls(sim):
    client = login(sim)
    sim.play(["answered"], rate=100, step=0.0)
    assert client.command("api uuid_broadcast gone x.wav aleg").body.startswith("-ERR")
    sim._track([("Event-Name", "CHANNEL_CREATE"), ("Unique-ID", "live-1"), ("Call-Direction", "inbound")])
    assert client.command("api uuid_broadcast live-1 agent_1001.wav aleg").body == "+OK Message queued\n"
    assert '"live-1"' in client.command("api show channels as json").body


@pytest.mark.parametrize("outcome", scenarios.OUTCOMES)
def test_each_scenario_follows_the_notes_and_ends_with_a_hangup_complete(outcome):
    a, steps = scenarios.build_call(outcome, 1_700_000_000.0, "core")
    names = [dict(h).get("CC-Action") or dict(h)["Event-Name"] for _, h, _ in steps]
    assert names[0] == "CHANNEL_CREATE"
    a_complete = [dict(h) for _, h, _ in steps
                  if dict(h)["Event-Name"] == "CHANNEL_HANGUP_COMPLETE" and dict(h)["Unique-ID"] == a.uuid]
    assert len(a_complete) == 1
    if outcome == "answered":
        assert names.index("agent-offering") < names.index("bridge-agent-start") < names.index("CHANNEL_BRIDGE")
        assert names.index("member-queue-end") < names.index("CHANNEL_HANGUP_COMPLETE")


def test_play_mixes_outcomes_at_a_rate_and_drop_cuts_mid_call(sim):
    client = login(sim)
    client.command("event json CHANNEL_HANGUP_COMPLETE")
    outcomes = list(scenarios.pick_outcomes({k: 1 for k in scenarios.OUTCOMES}, 20, seed=3))
    assert set(outcomes) == set(scenarios.OUTCOMES)
    legs = sim.play(outcomes, rate=1000, step=0.0)
    completes = []
    while len(completes) < len(legs) + outcomes.count("answered") + outcomes.count("agent"):
        completes.append(protocol.decode_event(client.read()))
    assert {e.get("Unique-ID") for e in completes} >= {leg.uuid for leg in legs}
    sim.drop()
    with pytest.raises((protocol.ConnectionClosed, OSError)):
        client.read()


def test_calls_go_round_robin_to_available_agents_and_one_at_a_time_if_asked():
    sim = Simulator(one_call_per_agent=True)
    try:
        sim.run_api("callcenter_config agent set status 1001@default 'Available'")
        sim.run_api("callcenter_config agent set status 1002@default 'On Break'")
        assert sim.available_agents() == ["1001@default"]
        first = sim._pick_agent()
        sim._serving["call-1"] = first
        assert first == "1001@default" and sim._pick_agent() is None   # 1001 is on a call
        sim._track([("Event-Name", "CHANNEL_HANGUP_COMPLETE"), ("Unique-ID", "call-1"),
                    ("Call-Direction", "inbound"), ("Event-Date-Timestamp", "1")])
        assert sim._pick_agent() == "1001@default"
    finally:
        sim.server.close()
