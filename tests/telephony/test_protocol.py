"""The wire codec: framing, per-value decoding, JSON, bodies, EOF, and the real corpus captures."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from telephony import protocol

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "esl"   # SOURCES.md there names each file's origin


def read_all(data: bytes) -> list[protocol.Message]:
    stream, out = io.BufferedReader(io.BytesIO(data)), []
    while True:
        try:
            out.append(protocol.read_message(stream))
        except protocol.ConnectionClosed:
            return out


def test_header_injection_in_a_value_stays_inside_that_value():
    text = protocol.encode_plain([("Event-Name", "CHANNEL_CREATE"), ("Unique-ID", "real"),
                                  ("Caller-Caller-ID-Name", "Bob\nUnique-ID: spoofed")])
    assert "Bob%0AUnique-ID%3A%20spoofed" in text
    event = protocol.decode_plain(text)
    assert event.get("Unique-ID") == "real"
    assert event.get("Caller-Caller-ID-Name") == "Bob\nUnique-ID: spoofed"


def test_plain_and_json_round_trip_with_body_and_unicode():
    headers = [("Event-Name", "BACKGROUND_JOB"), ("Job-UUID", "j1"), ("Caller-Caller-ID-Name", "张三 & co%")]
    for encode, decode in ((protocol.encode_plain, protocol.decode_plain), (protocol.encode_json, protocol.decode_json)):
        event = decode(encode(headers, "+OK done\nKey: not-a-header\n"))
        assert event.get("Caller-Caller-ID-Name") == "张三 & co%"
        assert event.body == "+OK done\nKey: not-a-header\n"
        assert "Key" not in event.headers


def test_empty_values_are_undef_on_the_wire():
    assert "Other: _undef_\n" in protocol.encode_plain([("Other", "")])


def test_eof_inside_a_body_raises_instead_of_spinning():
    stream = io.BufferedReader(io.BytesIO(b"Content-Length: 500\nContent-Type: text/event-plain\n\nEvent-Na"))
    with pytest.raises(protocol.ConnectionClosed, match="500-byte body"):
        protocol.read_message(stream)


def test_commands_cannot_carry_line_breaks():
    assert protocol.encode_command("api status") == b"api status\n\n"
    assert protocol.encode_command("bgapi x", {"Job-UUID": "u"}) == b"bgapi x\nJob-UUID: u\n\n"
    with pytest.raises(protocol.ProtocolError):
        protocol.encode_command("api status\n\nexit")


def test_invalid_json_event_is_a_protocol_error():
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_json('{"Event-Name": "CUSTOM", ')


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.plain.txt")))
def test_corpus_plain_events_decode(name):
    event = protocol.decode_plain((CORPUS / name).read_text().replace("\r\n", "\n").lstrip("\n"))
    assert event.get("Event-Name")


def test_corpus_plain_event_body_and_multiline_values():
    audio = protocol.decode_plain((CORPUS / "custom_mod_audio_stream_play_with_body.plain.txt").read_text())
    assert audio.name == "mod_audio_stream::play" and audio.body.startswith('{"audioDataType"')
    create = protocol.decode_plain((CORPUS / "channel_create.plain.txt").read_text())
    assert create.get("Event-Name") == "CHANNEL_CREATE" and "%" not in create.get("Event-Date-Local")


def test_corpus_json_events():
    sms = protocol.decode_json((CORPUS / "custom_sms_send_message_hostile_chars.json.txt").read_text())
    assert sms.get("Event-Name") == "CUSTOM" and sms.body is not None
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_json((CORPUS / "invalid_event_json.json.txt").read_text())


# Real socket captures frame exactly; the hand-made samples (SOURCES.md: Content-Length not
# recomputed, outbound frames cut before the blank line) must end in ConnectionClosed, not a hang.
EXACT = ("api_response", "bgapi_command_reply", "command_reply_ok", "heartbeat_and_re_schedule.json",
         "log_data", "outbound_socket_session_1", "outbound_socket_session_dtmf")


@pytest.mark.parametrize("name", EXACT)
def test_corpus_wire_captures_frame_and_decode(name):
    messages = read_all((CORPUS / f"{name}.wire.txt").read_bytes())
    assert messages
    for message in messages:
        if message.content_type in ("text/event-plain", "text/event-json"):
            assert protocol.decode_event(message).get("Event-Name")


def test_corpus_short_samples_end_in_connection_closed():
    for path in sorted(CORPUS.glob("*.wire.txt")):
        if path.name.removesuffix(".wire.txt") not in EXACT:
            stream = io.BufferedReader(io.BytesIO(path.read_bytes()))
            with pytest.raises(protocol.ConnectionClosed):
                protocol.read_message(stream)


def test_corpus_background_job_body_is_separate():
    text = (CORPUS / "background_job_ok.wire.txt").read_text().split("\n\n", 1)[1]
    event = protocol.decode_plain(text)
    assert event.name == "BACKGROUND_JOB" and event.body.startswith("+OK")
    assert not any(k.startswith("+OK") for k in event.headers)


def test_corpus_two_json_frames_back_to_back():
    messages = read_all((CORPUS / "heartbeat_and_re_schedule.json.wire.txt").read_bytes())
    assert [protocol.decode_event(m).name for m in messages] == ["HEARTBEAT", "RE_SCHEDULE"]
