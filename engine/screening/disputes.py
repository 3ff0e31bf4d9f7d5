"""矛盾纠纷排查表: disputes found off-line (a visit, a grid worker's round), registered by the
department responsible for them or by the center, listed and read within the same scope."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed, check_form
from engine.localtime import local_date
from engine.models import Department, DisputeRecord, RiskType
from engine.organisation import Actor, check_area, scope
from engine.paging import Page
from engine.ports import now as clock_now
from engine.screening.access import DISPUTE_READERS, DISPUTE_ROLES, scoped
from forms import Field, Form
from forms.messages import msg

LEVELS = (("general", "一般", "Ordinary"), ("larger", "较大", "Serious"), ("major", "重大", "Major"))
DISPUTE_FORM = Form("dispute", "矛盾纠纷排查表", "Dispute screening record", (
    Field("found_on", "string", "发现日期", "Date found", required=True, max_length=10),
    Field("place", "string", "地点", "Place", required=True, max_length=200),
    Field("area_id", "area", "所属区域", "Area"),
    Field("parties", "text", "当事人", "Parties", required=True, max_length=2000),
    Field("risk_type_code", "string", "纠纷类型", "Kind of dispute", required=True, max_length=32),
    Field("description", "text", "纠纷情况", "Description", required=True, max_length=4000),
    Field("people_count", "integer", "涉及人数", "People involved", required=True, min_value=1, max_value=1000000),
    Field("risk_level", "choice", "风险等级", "Risk level", required=True, options=LEVELS),
    Field("measures", "text", "已采取措施", "Measures taken", max_length=4000),
    Field("department_id", "department", "责任单位", "Responsible department", required=True),
    Field("reporter", "string", "报告人", "Reporter", required=True, max_length=64),
))


def register(*, actor: Actor, data: dict) -> DisputeRecord:
    """Register one dispute; 422 names every bad field at once, 403 when the responsible
    department lies outside a department user's subtree."""
    actor.require(*DISPUTE_ROLES)
    errors: dict[str, list[str]] = {}
    try:
        clean = check_form(DISPUTE_FORM, data)
    except ValidationFailed as exc:
        clean, errors = {}, dict(exc.errors)
    raw = data or {}
    found_on = None if "found_on" in errors else _found_on(str(raw["found_on"]).strip(), errors)
    if "risk_type_code" not in errors and not db.session.execute(select(RiskType.id).where(
            RiskType.code == str(raw["risk_type_code"]).strip(), RiskType.active.is_(True))).first():
        errors["risk_type_code"] = [msg("risk_type_unknown", "no active risk type %(value)s", value=raw["risk_type_code"])]
    if clean:
        _check_places(clean, errors)
    if errors:
        raise ValidationFailed(errors)
    if scoped(actor) is not None and not scope.in_subtree(actor, clean["department_id"]):
        raise PermissionDenied(msg("dispute_out_of_scope", "department %(id)s is outside your department's scope",
                                   id=clean["department_id"]))
    row = DisputeRecord(**{**clean, "found_on": found_on, "measures": clean.get("measures", "")},
                        created_by_id=actor.user_id, created_at=clock_now())
    db.session.add(row)
    db.session.commit()
    return row


def _check_places(clean: dict, errors: dict) -> None:
    """The responsible department must exist and be open; the area be a district or street."""
    department = db.session.get(Department, clean["department_id"])
    if department is None or not department.active:
        errors["department_id"] = [msg("department_not_found", "department %(id)s does not exist", id=clean["department_id"])]
    if clean.get("area_id") is not None:
        try:
            check_area(clean["area_id"])
        except ValidationFailed as exc:
            errors.update(exc.errors)


def _found_on(text: str, errors: dict) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors["found_on"] = [msg("not_a_date", "must be a date (YYYY-MM-DD)")]
        return None
    if day > local_date(clock_now()):
        errors["found_on"] = [msg("date_in_future", "must not be in the future")]
    elif day.year < 2000:
        errors["found_on"] = [msg("out_of_range", "out of range")]
    return day


def _visible(actor: Actor) -> list:
    actor.require(*DISPUTE_READERS)
    limited = scoped(actor)
    return [] if limited is None else [DisputeRecord.department_id.in_(scope.subtree_department_ids(limited))]


def list_disputes(actor: Actor, *, start: date | None = None, end: date | None = None, risk_type: str | None = None,
                  risk_level: str | None = None, department_id: int | None = None, page: int = 1,
                  page_size: int = 50) -> Page:
    """Disputes found in [start, end] (dates found), newest first, in the actor's scope."""
    where = _visible(actor)
    if start:
        where.append(DisputeRecord.found_on >= start)
    if end:
        where.append(DisputeRecord.found_on <= end)
    if risk_type:
        where.append(DisputeRecord.risk_type_code == risk_type)
    if risk_level:
        where.append(DisputeRecord.risk_level == risk_level)
    if department_id:
        where.append(DisputeRecord.department_id.in_(scope.subtree_of(department_id)))
    total = db.session.execute(select(func.count()).select_from(DisputeRecord).where(*where)).scalar()
    rows = db.session.execute(select(DisputeRecord).where(*where)
                              .order_by(DisputeRecord.found_on.desc(), DisputeRecord.id.desc())
                              .limit(page_size).offset((page - 1) * page_size)).scalars().all()
    return Page(items=list(rows), total=total, page=page, page_size=page_size)


def get_dispute(actor: Actor, dispute_id: int) -> DisputeRecord:
    row = db.session.execute(select(DisputeRecord).where(DisputeRecord.id == dispute_id, *_visible(actor))).scalar()
    if row is None:
        if db.session.get(DisputeRecord, dispute_id) is not None:
            raise PermissionDenied(msg("dispute_not_in_scope", "dispute %(id)s belongs to a department outside "
                                                               "your scope", id=dispute_id))
        raise NotFound(msg("dispute_not_found", "dispute %(id)s does not exist", id=dispute_id))
    return row
