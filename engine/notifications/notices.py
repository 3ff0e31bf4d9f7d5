"""What the citizen is told (送达): the reply, an approved extension, a re-dispatch, closure.

Texts are admin-edited parameters (engine.organisation.parameters.NOTICES) read fresh, filled
with the case's values and queued in the deciding action's transaction, so a notice exists
exactly when its decision does. Staff see each on the case's timeline without the query code.
"""
from __future__ import annotations

from datetime import datetime

from engine.models import Case
from engine.notifications import outbox
from engine.organisation import settings
from engine.ports import mask_phone

REPLY_SMS_CHARS = outbox.REPLY_SMS_CHARS


class _Values(dict):
    def __missing__(self, key: str) -> str:       # a placeholder the caller has no value for
        return ""


def text(name: str, case: Case, **values: object) -> str:
    """The notice `name` (e.g. "notice.reply") for `case`, with the SMS signature in front."""
    template = str(settings.snapshot()[name])
    filled = template.format_map(_Values(case_no=case.case_no, query_code=case.query_code,
                                         **{k: "" if v is None else str(v) for k, v in values.items()}))
    return outbox.signature() + filled


def short_reply(reply: str | None) -> str:
    """The reply as an SMS carries it: trimmed, cut at REPLY_SMS_CHARS, ending in a full stop."""
    answer = (reply or "").strip()
    if len(answer) > REPLY_SMS_CHARS:
        answer = answer[:REPLY_SMS_CHARS] + "……"
    return answer if not answer or answer.endswith(("。", "！", "？", "……", ".")) else answer + "。"


def tell(action, kind: str, *, key: str, actor_id: int | None, now: datetime, **values: object) -> bool:
    """Queue notice `kind` (reply, extension, redispatch, closing, direct_answer, not_accepted) to
    the citizen once per `key`, and record it on the case; False when there is no phone or the
    key was told before."""
    case: Case = action.case
    if not (case.phone or "").strip():
        return False
    body = text(f"notice.{kind}", case, **values)
    queued = outbox.enqueue(kind=kind, recipient=case.phone, body=body, dedupe_key=f"{kind}:{case.id}:{key}",
                            case_id=case.id, now=now)
    if queued:
        action.event("citizen_notified", actor_id=actor_id, data={
            "kind": kind, "channel": "sms", "to": mask_phone(case.phone),
            "text": body.replace(case.query_code, "*" * len(case.query_code))})
    return queued
