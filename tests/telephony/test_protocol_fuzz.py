"""The ESL decoder under property-based fuzzing (hypothesis, derandomised so CI runs the same
examples every time): whatever bytes a switch or a man in the middle sends, reading a message
raises only ConnectionClosed or ProtocolError, never another exception and never hangs; whatever
an event carries, encoding it as FreeSWITCH does and decoding it gives it back."""
from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings, strategies as st

from telephony.protocol import (
    ConnectionClosed,
    Message,
    ProtocolError,
    decode_event,
    decode_json,
    decode_plain,
    encode_json,
    encode_plain,
    read_message,
)

FUZZ = settings(max_examples=400, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
# Header names as FreeSWITCH writes them: no colon, no line break, no surrounding space.
NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,30}", fullmatch=True).filter(lambda n: n != "Content-Length")
VALUES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
LINES = st.lists(st.one_of(
    st.binary(max_size=60),
    st.sampled_from([b"Content-Type: text/event-plain", b"Content-Length: 5", b"Content-Length: -3",
                     b"Content-Length: x", b"Content-Length: 99999999", b"", b"\xff\xfe: bad", b"no colon"]),
    st.builds(lambda k, v: f"{k}: {v}".encode("utf-8", "surrogatepass"), NAMES, VALUES)), max_size=12)


def _read_all(data: bytes) -> int:
    """Messages read from `data` until the stream ends; only the protocol's own errors escape."""
    stream = io.BufferedReader(io.BytesIO(data))
    count = 0
    while True:
        try:
            message = read_message(stream)
        except ConnectionClosed:
            return count
        count += 1
        if message.content_type.startswith("text/event"):
            try:
                decode_event(message)
            except ProtocolError:
                pass


@FUZZ
@given(LINES)
def test_any_bytes_on_the_wire_end_in_a_message_or_a_protocol_error(lines):
    data = b"\n".join(lines) + b"\n\n"
    try:
        _read_all(data)
    except ProtocolError:
        pass


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_else(data):
    try:
        _read_all(data)
    except ProtocolError:
        pass


@FUZZ
@given(st.dictionaries(NAMES, VALUES.filter(lambda v: v != ""), min_size=1, max_size=8),
       st.one_of(st.none(), st.text(min_size=1, max_size=120).filter(lambda b: "\r" not in b)))
def test_plain_events_round_trip(headers, body):
    event = decode_plain(encode_plain(list(headers.items()), body))
    assert {k: v for k, v in event.headers.items() if k != "Content-Length"} == headers
    assert event.body == (body or None)


@FUZZ
@given(st.dictionaries(NAMES, VALUES, min_size=1, max_size=8), st.one_of(st.none(), st.text(max_size=120)))
def test_json_events_round_trip(headers, body):
    event = decode_json(encode_json(list(headers.items()), body))
    assert {k: v for k, v in event.headers.items() if k != "Content-Length"} == headers
    assert event.body == body


@FUZZ
@given(st.text(max_size=200))
def test_any_plain_or_json_body_decodes_or_is_refused(text):
    for content_type in ("text/event-plain", "text/event-json"):
        try:
            decode_event(Message({"Content-Type": content_type}, text))
        except ProtocolError:
            pass
