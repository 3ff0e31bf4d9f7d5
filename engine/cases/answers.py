"""What a case answered: the last reply (or direct answer, or why it was not accepted), its result
and the citizen's satisfaction, read from the audit trail of many cases in one statement.

The trail is the record: the reply the department sent is the `handle` event's form data, the
agent's direct answer the `triage` event's, the satisfaction the `visit` event's. Later events win
(a reopened case's second reply replaces the first).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.db import db
from engine.models import CaseEvent

_EVENTS = ("handle", "triage", "visit")


@dataclass
class Answer:
    """None where the case has none (yet)."""

    reply_text: str | None = None
    result: str | None = None            # handle's result, natural_completion or direct_answer
    not_accepted_reason: str | None = None
    satisfaction: str | None = None


def of_cases(case_ids: list[int]) -> dict[int, Answer]:
    """The answer of each case (every id gets one, empty when nothing was answered)."""
    answers = {case_id: Answer() for case_id in case_ids}
    if not answers:
        return answers
    rows = db.session.execute(select(CaseEvent.case_id, CaseEvent.action, CaseEvent.data).where(
        CaseEvent.case_id.in_(list(answers)), CaseEvent.action.in_(_EVENTS)).order_by(CaseEvent.id))
    for case_id, action, data in rows:
        _apply(answers[case_id], action, data or {})
    return answers


def including(case_id: int, pending: list[dict]) -> Answer:
    """The case's answer counting the events of the action still running (not yet written)."""
    answer = of_cases([case_id])[case_id]
    for event in pending:
        if event["action"] in _EVENTS:
            _apply(answer, event["action"], event.get("data") or {})
    return answer


def _apply(answer: Answer, action: str, data: dict) -> None:
    if action == "visit":
        answer.satisfaction = data.get("satisfaction")
    elif action == "handle" and data.get("action") in ("reply", "natural_completion"):
        answer.reply_text, answer.not_accepted_reason = data.get("reply_text"), None
        answer.result = data.get("result") if data["action"] == "reply" else "natural_completion"
    elif action == "triage" and data.get("decision") == "direct_answer":
        answer.reply_text, answer.result, answer.not_accepted_reason = data.get("answer"), "direct_answer", None
    elif action == "triage" and data.get("decision") == "not_accepted":
        answer.reply_text, answer.result = None, None
        answer.not_accepted_reason = data.get("not_accepted_reason")
