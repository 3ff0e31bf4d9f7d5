"""What a decided call becomes, and what a posted CDR stands for.

A call record takes its times from the A leg's final channel variables (FreeSWITCH's *_epoch
variables, seconds since 1970) and from the moments the worker saw itself (arrival, offer,
voicemail); a CDR posted by mod_json_cdr reads as the CHANNEL_HANGUP_COMPLETE of its leg.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Mapping

from telephony.classifier import Outcome


def epoch(value: str | None) -> datetime | None:
    """A FreeSWITCH *_epoch value as naive UTC; None for empty or 0 (the moment never came)."""
    try:
        seconds = float(value or 0)
    except ValueError:
        return None
    if seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


def event_time(h: Mapping[str, str]) -> datetime | None:
    """When the switch emitted the event (Event-Date-Timestamp, microseconds)."""
    try:
        return epoch(str(int(h.get("Event-Date-Timestamp") or 0) / 1_000_000))
    except ValueError:
        return None


def cdr_headers(cdr: Mapping) -> dict[str, str]:
    """A mod_json_cdr document as the headers of the leg's CHANNEL_HANGUP_COMPLETE."""
    v = {k: str(x) for k, x in (cdr.get("variables") or {}).items()}
    h = {f"variable_{k}": x for k, x in v.items()}
    h.update({"Event-Name": "CHANNEL_HANGUP_COMPLETE", "Unique-ID": v.get("uuid", ""),
              "Call-Direction": v.get("direction") or (cdr.get("channel_data") or {}).get("direction", ""),
              "Hangup-Cause": v.get("hangup_cause", ""), "Caller-Caller-ID-Number": v.get("caller_id_number", ""),
              "Answer-State": "answered" if v.get("answer_epoch") not in (None, "", "0") else "hangup",
              "Event-Date-Timestamp": str(int(float(v.get("end_epoch") or 0) * 1_000_000))})
    return h


def call_record(outcome: Outcome, a: Mapping[str, str], times: Mapping) -> dict:
    """The call record's fields: `a` is the A leg's last headers, `times` what the worker noted."""
    def var(name: str) -> str:
        return a.get(f"variable_{name}") or ""

    callback = var("callback_requested") == "true"
    return {
        "call_id": outcome.uuid, "outcome": outcome.outcome, "caller": outcome.caller,
        "queue": outcome.queue, "agent": outcome.agent, "recording_path": outcome.recording,
        "arrived_at": times.get("arrived_at") or epoch(var("start_epoch")),
        "ivr_at": epoch(var("answer_epoch")),
        "queued_at": epoch(var("cc_queue_joined_epoch")),
        "offered_at": times.get("offered_at"),
        "answered_at": epoch(var("cc_queue_answered_epoch") or var("bridge_epoch")),
        "ended_at": epoch(var("end_epoch")) or event_time(a),
        "callback_requested": callback,
        "callback_number": (var("callback_number") or outcome.caller) if callback else None,
        "voicemail_path": times.get("voicemail_path") or var("voicemail_path") or None,
    }
