"""Self-service by phone over real TCP: the simulated switch connects to our outbound-socket server
as `socket … async full` does, a simulated caller types keys, and we check what the switch was
told to say (the phrase with the status words of the public lookup), what was recorded, and the
hostile and broken cases (wrong/unknown codes, confidential, hang-up, header injection)."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from api.cli_self_service import lookup_callable
from engine.cases import lookup, lookup_keypad
from telephony import outbound_socket, self_service
from telephony.outbound_socket import OutboundServer, OutboundSession
from telephony.self_service import SelfService
from telephony.simulated_outbound import HANGUP, SimulatedCall, channel_headers
from tests.factories import INTAKE, open_case, to_handling

CORPUS = Path(__file__).parent.parent / "corpus" / "esl"
PHONE = INTAKE["phone"]
OTHER = "13900139000"


@pytest.fixture
def served(app):
    """Our server with the real lookup; yields (server, traces, call(keys, caller, headers))."""
    traces: list[dict] = []
    script = SelfService(lookup_callable(app), traces.append, read_timeout=5.0)
    server = OutboundServer(script.handle, port=0, timeout=5.0).start()

    def call(keys, caller=PHONE, headers=None) -> SimulatedCall:
        sim = SimulatedCall("127.0.0.1", server.port, keys, caller=caller, headers=headers).start().join(10)
        deadline = time.monotonic() + 5
        while server.active and time.monotonic() < deadline:    # the record is written as the call ends
            time.sleep(0.01)
        return sim
    yield server, traces, call
    server.close()


def phrases(sim: SimulatedCall) -> list[str]:
    return [h for h in sim.heard if h.startswith("phrase:")]


def prompts(sim: SimulatedCall) -> list[str]:
    return [h.rsplit("/", 1)[-1].removesuffix(".wav") for h in sim.heard if not h.startswith("phrase:")]


def test_keypad_form_of_a_query_code():
    assert lookup_keypad.keypad("k7m2 abcw") == "57622229"
    assert lookup_keypad.phone_forms("+86 138-0013-8000") == [PHONE, "+86" + PHONE, "86" + PHONE]
    assert lookup_keypad.phone_forms("013800138000")[0] == PHONE and lookup_keypad.phone_forms("abc") == []


def test_a_known_code_is_spoken_with_the_lookups_status_words(app, actor, dept, served):
    case = to_handling(actor, dept, lead="xs_xs")
    _, traces, call = served
    sim = call([lookup_keypad.keypad(case.query_code) + "#"])
    with app.app_context():
        shown = lookup.find(case.query_code, PHONE)
    current = next(s.key for s in shown.steps if s.state == "current")
    [said] = phrases(sim)
    step, tail, epoch = said.removeprefix("phrase:hotline_self_service_status,").split(":")
    assert step == current == "handling" and self_service.STEP_WORDS[step] == "办理"
    assert tail == case.case_no[-4:] and shown.expected_reply_at is not None and int(epoch) > 0
    assert [a for a, _ in sim.executed][:2] == ["answer", "play_and_get_digits"] and sim.ended_by == "switch"
    assert prompts(sim)[-2:] == ["self_service_more", "self_service_goodbye"]
    assert traces == [{"result": "found", "tries": 1, "case_id": case.id, "confidential": False, "step": "handling",
                       "call_id": sim.unique_id, "caller": "138****8000"}]
    assert case.query_code not in str(traces)


def test_step_words_are_the_public_pages_words(app):
    from flask_babel import force_locale, gettext
    words = {"intake": "Accepted", "dispatch": "Sent to the department", "sign_for": "Received by the department",
             "handling": "Being handled", "reply": "Replied", "visit": "Satisfaction visit", "closed": "Closed"}
    with app.test_request_context(), force_locale("zh"):
        assert {k: gettext(v) for k, v in words.items()} == self_service.STEP_WORDS
    assert set(words) == set(lookup.STEPS)


def test_wrong_then_right_code_and_a_typed_phone(actor, served):
    case = open_case(actor("agent"), phone=OTHER)           # the caller rings from another number
    _, traces, call = served
    right = lookup_keypad.keypad(case.query_code)
    wrong = ("2" if right[0] != "2" else "3") + right[1:]
    sim = call(["12345", wrong, OTHER, right, OTHER])     # too short; unknown (+ phone); right + phone
    assert prompts(sim)[:6] == ["self_service_code", "self_service_invalid", "self_service_code",
                                "self_service_phone", "self_service_not_found", "self_service_code"]
    assert phrases(sim)[0].startswith("phrase:hotline_self_service_status,dispatch:")
    assert traces[0]["result"] == "found" and traces[0]["tries"] == 3 and traces[0]["case_id"] == case.id


def test_unknown_code_three_times_then_goodbye(actor, served):
    case = open_case(actor("agent"))
    _, traces, call = served
    code = lookup_keypad.keypad(case.query_code)
    keys = [code, OTHER, "9999999999", OTHER, None]       # right code, wrong phone; unknown; nothing typed
    sim = call(keys, caller="13700137000")
    assert phrases(sim) == [] and prompts(sim)[-1] == "self_service_goodbye"
    assert prompts(sim).count("self_service_not_found") == 2 and "self_service_no_input" in prompts(sim)
    assert sim.ended_by == "switch" and [a for a, _ in sim.executed][-1] == "playback"
    assert traces[0]["result"] == "no_input" and traces[0]["tries"] == 3 and traces[0]["case_id"] is None


def test_a_confidential_case_says_only_its_progress(actor, served):
    case = open_case(actor("agent"), confidential=True)
    _, traces, call = served
    sim = call([lookup_keypad.keypad(case.query_code)])
    assert phrases(sim) == ["phrase:hotline_self_service_status,dispatch"]      # no case number, no date
    assert traces[0]["confidential"] is True and traces[0]["result"] == "found"


def test_the_caller_hangs_up_mid_menu(actor, served):
    open_case(actor("agent"))
    server, traces, call = served
    sim = call([None, HANGUP])
    assert sim.ended_by == "caller" and prompts(sim) == ["self_service_code", "self_service_no_input",
                                                         "self_service_code"]
    assert traces[0]["result"] == "hangup" and traces[0]["tries"] == 2
    assert server.active == 0 and server.served == 1
    # answer, code, "no input", code (hung up): nothing sent to the channel after the hangup, then exit
    assert sim.commands.count("sendmsg") == len(sim.executed) == 4 and sim.commands[-1] == "exit"


def test_header_injection_in_the_caller_name_cannot_spoof_the_channel(actor, served):
    case = open_case(actor("agent"))
    _, traces, call = served
    real = "5a1e0000-0000-4000-8000-000000000001"
    hostile = f"Bob\nUnique-ID: evil\nCaller-Caller-ID-Number: {OTHER}"      # encoded %0A on the wire
    sim = call([lookup_keypad.keypad(case.query_code), None], caller=OTHER,
               headers=channel_headers(real, OTHER, caller_name=hostile))
    assert traces[0]["call_id"] == real and traces[0]["caller"] == "139****9000"
    assert phrases(sim) == []        # the forged caller number did not open the case of 13800138000


def test_the_real_capture_of_an_outbound_session_decodes():
    """NEventSocket's Example4 (a FreeSWITCH 1.4 outbound session with DTMF), replayed byte for byte."""
    wire = (CORPUS / "outbound_socket_session_dtmf.wire.txt").read_bytes()
    ours, theirs = socket.socketpair()
    threading.Thread(target=lambda: (theirs.sendall(wire), theirs.close()), daemon=True).start()
    session = OutboundSession(ours, timeout=2.0)
    channel = session.connect()
    assert channel.unique_id == "298fde4b-af8e-4930-b3ee-b655641c9d21" and channel.caller_number == "1001"
    assert channel.headers["Caller-Caller-ID-Name"] == "Dan X-Lite" and channel.variable("sip_req_user") == "3"
    assert session.command("myevents").headers["Reply-Text"] == "+OK event listener enabled plain"
    events = []
    with pytest.raises(outbound_socket.Hangup):
        while True:
            event = session._note(session._next(2.0))
            events += [event] if event else []
    done = [e for e in events if e.name == "CHANNEL_EXECUTE_COMPLETE" and e.get("Application") == "playback"]
    assert done[0].get("Application-Response") == "FILE PLAYED"
    assert done[0].get("Application-UUID") == "b7a01bb3-2e14-4ac4-b8c7-0f4cf64c92f0"
    assert "#" in [e.get("DTMF-Digit") for e in events if e.name == "DTMF"]
    session.close()


def test_the_real_connect_reply_header_per_value_decoding():
    wire = (CORPUS / "outbound_connect_reply_channel_data.wire.txt").read_bytes()
    ours, theirs = socket.socketpair()
    theirs.sendall(wire + b"\n\n")
    channel = OutboundSession(ours, timeout=1.0).connect()
    assert channel.unique_id == "ae4b8173-00ca-4c3e-a7e0-6fbb2a32a15d"
    assert channel.headers["FreeSWITCH-IPv6"] == "2001:0:5ef5:79fd:e6:1e3:53ef:cd7f"
    ours.close(), theirs.close()


def test_a_silent_switch_times_out_instead_of_hanging():
    traces: list[dict] = []
    server = OutboundServer(SelfService(lambda *_: None, traces.append).handle, port=0, timeout=0.3).start()
    mute = socket.create_connection(("127.0.0.1", server.port))      # connects, never answers `connect`
    deadline = time.monotonic() + 3
    # the handler records its trace, then the server frees the call's slot: wait for both
    while not (traces and server.active == 0) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert traces and traces[0]["result"] == "error" and server.active == 0
    mute.close(), server.close()


def test_dialplan_and_phrase_match_the_server():
    """The dialplan connects to the CLI's default port; every phrase the script can send matches
    one input of the zh macro (a phrase with no matching input says nothing at all)."""
    import re
    import xml.etree.ElementTree as ET

    from api.cli_self_service import self_service as command

    conf = Path(self_service.__file__).parent / "freeswitch"
    ext = ET.parse(conf / "dialplan/public/00_12345_self_service.xml").find(".//extension")
    socket_app = next(a.get("data") for a in ext.iter("action") if a.get("application") == "socket")
    port = next(p.default for p in command.params if p.name == "port")
    assert socket_app == f"127.0.0.1:{port} async full"
    assert sorted(p.name for p in (conf / "dialplan/public").glob("*.xml"))[0] == "00_12345_self_service.xml"
    macro = ET.parse(conf / "lang/zh/self_service/status.xml").find(".//macro")
    assert macro.get("name") == "hotline_self_service_status"
    patterns = [re.compile(i.get("pattern")) for i in macro.iter("input")]
    for step in self_service.STEP_WORDS:
        for status in (self_service.Status(step, "0123", 1764734400, False, 1),
                       self_service.Status(step, "0123", None, False, 1),
                       self_service.Status(step, "0123", 1764734400, True, 1)):
            assert sum(bool(p.fullmatch(self_service.phrase_data(status))) for p in patterns) == 1
    assert 'data="self_service/*.xml"' in (conf / "lang/zh/agent_id.xml").read_text()
