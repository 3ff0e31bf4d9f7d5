"""Public status lookup (查询码 + phone): what a citizen may learn about their own case, nothing more.

No login, so the answer must not help anyone guess: a wrong code and a wrong phone give the same
None, after the same work (one indexed read, one constant-time comparison), and the result carries
no id, name, phone or address — only the status, the department and, once closed, the reply.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.cases import answers
from engine.cases.numbering import normalize_phone
from engine.db import db
from engine.models import Case
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
    reply: str | None               # the reply text, only once the case is closed
    not_accepted_reason: str | None  # a code of the triage form, only for a case not accepted


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


def _result(row) -> LookupResult:
    # A repeat request merged (并单) into another case is answered by that case's progress.
    state = _merged_target(row.merged_into_id) or row
    closed = state.status == "closed"
    reply, reason = _reply(state.id) if closed else (None, None)
    return LookupResult(
        masked_case_no=mask_case_no(row.case_no), status=state.status, stage=state.stage,
        outcome=state.outcome, department=department_name(state.lead_department_id),
        registered_at=row.created_at, closed_at=state.closed_at, reply=reply, not_accepted_reason=reason)


def _merged_target(case_id: int | None):
    if case_id is None:
        return None
    return db.session.execute(select(*_COLUMNS).where(Case.id == case_id)).first()


def _reply(case_id: int) -> tuple[str | None, str | None]:
    """The last answer the citizen was given: the lead's reply, or the agent's direct answer."""
    answer = answers.of_cases([case_id])[case_id]
    return answer.reply_text, answer.not_accepted_reason
