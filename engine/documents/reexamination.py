"""复核意见书: the re-examination's opinion to the citizen (issue 14), for a case of the
`reexamination` process once its center review decided: the original case, the citizen's reason,
the review's decision and opinion and the reply (the re-handling department's, when re-dispatched).
The builder fills the context `service` starts (case rows, departments, codes)."""
from __future__ import annotations

from sqlalchemy import select

from engine.db import db
from engine.documents.common import DocumentNotAvailable, when
from engine.models import Case, CaseEvent, Reexamination
from engine.organisation import department_name
from forms.messages import msg

TITLE = "复核意见书"
DECISIONS = {"uphold": "维持原处理意见", "redispatch": "交上级单位重新办理"}


def available(case: Case) -> bool:
    """Whether the case is a re-examination whose review has decided (two small reads)."""
    return _link(case.id) is not None and _event(case.id, "reexam_review") is not None


def reexamination_opinion(case: Case, ctx: dict) -> None:
    link = _link(case.id)
    review = _event(case.id, "reexam_review") if link else None
    if review is None:
        raise DocumentNotAvailable(msg("not_reexamined", "case %(no)s has no re-examination decision: no 复核意见书",
                                       no=case.case_no))
    original = db.session.get(Case, link.case_id)
    handled = _event(case.id, "reexam_handle")
    decision = review.data.get("decision")
    reply = (handled.data.get("reply_text") if handled else None) or review.data.get("reply_text") or ""
    ctx["original_no"] = original.case_no
    ctx["reexam_rows"] = [("原工单编号", original.case_no), ("原承办单位", department_name(original.lead_department_id)),
                          ("申请时间", when(link.requested_at)), ("复核决定", DECISIONS.get(decision, decision)),
                          ("决定时间", when(review.created_at)),
                          ("重新办理单位", department_name(case.lead_department_id) if decision == "redispatch" else "")]
    ctx["reason"], ctx["opinion"], ctx["reply"] = link.reason, review.data.get("opinion") or "", reply
    ctx["pending"] = decision == "redispatch" and handled is None


def _link(case_id: int) -> Reexamination | None:
    return db.session.execute(select(Reexamination).where(Reexamination.reexam_case_id == case_id)).scalar()


def _event(case_id: int, action: str) -> CaseEvent | None:
    return db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.action == action)
                              .order_by(CaseEvent.id.desc()).limit(1)).scalar()
