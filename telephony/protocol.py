"""FreeSWITCH Event Socket wire codec: framing, plain/JSON event decoding, encoding."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import unquote

# switch_url_encode's unsafe set: controls and non-ASCII are escaped too (see _encode_value).
_UNSAFE = set(b"\r\n #%&+:;<=>?@[\\]^`{|}\"")
_HEX = b"0123456789ABCDEFabcdef"


class ConnectionClosed(EOFError):
    """The peer closed the socket (possibly in the middle of a message)."""


class ProtocolError(ValueError):
    """A frame or event that does not follow the Event Socket format."""


@dataclass
class Message:
    """One framed message: its outer headers and the Content-Length body (if any)."""

    headers: dict[str, str]
    body: str = ""

    @property
    def content_type(self) -> str:
        """The framing Content-Type (auth/request, command/reply, text/event-json, …)."""
        return self.headers.get("Content-Type", "")


@dataclass
class Event:
    """A decoded FreeSWITCH event: header values already URL-decoded, body kept apart."""

    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    @property
    def name(self) -> str:
        """Event-Name, or the Event-Subclass for CUSTOM events."""
        name = self.headers.get("Event-Name", "")
        return self.headers.get("Event-Subclass", name) if name == "CUSTOM" else name

    def get(self, key: str, default: str | None = None) -> str | None:
        """A header value by exact name."""
        return self.headers.get(key, default)


def split_header(line: str) -> tuple[str, str]:
    key, sep, value = line.partition(":")
    if not sep:
        raise ProtocolError(f"header line without colon: {line[:60]!r}")
    return key.strip(), value.strip()


def read_message(stream: BinaryIO) -> Message:
    """Read one message from a buffered binary stream; ConnectionClosed on EOF (also mid-body)."""
    headers: dict[str, str] = {}
    while True:
        raw = stream.readline()
        if not raw:
            raise ConnectionClosed("connection closed" + (" inside headers" if headers else ""))
        line = _text(raw, "header line").rstrip("\r\n")
        if not line:
            if headers:
                break
            continue  # stray blank lines between messages
        key, value = split_header(line)
        headers[key] = value
    length = _length(headers.get("Content-Length", ""))
    return Message(headers, _text(_read_exact(stream, length), "body") if length else "")


def _text(raw: bytes, what: str) -> str:
    """UTF-8, as FreeSWITCH writes: anything else is a broken peer, reported as the protocol's error
    (found by the fuzzer: a raw UnicodeDecodeError escaped the reader)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"{what} is not UTF-8: {exc.reason}") from None


def _length(value: str) -> int:
    """A Content-Length: digits only (a negative one made the reader read to the end of the stream)."""
    value = value.strip()
    if not value:
        return 0
    if not value.isdigit() or not value.isascii():
        raise ProtocolError(f"bad Content-Length: {value[:20]!r}")
    return int(value)


def _read_exact(stream: BinaryIO, length: int) -> bytes:
    # A short read means EOF: raise instead of spinning (greenswitch bug 6).
    data = stream.read(length)
    if data is None or len(data) < length:
        raise ConnectionClosed(f"connection closed inside a {length}-byte body")
    return data


def decode_plain(text: str) -> Event:
    """Decode a text/event-plain body: split lines first, then URL-decode each value (bug 2)."""
    head, sep, rest = text.partition("\n\n")
    headers: dict[str, str] = {}
    for line in head.split("\n"):
        if line:
            key, _, value = line.partition(": ")
            headers[key] = unquote(value) if "%" in value else value
    # The event's own Content-Length announces a body after the blank line (bug 3).
    body = rest if sep and "Content-Length" in headers else None
    if body is not None:
        length = _length(headers["Content-Length"])
        body = body.encode("utf-8")[:length].decode("utf-8", "replace")
    return Event(headers, body)


def decode_json(text: str) -> Event:
    """Decode a text/event-json body; '_body' becomes the event body (bug 1)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"invalid JSON event: {exc}") from exc
    if not isinstance(data, dict):
        raise ProtocolError("JSON event is not an object")
    body = data.pop("_body", None)
    return Event({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, body)


def decode_event(message: Message) -> Event:
    """Decode the event carried by a text/event-plain or text/event-json message."""
    if message.content_type == "text/event-json":
        return decode_json(message.body)
    if message.content_type == "text/event-plain":
        return decode_plain(message.body)
    raise ProtocolError(f"not an event: {message.content_type}")


def _encode_value(value: str) -> str:
    raw = value.encode("utf-8")
    out = []
    for i, byte in enumerate(raw):
        # FreeSWITCH does not double-encode an existing %XX escape.
        escaped = byte == 0x25 and i + 2 < len(raw) and raw[i + 1] in _HEX and raw[i + 2] in _HEX
        if not escaped and (byte < 0x20 or byte > 0x7E or byte in _UNSAFE):
            out.append(f"%{byte:02X}")
        else:
            out.append(chr(byte))
    return "".join(out)


def encode_plain(headers: list[tuple[str, str]], body: str | None = None) -> str:
    """Serialise an event like switch_event_serialize: each value encoded on its own."""
    lines = [f"{k}: {_encode_value(v) or '_undef_'}\n" for k, v in headers]
    if body:
        lines.append(f"Content-Length: {len(body.encode('utf-8'))}\n\n{body}")
    else:
        lines.append("\n")
    return "".join(lines)


def encode_json(headers: list[tuple[str, str]], body: str | None = None) -> str:
    """Serialise an event like switch_event_serialize_json (raw strings, body as _body)."""
    data = dict(headers)
    if body is not None:
        data["Content-Length"] = str(len(body.encode("utf-8")))
        data["_body"] = body
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def frame(content_type: str, body: str = "", extra: dict[str, str] | None = None) -> bytes:
    """Frame a server message: headers, blank line, Content-Length body."""
    data = body.encode("utf-8")
    lines = [f"{k}: {v}\n" for k, v in (extra or {}).items()]
    if data:
        lines.append(f"Content-Length: {len(data)}\n")
    lines.append(f"Content-Type: {content_type}\n\n")
    return "".join(lines).encode("utf-8") + data


def encode_command(command: str, headers: dict[str, str] | None = None) -> bytes:
    """Encode a client command; newlines are refused so a value cannot smuggle a second command."""
    if "\n" in command or "\r" in command:
        raise ProtocolError("command contains a line break")
    lines = [command] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    if any("\n" in line or "\r" in line for line in lines[1:]):
        raise ProtocolError("command header contains a line break")
    return ("\n".join(lines) + "\n\n").encode("utf-8")


def read_command(reader: BinaryIO) -> tuple[str, dict[str, str]] | None:
    """One client command as a switch reads it: its first line, then `Name: value` lines up to the
    blank line (None at EOF). Used by the simulator's inbound and outbound-socket servers."""
    lines: list[str] = []
    while True:
        raw = reader.readline()
        if not raw:
            return None
        line = raw.decode("utf-8").rstrip("\r\n")
        if line:
            lines.append(line)
        elif lines:
            return lines[0], dict(split_header(h) for h in lines[1:])
