"""送达: the citizen is told of each decision, and Article 7 measures the telling.

The reply (or the natural completion's 办结通知书) reaches the citizen when the center passes
review; an approved extension, a return followed by a new dispatch and the closure are told when
they happen. Each notice is queued in the deciding action's transaction (engine.notifications.
notices). Article 7 counts a limit as missed when the extension is told after the limit, or
when a decision made in time is told more than one working day after it was made.
"""
from __future__ import annotations

from engine import deadlines, notifications
from engine.cases import answers
from engine.deadlines import rules
from engine.organisation import department_name

notices = notifications.notices


def _reply_for_sms(action) -> str:
    """The reply as texted: whole (cut to an SMS's length) where the citizen asked for the reply by
    SMS, else a pointer to the lookup (the text may be read by others on the phone)."""
    case = action.case
    reply = answers.including(case.id, action.events).reply_text
    if case.wants_sms_reply:
        return notices.short_reply(reply)
    return "答复内容可凭查询码查询。"


def reply_delivered(action, *, actor_id: int | None) -> None:
    """Review passed: tell the citizen the reply; a decision told over a working day late is overtime."""
    case = action.case
    decided = rules.last_lead_decision(action)
    notices.tell(action, "reply", key=f"r{decided.round if decided else 0}", actor_id=actor_id, now=action.now,
                 reply=_reply_for_sms(action), department=department_name(case.lead_department_id) or "")
    if decided is not None and action.now > rules.delivery_due(action, decided.completed_at):
        rules.mark_overtime(action, decided, "delivered_late", actor_id=actor_id)


def check_extension_told_in_time(action, *, actor_id: int | None) -> None:
    """An approved extension is told now: told after the limit it extends, that limit is overtime.

    Call before the due date moves (the limit that counts is the one in force when told)."""
    lead = next(iter(deadlines.running(action, stage="handling", role="lead")), None)
    if lead is not None and action.now > lead.due_at:
        rules.mark_overtime(action, lead, "extension_told_late", actor_id=actor_id)


def extension_told(action, *, days: int, actor_id: int | None) -> None:
    """After the due date moved: the citizen learns the new limit."""
    case = action.case
    due = deadlines.local_moment(case.handle_due_at).strftime("%Y年%m月%d日%H:%M") if case.handle_due_at else ""
    notices.tell(action, "extension", key=f"e{case.extension_count}", actor_id=actor_id, now=action.now,
                 days=days, due_date=due)


def redispatched(action, *, dispatch_round: int, actor_id: int | None) -> None:
    """A dispatch after a return: the citizen learns which department handles it now."""
    if dispatch_round > 1:
        notices.tell(action, "redispatch", key=f"d{dispatch_round}", actor_id=actor_id, now=action.now,
                     department=department_name(action.case.lead_department_id) or "")


def closed(action, *, actor_id: int | None) -> None:
    """The case closed in this action: the closing notice (a direct answer carries the answer; a
    request not accepted says so; a merged request lives on in its target and is not told)."""
    case = action.case
    if case.outcome == "merged":
        return
    if case.outcome == "direct_answer":
        notices.tell(action, "direct_answer", key="c", actor_id=actor_id, now=action.now,
                     reply=_reply_for_sms(action))
    elif case.outcome == "not_accepted":
        notices.tell(action, "not_accepted", key="c", actor_id=actor_id, now=action.now)
    else:
        notices.tell(action, "closing", key="c", actor_id=actor_id, now=action.now)
