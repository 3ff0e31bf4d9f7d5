"""Public status lookup (查询码 + phone): what a citizen may learn about their own case, nothing more.

No login, so the answer must not help anyone guess: a wrong code and a wrong phone give the same
None, after the same work (one indexed read, one constant-time comparison), and the result shows
no name, phone or address: only the status, the progress in plain steps (受理 → 派单 → 签收 → 办理 →
答复 → 回访 → 办结, never internal stages, staff or opinions), the department, the expected reply date
and, once the reply reached the citizen, the reply. It carries the case's id for the page's session
(the citizen's proven pair), never to be shown.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from engine.cases import answers
from engine.cases.numbering import normalize_phone
from engine.db import db
from engine.models import Case, CaseEvent, Deadline
from engine.organisation import department_name

# Compared against when no case has the code, so a wrong code costs what a wrong phone costs.
_NO_PHONE = "0" * 11
MAX_CODE_LENGTH = 16     # the column's width: anything longer cannot match
_COLUMNS = (Case.id, Case.case_no, Case.phone, Case.status, Case.stage, Case.outcome, Case.lead_department_id,
            Case.created_at, Case.closed_at, Case.merged_into_id)


@dataclass(frozen=True)
class LookupResult:
    """What the public page shows."""

    masked_case_no: str
    status: str
    stage: str
    outcome: str | None
    department: str | None
    registered_at: datetime
    closed_at: datetime | None
    reply: str | None               # the reply text, only once it reached the citizen (visit) or closed
    not_accepted_reason: str | None  # a code of the triage form, only for a case not accepted
    steps: tuple = ()                # Step, in the order the citizen reads them
    expected_reply_at: datetime | None = None   # the lead's statutory handling due, while not answered
    expected_provisional: bool = False          # the calendar of that year is not official yet
    answered: bool = False           # the reply reached the citizen (visit stage) or the case closed
    case_id: int = field(default=0, repr=False)   # for the page's session only: never rendered


@dataclass(frozen=True)
class Step:
    """One step of the progress in plain words: `key` one of STEPS; `at` when it was reached."""

    key: str
    state: str                       # done | current | pending
    at: datetime | None = None


# The citizen's steps, and the step each internal stage is at (the steps before it are done).
STEPS = ("intake", "dispatch", "sign_for", "handling", "reply", "visit", "closed")
DIRECT_STEPS = ("intake", "reply", "closed")
STEP_OF_STAGE = {"intake": "dispatch", "triage": "dispatch", "dispatch": "dispatch", "return_review": "dispatch",
                 "sign_for": "sign_for", "handling": "handling", "extension_review": "handling",
                 "suspension_review": "handling", "suspended": "handling", "reply_approval": "handling",
                 "review": "reply", "visit": "visit", "close_review": "visit"}
ANSWERED_STAGES = ("visit", "close_review")


def normalise_code(code: str) -> str:
    """Query codes are read from an SMS: ignore case and spaces."""
    return "".join(code.split()).upper()


def normalise_phone(phone: str) -> str:
    """Digits only, without the +86 country code, so '+86 138-0013-8000' matches '13800138000'."""
    digits = normalize_phone(phone or "").lstrip("+")
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def mask_case_no(case_no: str) -> str:
    """GD20261129000123 -> GD2026****0123: the citizen recognises it, nobody can walk the sequence."""
    if len(case_no) <= 10:
        return case_no[:2] + "*" * max(len(case_no) - 2, 0)
    return case_no[:6] + "****" + case_no[-4:]


def find(query_code: str, phone: str) -> LookupResult | None:
    """The case with this query code and phone, or None when either is wrong (indistinguishably)."""
    code, given = normalise_code(query_code), normalise_phone(phone)
    row = None
    if 0 < len(code) <= MAX_CODE_LENGTH:
        row = db.session.execute(select(*_COLUMNS).where(Case.query_code == code)).first()
    stored = normalise_phone(row.phone) if row is not None else _NO_PHONE
    same = hmac.compare_digest(stored.encode(), given.encode())
    if row is None or not same or not given:
        return None
    return _result(row)


def by_id(case_id: int) -> LookupResult | None:
    """The same answer for a case the citizen proved already (the page's session holds its id)."""
    row = db.session.execute(select(*_COLUMNS).where(Case.id == case_id)).first()
    return _result(row) if row is not None else None


def _result(row) -> LookupResult:
    # A repeat request merged (并单) into another case is answered by that case's progress.
    state = _merged_target(row.merged_into_id) or row
    closed = state.status == "closed"
    answered = closed or state.stage in ANSWERED_STAGES
    reply, reason = _reply(state.id) if answered else (None, None)
    due, provisional = (None, False) if answered else _expected_reply(state.id)
    return LookupResult(
        masked_case_no=mask_case_no(row.case_no), status=state.status, stage=state.stage,
        outcome=state.outcome, department=department_name(state.lead_department_id),
        registered_at=row.created_at, closed_at=state.closed_at, reply=reply, not_accepted_reason=reason,
        steps=steps_of(state), expected_reply_at=due, expected_provisional=provisional, answered=answered,
        case_id=row.id)


def _expected_reply(case_id: int) -> tuple[datetime | None, bool]:
    """The lead department's statutory handling due (the latest round's), if it signed for it."""
    row = db.session.execute(select(Deadline.due_at, Deadline.provisional).where(
        Deadline.case_id == case_id, Deadline.stage == "handling", Deadline.role == "lead",
        Deadline.state != "cancelled").order_by(Deadline.round.desc(), Deadline.id.desc()).limit(1)).first()
    return (row.due_at, bool(row.provisional)) if row else (None, False)


_STEP_EVENTS = {"dispatch": "dispatch", "sign_for": "sign_for", "handle": "handling", "visit": "visit"}


def steps_of(state) -> tuple[Step, ...]:
    """The progress in the citizen's steps: done up to where the case is, when each was reached."""
    closed = state.status == "closed"
    reached = _reached(state.id)
    reached["intake"] = state.created_at
    if closed:
        reached["closed"] = state.closed_at
    direct = closed and "dispatch" not in reached        # answered at once, not accepted, or merged
    keys = DIRECT_STEPS if direct else STEPS
    current = None if closed else STEP_OF_STAGE.get(state.stage, "handling")
    out, passed = [], False
    for key in keys:
        if key == current:
            passed = True
            out.append(Step(key, "current"))
        else:
            out.append(Step(key, "pending") if passed else Step(key, "done", reached.get(key)))
    return tuple(out)


def _reached(case_id: int) -> dict[str, datetime]:
    """When each step was last reached, from the audit trail (the latest round's)."""
    rows = db.session.execute(select(CaseEvent.action, CaseEvent.data, CaseEvent.created_at).where(
        CaseEvent.case_id == case_id, CaseEvent.action.in_(("dispatch", "sign_for", "handle", "review", "visit",
                                                            "triage"))).order_by(CaseEvent.id)).all()
    out: dict[str, datetime] = {}
    for action, data, at in rows:
        data = data or {}
        if action == "sign_for" and data.get("decision") != "sign":
            continue
        if action == "handle" and data.get("action") not in ("reply", "natural_completion"):
            continue
        if action == "review":
            if data.get("review_passed"):
                out["reply"] = at             # the reply is delivered when the center's review passes
            continue
        if action == "triage":
            if data.get("decision") in ("direct_answer", "not_accepted"):
                out["reply"] = at
            continue
        out[_STEP_EVENTS[action]] = at
    return out


def _merged_target(case_id: int | None):
    if case_id is None:
        return None
    return db.session.execute(select(*_COLUMNS).where(Case.id == case_id)).first()


def _reply(case_id: int) -> tuple[str | None, str | None]:
    """The last answer the citizen was given: the lead's reply, or the agent's direct answer."""
    answer = answers.of_cases([case_id])[case_id]
    return answer.reply_text, answer.not_accepted_reason
