"""Self-service by phone: the caller types a case's query code and hears where the case is.

The IVR's self-service branch runs `socket <host>:<port> async full` (dialplan/public/
00_12345_self_service.xml); FreeSWITCH connects to telephony.outbound_socket and this script
drives the call: answer, ask for the query code (letters on the keys that carry them), check it
against the caller's number — or, when that does not match, against the number the caller types,
as the web lookup asks for code and phone — and speak the progress with the `phrase`
hotline_self_service_status (lang/zh/self_service/status.xml). Three tries, then goodbye.
A confidential case is spoken as its progress only: no case number, no date.

No engine import here: `lookup(digits, phone) -> Status | None` and `record(dict)` are given by
the composition (api/cli_telephony.py), as the worker's callables are.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Callable

from telephony.outbound_socket import Hangup, OutboundError, OutboundSession

log = logging.getLogger(__name__)

# The citizen's steps (engine.cases.lookup.STEPS) in the words the public lookup page shows.
STEP_WORDS = {"intake": "受理", "dispatch": "派单", "sign_for": "签收", "handling": "办理", "reply": "已答复",
              "visit": "回访", "closed": "已办结"}
TRIES = 3
SOUNDS = "${sounds_dir}/hotline/"      # expanded by FreeSWITCH from its global sounds_dir
PROMPTS = {   # the hotline's own recordings (docs/FREESWITCH.md lists them with their words)
    "code": "self_service_code.wav",            # 请输入查询码，字母按所在的数字键，以井号键结束
    "phone": "self_service_phone.wav",          # 请输入登记工单时留下的电话号码，以井号键结束
    "no_input": "self_service_no_input.wav",    # 没有收到您的按键
    "invalid": "self_service_invalid.wav",      # 查询码是十位，请重新输入
    "not_found": "self_service_not_found.wav",  # 没有查到与查询码和电话号码相符的工单
    "more": "self_service_more.wav",            # 详细情况请登录网站查询或致电人工坐席
    "goodbye": "self_service_goodbye.wav",      # 感谢您的来电，再见
}
CODE_LENGTH = 10        # engine.cases.numbering.QUERY_CODE_LENGTH
_DIGITS = re.compile(r"^\d{1,16}$")


@dataclass(frozen=True)
class Status:
    """What the phone may say about a case (from the public lookup's answer)."""

    step: str                       # the current step, a key of STEP_WORDS
    case_tail: str                  # the last four digits of the case number
    expected_epoch: int | None      # the expected reply date (noon, local), while not answered
    confidential: bool
    case_id: int


def phrase_data(status: Status) -> str:
    """The data of the status phrase: `step` for a confidential case, else `step:tail:epoch`."""
    if status.step not in STEP_WORDS:
        raise ValueError(f"unknown step {status.step!r}")
    if status.confidential:
        return status.step
    tail = status.case_tail if re.fullmatch(r"\d{4}", status.case_tail) else "0000"
    return f"{status.step}:{tail}:{status.expected_epoch or ''}"


def pagd(prompt: str, var: str, max_digits: int) -> str:
    """play_and_get_digits arguments: one try (we count tries), 8 s to start, 4 s between keys;
    the regex has no backslash or braces, which the switch's variable expansion would touch."""
    return f"1 {max_digits} 1 8000 # {SOUNDS}{PROMPTS[prompt]} silence_stream://250 {var} ^[0-9]+$ 4000"


class SelfService:
    """The script of one call; `handle` is the OutboundServer's handler."""

    def __init__(self, lookup: Callable[[str, str], Status | None], record: Callable[[dict], None],
                 read_timeout: float = 60.0) -> None:
        self.lookup, self.record, self.read_timeout = lookup, record, read_timeout

    def handle(self, session: OutboundSession) -> None:
        """Run the call and record it (also when the caller hangs up or the switch fails)."""
        trace = {"result": "error", "tries": 0, "case_id": None, "confidential": None}
        try:
            channel = session.connect()
            trace.update(call_id=channel.unique_id, caller=_mask(channel.caller_number))
            session.myevents()
            session.linger()
            session.execute("answer")
            self._menu(session, channel.caller_number, trace)
            self._play(session, "goodbye")
            session.hangup()
        except Hangup:
            if trace["result"] != "found":       # the caller left before hearing a status
                trace["result"] = "hangup"
        except OutboundError as exc:
            log.warning("self-service call failed: %s", exc)
        finally:
            self.record(trace)

    def _menu(self, session: OutboundSession, caller: str, trace: dict) -> None:
        """Up to TRIES query codes; each unknown one may be checked against a typed phone. The
        trace keeps the last try's result."""
        while trace["tries"] < TRIES:
            trace["tries"] += 1
            code = self._read(session, "code", "self_service_code", 16)
            if code is None:
                trace["result"] = "no_input"
                self._play(session, "no_input")
                continue
            if len(code) != CODE_LENGTH:
                trace["result"] = "invalid"
                self._play(session, "invalid")
                continue
            status = self.lookup(code, caller) if caller else None
            if status is None:
                phone = self._read(session, "phone", "self_service_phone", 15)
                status = self.lookup(code, phone) if phone and phone != caller else None
            if status is not None:
                trace.update(result="found", case_id=status.case_id, confidential=status.confidential,
                             step=status.step)
                self._speak(session, status)
                return
            trace["result"] = "not_found"
            self._play(session, "not_found")

    def _read(self, session: OutboundSession, prompt: str, var: str, max_digits: int) -> str | None:
        """The digits typed, or None after the timeout (nothing typed)."""
        done = session.execute("play_and_get_digits", pagd(prompt, var, max_digits), timeout=self.read_timeout)
        digits = done.get(f"variable_{var}") or ""
        return digits if _DIGITS.match(digits) else None

    def _speak(self, session: OutboundSession, status: Status) -> None:
        session.execute("phrase", f"hotline_self_service_status,{phrase_data(status)}", timeout=self.read_timeout)
        self._play(session, "more")

    def _play(self, session: OutboundSession, prompt: str) -> None:
        session.execute("playback", SOUNDS + PROMPTS[prompt], timeout=self.read_timeout)


def _mask(number: str) -> str:
    """138****8000: the audit line names the call, not the citizen."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"
