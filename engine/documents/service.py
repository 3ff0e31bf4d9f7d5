"""Official documents (公文) of a case as PDF: transfer slip, assignment letter, notices, receipt,
and the completion documents of `closing` (办结通知书, the closing record of every closed case).

Every document is built from the case as it is at print time, checked against the actor's
scope, and every print is an audit event ("printed", {kind}) committed with it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select

from engine import cases
from engine.db import db
from engine.deadlines import local_moment
from engine.documents import closing, reexamination  # reexamination: 复核意见书 (issue 14)
from engine.documents.common import DocumentNotAvailable, chinese_date, mask_phone, when as _when
from engine.errors import DomainError, NotFound, PermissionDenied
from engine.models import Case, CaseDepartment, CaseEvent, Deadline, Department, NaturalCompletion, OvertimeReport, Urge
from engine.organisation import Actor
from engine.ports import now as clock_now
from forms.definitions import CATEGORY_OPTIONS, CHANNEL_OPTIONS
from forms.messages import msg

KINDS: dict[str, str] = {
    "transfer-slip": "办理转送单",
    "assignment-letter": "交办函",
    "supervision-notice": "督办通知单",
    "extension-form": "延期申请表",
    "overtime-report": "超时办结情况报告表",
    "receipt": "受理回执",
    "completion-notice": closing.NOTICE,
    "closing-record": "办结文书",       # titled per case by what closed it (closing.TITLES)
    "reexamination-opinion": reexamination.TITLE,   # 复核意见书 of a re-examination case (issue 14)
}
ISSUER = "某市12345政务服务便民热线中心"
_CATEGORIES = {code: zh for code, zh, _ in CATEGORY_OPTIONS}
_CHANNELS = {code: zh for code, zh, _ in CHANNEL_OPTIONS}


@dataclass
class Skipped:
    """A case a batch leaves out, and why (`reason` as DocumentNotAvailable.code, or not_found)."""

    case_id: int
    case_no: str | None
    title: str | None
    reason: str
    error: DomainError       # what printing this case alone raises


@dataclass
class Batch:
    """What a batch print will print (the cases and their documents' contents) and what it skips."""

    kind: str
    printable: list[Case] = field(default_factory=list)
    contexts: list[dict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def available(case: Case) -> list[str]:
    """Kinds that make sense for this case now (one query, for what the case row does not say)."""
    has_report, asked_extension, natural = db.session.execute(select(
        exists().where(OvertimeReport.case_id == case.id),
        exists().where(CaseEvent.case_id == case.id, CaseEvent.action == "handle"),
        exists().where(NaturalCompletion.case_id == case.id),
    )).one()
    if asked_extension:   # a handle event may be a reply: only then look at the events themselves
        asked_extension = _extension_request(case.id) is not None
    return _available(case, bool(has_report), bool(asked_extension), bool(natural))


def _available(case: Case, has_report: bool, asked_extension: bool, natural: bool) -> list[str]:
    dispatched = case.lead_department_id is not None
    ok = {"transfer-slip": dispatched,
          "assignment-letter": dispatched and case.dispatch_mode == "assign",
          "supervision-notice": dispatched and case.urge_count > 0,
          "extension-form": asked_extension or case.extension_count > 0,
          "overtime-report": has_report,
          "receipt": True,
          "completion-notice": natural,
          "closing-record": case.status == "closed",
          "reexamination-opinion": case.channel == "web" and reexamination.available(case)}
    return [kind for kind in KINDS if ok[kind]]


def titles(case: Case, kinds: list[str]) -> dict[str, str]:
    """The names of these kinds for this case: the closing record by what closed the case (答复意见书…)."""
    names = {kind: KINDS[kind] for kind in kinds}
    if "closing-record" in names:
        names["closing-record"] = closing.closing_title(case) or KINDS["closing-record"]
    return names


def render(*, kind: str, case_id: int, actor: Actor, base_url: str = "") -> bytes:
    """One document of one case as PDF; the print is audited and committed.

    A case outside the actor's scope or without this document raises (404/403/409)."""
    _check_kind(kind)
    case = cases.get_case(case_id=case_id, actor=actor)
    return print_batch(Batch(kind=kind, printable=[case], contexts=[_context(kind, case, base_url)]), actor=actor)


def render_batch(*, kind: str, case_ids: list[int], actor: Actor, base_url: str = "") -> bytes:
    """One PDF with the document of each case; raises for the first case that has none."""
    batch = plan_batch(kind=kind, case_ids=case_ids, actor=actor, base_url=base_url)
    if batch.skipped:
        raise batch.skipped[0].error
    return print_batch(batch, actor=actor)


def plan_batch(*, kind: str, case_ids: list[int], actor: Actor, base_url: str = "") -> Batch:
    """Which of the cases have this document now (their contents built), which do not and why.

    Nothing is printed or recorded: the page shows the plan when something is skipped."""
    _check_kind(kind)
    if not case_ids:
        raise NotFound(msg("nothing_to_print", "no cases to print"))
    batch = Batch(kind=kind)
    for case_id in case_ids:
        try:
            case = cases.get_case(case_id=case_id, actor=actor)
        except (NotFound, PermissionDenied) as exc:
            batch.skipped.append(Skipped(case_id, None, None, "not_found", exc))
            continue
        try:
            batch.contexts.append(_context(kind, case, base_url))
            batch.printable.append(case)
        except DocumentNotAvailable as exc:
            batch.skipped.append(Skipped(case.id, case.case_no, case.title, exc.code, exc))
    return batch


def print_batch(batch: Batch, *, actor: Actor) -> bytes:
    """The printable cases of a plan in one PDF, each from a new page; one audit event per case."""
    import printing  # late: WeasyPrint loads only where documents are printed

    if not batch.printable:
        raise DocumentNotAvailable(msg("none_printable", "none of the cases has a %(title)s", title=KINDS[batch.kind]))
    try:
        pdf = printing.render_many(f"{batch.kind}.html", batch.contexts)
        now = clock_now()
        cases.record_events([dict(case_id=c.id, actor_id=actor.user_id, action="printed", from_stage=c.stage,
                                  to_stage=c.stage, data={"kind": batch.kind, "title": ctx["title"]},
                                  created_at=now) for c, ctx in zip(batch.printable, batch.contexts)])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return pdf


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotFound(msg("unknown_document", "unknown document kind '%(kind)s'; kinds: %(kinds)s", kind=kind,
                           kinds=", ".join(KINDS)))


# ---------------------------------------------------------------- what each document shows

def _context(kind: str, case: Case, base_url: str) -> dict:
    from printing import codes

    depts = _departments(case.id)
    lookup = base_url.rstrip("/") + "/lookup"
    lookup_url = f"{lookup}?case_no={case.case_no}"
    ctx = dict(c=case, title=KINDS[kind], issuer=ISSUER, date_cn=chinese_date(local_moment(clock_now())),
               year=local_moment(clock_now()).year, lookup_url=lookup_url, lookup_url_plain=lookup,
               barcode_uri=codes.code128_data_uri(case.case_no), qr_uri=codes.qr_data_uri(lookup_url),
               lead=depts["lead"], co="、".join(depts["co"]))
    ctx["case_rows"] = _case_rows(case, depts)
    build = _BUILDERS[kind]
    build(case, ctx)
    return ctx


def _departments(case_id: int) -> dict:
    rows = db.session.execute(select(CaseDepartment.role, Department.name).join(
        Department, Department.id == CaseDepartment.department_id).where(
        CaseDepartment.case_id == case_id, CaseDepartment.active.is_(True)).order_by(CaseDepartment.id)).all()
    return {"lead": next((n for r, n in rows if r == "lead"), ""), "co": [n for r, n in rows if r == "co"]}


def _case_rows(case: Case, depts: dict) -> list[tuple[str, str]]:
    return [("工单编号", case.case_no), ("登记时间", _when(case.created_at)),
            ("诉求类型", _CATEGORIES.get(case.category, case.category)),
            ("来源渠道", _CHANNELS.get(case.channel, case.channel)),
            ("来电人", f"{case.citizen_name}（{mask_phone(case.phone)}）"),
            ("地址", case.address), ("标题", case.title),
            ("承办单位", depts["lead"]), ("协办单位", "、".join(depts["co"]))]


def _dispatch_event(case_id: int) -> dict:
    data = db.session.execute(select(CaseEvent.data).where(
        CaseEvent.case_id == case_id, CaseEvent.action == "dispatch").order_by(CaseEvent.id.desc()).limit(1)).scalar()
    return data or {}


def _lead_deadline(case_id: int, stage: str) -> Deadline | None:
    return db.session.execute(select(Deadline).where(
        Deadline.case_id == case_id, Deadline.stage == stage, Deadline.role == "lead",
        Deadline.state != "cancelled").order_by(Deadline.round.desc(), Deadline.id.desc()).limit(1)).scalar()


def _due_texts(case: Case) -> tuple[str, str]:
    """Sign-for and handling limits with the working-day note, e.g. "15个工作日，至2026年12月18日17:30止"."""
    sign, handle = _lead_deadline(case.id, "sign_for"), _lead_deadline(case.id, "handling")
    sign_text = _limit(sign.working_days, case.sign_due_at or sign.due_at, sign.provisional) if sign else "—"
    if handle is None:
        return sign_text, "自签收之日起计算"
    extra = sum(int(d.get("days") or 0) for d in db.session.execute(select(CaseEvent.data).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "due_changed",
        CaseEvent.created_at >= handle.started_at)).scalars())
    due = handle.due_at
    text = _limit(handle.working_days + extra, due, handle.provisional)
    if extra:
        text += f"（含延长{extra}个工作日）"
    return sign_text, text


def _limit(days: int, due: datetime, provisional: bool) -> str:
    note = "（暂定，节假日安排未公布）" if provisional else ""
    return f"{days}个工作日，至{_when(due)}止{note}"


def _dispatch_rows(case: Case, ctx: dict) -> None:
    event = _dispatch_event(case.id)
    sign_text, handle_text = _due_texts(case)
    ctx["handle_due_text"] = _when(case.handle_due_at) if case.handle_due_at else "规定时限"
    ctx["instruction"] = event.get("instruction") or ""
    ctx["dispatch_rows"] = [("派单方式", "交办" if case.dispatch_mode == "assign" else "转送"),
                            ("签收时限", sign_text), ("办理时限", handle_text),
                            ("派单意见", event.get("opinion") or "")]


def _need_dispatch(case: Case, kind: str) -> None:
    if case.lead_department_id is None:
        raise DocumentNotAvailable(msg("not_dispatched", "case %(no)s has not been dispatched: no %(title)s", no=case.case_no, title=KINDS[kind]))


def _transfer_slip(case: Case, ctx: dict) -> None:
    _need_dispatch(case, "transfer-slip")
    _dispatch_rows(case, ctx)


def _assignment_letter(case: Case, ctx: dict) -> None:
    _need_dispatch(case, "assignment-letter")
    if case.dispatch_mode != "assign":
        raise DocumentNotAvailable(msg("not_assigned", "case %(no)s was transferred, not assigned: no 交办函", no=case.case_no))
    _dispatch_rows(case, ctx)


def _supervision_notice(case: Case, ctx: dict) -> None:
    _need_dispatch(case, "supervision-notice")
    urges = list(db.session.execute(select(Urge).where(Urge.case_id == case.id).order_by(Urge.seq)).scalars())
    if not urges:
        raise DocumentNotAvailable(msg("not_urged", "case %(no)s has not been urged: no 督办通知单", no=case.case_no))
    _dispatch_rows(case, ctx)
    ctx["urges"] = [[(f"第{u.seq}次督办", _when(u.created_at)), ("督办意见", u.opinion),
                     ("签收反馈", f"{_when(u.acknowledged_at)} {u.response or ''}".strip() if u.acknowledged_at else "未反馈")]
                    for u in urges]


def _extension_request(case_id: int) -> tuple[CaseEvent, CaseEvent | None] | None:
    rows = db.session.execute(select(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.action.in_(("handle", "decide_extension")))
        .order_by(CaseEvent.id)).scalars().all()
    request, decision = None, None
    for ev in rows:
        if ev.action == "handle" and (ev.data or {}).get("action") == "extension":
            request, decision = ev, None
        elif ev.action == "decide_extension" and request is not None:
            decision = ev
    return (request, decision) if request else None


def _extension_form(case: Case, ctx: dict) -> None:
    found = _extension_request(case.id)
    if found is None:
        raise DocumentNotAvailable(msg("no_extension", "case %(no)s has no extension request: no 延期申请表", no=case.case_no))
    request, decision = found
    _dispatch_rows(case, ctx)
    if decision is None:
        verdict, opinion = "待审批", ""
    elif decision.data.get("approved"):
        verdict = f"同意延期{decision.data.get('approved_days', request.data.get('extension_days'))}个工作日"
        opinion = decision.data.get("opinion") or verdict
    else:
        verdict, opinion = "不同意延期", decision.data.get("opinion") or ""
    ctx["extension_reason"] = request.data.get("extension_reason") or ""
    ctx["decision_opinion"] = opinion or "—"
    ctx["extension_rows"] = [("申请时间", _when(request.created_at)),
                             ("申请延期", f"{request.data.get('extension_days')}个工作日"),
                             ("审批结果", verdict),
                             ("审批时间", _when(decision.created_at) if decision else ""),
                             ("当前办理时限", ctx["dispatch_rows"][2][1])]


def _overtime_report(case: Case, ctx: dict) -> None:
    report = db.session.execute(select(OvertimeReport).where(OvertimeReport.case_id == case.id)
                                .order_by(OvertimeReport.id.desc()).limit(1)).scalar()
    if report is None:
        raise DocumentNotAvailable(msg("no_overtime_report", "case %(no)s has no overtime report: no 超时办结情况报告表",
                                       no=case.case_no))
    deadline = db.session.get(Deadline, report.deadline_id)
    ctx["report"] = report
    ctx["report_rows"] = [("办理时限", _limit(deadline.working_days, deadline.due_at, deadline.provisional)),
                          ("报告时间", _when(report.created_at)), ("报告单位", ctx["lead"])]


def _receipt(case: Case, ctx: dict) -> None:
    ctx["registered_cn"] = chinese_date(local_moment(case.created_at))
    ctx["receipt_rows"] = [("工单编号", case.case_no), ("查询码", case.query_code),
                           ("受理时间", _when(case.created_at)),
                           ("诉求类型", _CATEGORIES.get(case.category, case.category)),
                           ("标题", case.title), ("联系电话", mask_phone(case.phone))]


_BUILDERS = {"transfer-slip": _transfer_slip, "assignment-letter": _assignment_letter,
             "supervision-notice": _supervision_notice, "extension-form": _extension_form,
             "overtime-report": _overtime_report, "receipt": _receipt,
             "completion-notice": closing.completion_notice, "closing-record": closing.closing_record,
             "reexamination-opinion": reexamination.reexamination_opinion}
