"""The hardened client against the simulator over real TCP: one test per greenswitch bug."""
from __future__ import annotations

import threading
import time

import pytest

from telephony import esl
from telephony.simulator import Simulator
from tests.telephony.helpers import collect, named, running

pytestmark = pytest.mark.timeout(30)


def create(uid: str, caller_name: str = "Bob") -> list[tuple[str, str]]:
    return [("Event-Name", "CHANNEL_CREATE"), ("Unique-ID", uid), ("Call-Direction", "inbound"),
            ("Caller-Caller-ID-Name", caller_name)]


def test_bug1_json_events_are_parsed_and_send_keeps_working():
    with running() as (sim, client):
        client.wait_connected(5)
        sim.wait_for_clients()
        sim.emit(create("u1"), None)
        events = collect(client, lambda ev: named(ev, "CHANNEL_CREATE"))
        assert named(events, "CHANNEL_CREATE")[0].get("Unique-ID") == "u1"
        assert any(c.startswith("event json ") for c in sim.commands)
        assert client.api("status").startswith("UP")


@pytest.mark.parametrize("fmt", ["plain", "json"])
@pytest.mark.parametrize("name", ["Bob\nUnique-ID: spoofed", "Bob%0AUnique-ID%3A%20spoofed"])
def test_bug2_caller_name_cannot_spoof_a_header(fmt, name):
    with running(format=fmt) as (sim, client):
        client.wait_connected(5)
        sim.wait_for_clients()
        sim.emit(create("real-uuid", name))
        event = named(collect(client, lambda ev: named(ev, "CHANNEL_CREATE")), "CHANNEL_CREATE")[0]
        assert event.get("Unique-ID") == "real-uuid"
        # plain: FreeSWITCH never double-encodes %XX, so both spellings decode to a newline, in the value
        expected = "Bob\nUnique-ID: spoofed" if fmt == "plain" else name
        assert event.get("Caller-Caller-ID-Name") == expected


@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_bug3_background_job_body_is_separate_and_matched(fmt):
    with running(format=fmt) as (sim, client):
        client.wait_connected(5)
        job = client.bgapi("originate {origination_uuid=abc-123,originate_timeout=30}user/1001 &park()")
        assert job.result(timeout=5) == "+OK abc-123\n"
        event = named(collect(client, lambda ev: named(ev, "BACKGROUND_JOB")), "BACKGROUND_JOB")[0]
        assert event.body == "+OK abc-123\n" and "+OK abc-123" not in event.headers


def test_bug4_reconnects_resubscribes_and_fails_in_flight_commands():
    with running() as (sim, client):
        client.wait_connected(5)
        sim.wait_for_clients()
        in_flight = threading.Thread(target=lambda: pytest.raises(esl.EslError, client.api, "msleep 3000"))
        in_flight.start()
        time.sleep(0.2)
        sim.drop()
        in_flight.join(5)
        assert not in_flight.is_alive()  # the pending api failed instead of hanging
        collect(client, lambda ev: named(ev, esl.CONNECTED) and client.connections == 2)
        sim.wait_for_clients()
        for i in range(5):
            sim.emit(create(f"after-{i}"))
        events = collect(client, lambda ev: len(named(ev, "CHANNEL_CREATE")) >= 5)
        time.sleep(0.2)
        while not client.events.empty():
            events.append(client.events.get())
        assert sorted(e.get("Unique-ID") for e in named(events, "CHANNEL_CREATE")) == [f"after-{i}" for i in range(5)]
        assert sum(c.startswith("event json") for c in sim.commands) == 2
        assert client.api("status").startswith("UP")


def test_bug5_connect_times_out_when_no_auth_request_arrives():
    silent = Simulator(send_auth=False)
    with running(silent, connect_timeout=0.3) as (_, client):
        with pytest.raises(TimeoutError):
            client.wait_connected(1.0)
        with pytest.raises(esl.EslError):
            client.api("status")


def test_bug5_a_slow_command_times_out_and_the_next_gets_its_own_reply():
    with running() as (_, client):
        client.wait_connected(5)
        with pytest.raises(TimeoutError):
            client.api("msleep 800", timeout=0.2)
        assert client.api("status", timeout=3).startswith("UP")
        assert client.api("uuid_broadcast nobody x.wav aleg") == "-ERR No such channel!\n"


def test_bug6_close_inside_a_body_is_noticed_without_spinning():
    with running() as (sim, client):
        client.wait_connected(5)
        sim.wait_for_clients()
        cpu = time.process_time()
        sim.send_raw(b"Content-Length: 500\nContent-Type: text/event-plain\n\nEvent-Name: CHAN", close=True)
        events = collect(client, lambda ev: len(named(ev, esl.CONNECTED)) == 2)
        time.sleep(0.5)
        assert time.process_time() - cpu < 0.5
        assert [e.name for e in events if e.name.startswith("ESL::")] == [esl.CONNECTED, esl.DISCONNECTED, esl.CONNECTED]


def test_bug7_plain_os_threads_send_concurrently():
    with running() as (_, client):
        client.wait_connected(5)
        results: list[str] = []
        errors: list[BaseException] = []

        def work(n: int) -> None:
            try:
                for i in range(15):
                    results.append(client.api(f"originate {{origination_uuid=t{n}-{i}}}user/1 &park()"))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert errors == [] and len(results) == 120
        assert sorted(results) == sorted(f"+OK t{n}-{i}\n" for n in range(8) for i in range(15))


def test_wrong_password_is_retried_with_backoff_not_connected():
    with running(password="wrong") as (sim, client):
        time.sleep(0.6)
        assert not client.connected.is_set()
        attempts = sum(c.startswith("auth") for c in sim.commands)
        assert 1 <= attempts <= 6


def test_the_simulator_disables_nagle_like_mod_event_socket():
    # replies behind a stream of events must not wait for delayed ACKs (bench/telephony.py measured
    # 42 ms per api reply with Nagle on); the client sets TCP_NODELAY on its side in _connect
    import socket
    with running() as (sim, client):
        client.wait_connected(5)
        sim.wait_for_clients()
        [session] = sim.sessions
        assert session.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        assert client.api("status").startswith("UP")
