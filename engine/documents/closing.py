"""Completion documents (一事一结, seed 5's 限时办结制): every closed case has one.

The 办结通知书 (`completion-notice`) of a natural completion (Article 8: declared for one of the
citizen's reasons in its window, reported to the center director, who files it), and the
`closing-record` of a closed case, titled by what closed it: 答复意见书 (a department's reply),
直接答复告知书 (answered at triage), 不予受理告知书, 并单告知书, or for a natural completion the
办结通知书 itself. The builders fill the context `service` starts (case rows, departments, codes).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine import cases
from engine.db import db
from engine.deadlines import local_moment
from engine.documents.common import DocumentNotAvailable, chinese_date, when
from engine.models import Case, CaseEvent, NaturalCompletion, User
from engine.organisation import department_name
from forms.definitions import HANDLE, NATURAL_REASON_OPTIONS, TRIAGE
from forms.messages import msg

NOTICE = "办结通知书"
TITLES = {"reply": "答复意见书", "direct_answer": "直接答复告知书", "not_accepted": "不予受理告知书",
          "merged": "并单告知书", "natural": NOTICE}
_REASONS = {code: zh for code, zh, _ in NATURAL_REASON_OPTIONS}
_RESULTS = {code: zh for code, zh, _ in HANDLE.options("result")}
_NOT_ACCEPTED = {code: zh for code, zh, _ in TRIAGE.options("not_accepted_reason")}


def completion_notice(case: Case, ctx: dict) -> None:
    """办结通知书: only for a case with a natural completion; dated the day it was declared."""
    row = cases.natural_completion_of(case.id)
    if row is None:
        raise DocumentNotAvailable(msg("no_natural_completion",
                                       "case %(no)s has no natural completion: no 办结通知书", no=case.case_no))
    _natural(case, row, ctx)
    ctx["date_cn"] = chinese_date(local_moment(row.declared_at))


def closing_record(case: Case, ctx: dict) -> None:
    """The completion document of a closed case, titled by what closed it, dated the closing day."""
    if case.status != "closed":
        raise DocumentNotAvailable(msg("not_closed", "case %(no)s is not closed: no completion document yet",
                                       no=case.case_no))
    variant, answer, row = _what_closed(case)
    ctx["title"] = TITLES[variant]
    if variant == "natural":
        _natural(case, row, ctx)
    elif variant == "merged":
        _merged(case, ctx)
    elif variant == "direct_answer":
        _direct_answer(case, answer, ctx)
    elif variant == "not_accepted":
        _not_accepted(case, answer, ctx)
    else:
        _reply(case, answer, ctx)
    ctx["date_cn"] = chinese_date(local_moment(case.closed_at)) if case.closed_at else ctx["date_cn"]


def closing_title(case: Case) -> str | None:
    """The title the closing record of this case has (None while it is open)."""
    return TITLES[_what_closed(case)[0]] if case.status == "closed" else None


def _what_closed(case: Case) -> tuple[str, Any, NaturalCompletion | None]:
    """(variant, the case's answer, its natural completion when that closed it).

    A reopened case answered again is closed by its last answer: a natural completion followed
    by a reply is closed by the reply."""
    if case.outcome == "merged":
        return "merged", None, None
    answer = cases.answers_of([case.id])[case.id]
    if case.outcome in ("direct_answer", "not_accepted"):
        return case.outcome, answer, None
    if answer.result == "natural_completion":
        row = cases.natural_completion_of(case.id)
        if row is not None:
            return "natural", answer, row
    return "reply", answer, None


# ---------------------------------------------------------------- the variants

def _natural(case: Case, row: NaturalCompletion, ctx: dict) -> None:
    declarer = db.session.get(User, row.declared_by_id)
    reason = _REASONS.get(row.reason, row.reason)
    filed = f"已备案（{when(row.filed_at)}）" if row.filed_at else "待备案"
    ctx.update(variant="natural", notice=row.notice, natural_reason=reason,
               natural_department=department_name(row.department_id) or "")
    ctx["letter"] = (f"您反映的“{case.title}”问题（工单编号 {case.case_no}），因{reason}，"
                     f"{ctx['natural_department']}已于{when(row.declared_at)}按自然办结处理，现将有关情况告知如下。")
    case_rows = dict(ctx["case_rows"])
    ctx["natural_rows"] = [(k, case_rows[k]) for k in ("工单编号", "诉求类型", "来电人")] + [
                           ("自然办结原因", reason), ("办理时限", f"至{when(row.due_at)}止"),
                           ("申报单位", ctx["natural_department"]),
                           ("申报人", declarer.display_name if declarer else ""),
                           ("申报时间", when(row.declared_at)), ("备案情况", filed)]
    filed_text = f"已于{when(row.filed_at)}备案" if row.filed_at else "待备案"
    ctx["article8"] = ("根据《限时办结制》第八条，因申请人自身原因在办理时限届满前一个工作日或届满当日作自然办结的，"
                       f"视为按时办结。本件已报告中心主任，{filed_text}。")


def _reply(case: Case, answer: Any, ctx: dict) -> None:
    lead = ctx["lead"] or department_name(case.lead_department_id) or ""
    result = _RESULTS.get(answer.result or "", answer.result or "")
    ctx.update(variant="reply", closing_heading="答复意见", closing_text=answer.reply_text or "")
    ctx["letter"] = (f"您反映的“{case.title}”问题（工单编号 {case.case_no}）已由{lead or '承办单位'}办理完毕，"
                     "现将答复意见告知如下。")
    ctx["closing_rows"] = [("办理结果", result), ("答复时间", when(_reply_at(case.id))),
                           ("办结时间", when(case.closed_at))]


def _direct_answer(case: Case, answer: Any, ctx: dict) -> None:
    ctx.update(variant="direct_answer", closing_heading="答复内容", closing_text=answer.reply_text or "")
    ctx["letter"] = (f"您于{when(case.created_at)}反映的“{case.title}”问题（工单编号 {case.case_no}），"
                     "本中心已当即答复，现将答复内容告知如下。")
    ctx["closing_rows"] = [("处置方式", "直接答复（即办件）"), ("答复时间", when(case.closed_at))]


def _not_accepted(case: Case, answer: Any, ctx: dict) -> None:
    reason = _NOT_ACCEPTED.get(answer.not_accepted_reason or "", answer.not_accepted_reason or "")
    ctx.update(variant="not_accepted", closing_heading="", closing_text="")
    ctx["letter"] = (f"您于{when(case.created_at)}反映的“{case.title}”（工单编号 {case.case_no}），"
                     f"经审核，属于{reason}，本中心不予受理，特此告知。")
    ctx["closing_rows"] = [("不予受理原因", reason), ("告知时间", when(case.closed_at))]


def _merged(case: Case, ctx: dict) -> None:
    target = db.session.execute(select(Case.case_no).where(Case.id == case.merged_into_id)).scalar() or ""
    ctx.update(variant="merged", closing_heading="", closing_text="", merged_into=target)
    ctx["letter"] = (f"您反映的“{case.title}”问题（工单编号 {case.case_no}）与工单 {target} 所反映的诉求相同，"
                     f"已并入该工单一并办理，办理进度和结果以工单 {target} 为准，特此告知。")
    ctx["closing_rows"] = [("并入工单编号", target), ("并单时间", when(case.closed_at))]


def _reply_at(case_id: int) -> datetime | None:
    """When the last reply was submitted (the `handle` event that replied)."""
    rows = db.session.execute(select(CaseEvent.created_at, CaseEvent.data).where(
        CaseEvent.case_id == case_id, CaseEvent.action == "handle").order_by(CaseEvent.id.desc())).all()
    return next((at for at, data in rows if (data or {}).get("action") == "reply"), None)
