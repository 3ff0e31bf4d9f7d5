"""GET requests: the public status of requests posted through Open311, for anyone, without a key.

Only requests that came in through this interface are shown (a phone call was never offered for
publication), never a confidential one, and nothing personal: no name, no phone, the location
only as the client gave it, long digit runs in the description masked. `expected_datetime` is
the case's statutory handling due (the deadlines domain's working-day calendar), once dispatched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, ValidationFailed
from engine.models import Case, Department, Matter, Open311Request
from engine.ports import now as clock_now
from forms.messages import msg

MAX_RESULTS = 1000           # the GeoReport default cap of one answer
WINDOW = timedelta(days=90)  # the default range, and the widest one a client may ask for
MAX_IDS = 1000
_DIGITS = re.compile(r"\d{7,}")
STAGE_NOTES = {"registered": "已受理，等待分办", "dispatching": "正在派单", "handling": "承办单位办理中",
               "reviewing": "办理结果审核中", "visiting": "已答复，回访中"}
OUTCOME_NOTES = {"direct_answer": "已直接答复办结", "not_accepted": "不予受理，已告知原因",
                 "merged": "与其他诉求合并办理", "archived": "已办结"}


@dataclass(frozen=True)
class RequestView:
    """One service request as GeoReport v2 shows it (times naive UTC; the API writes +08:00)."""

    service_request_id: str
    status: str
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str
    address_id: str
    lat: float | None
    long: float | None
    media_url: str
    service_notice: str = ""
    zipcode: str = ""


@dataclass
class Filters:
    service_request_ids: list[str] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None      # naive UTC
    end: datetime | None = None
    statuses: list[str] | None = None  # open | closed


def _query():
    return (select(Case.case_no, Case.status, Case.stage, Case.outcome, Case.suspended, Case.content,
                   Case.created_at, Case.updated_at, Case.handle_due_at, Case.due_at, Matter.code, Matter.name,
                   Department.name.label("department"), Open311Request.address_string, Open311Request.address_id,
                   Open311Request.lat, Open311Request.long, Open311Request.media_url)
            .join(Open311Request, Open311Request.case_id == Case.id)
            .outerjoin(Matter, Matter.id == Case.matter_id)
            .outerjoin(Department, Department.id == Case.lead_department_id)
            .where(Case.confidential.is_(False)))


def search(filters: Filters) -> list[RequestView]:
    """The requests the filters select, newest first, at most MAX_RESULTS. A list of ids overrides
    every other filter (as the standard says); otherwise the range defaults to the last 90 days."""
    query = _query()
    if filters.service_request_ids:
        query = query.where(Case.case_no.in_(filters.service_request_ids[:MAX_IDS]))
    else:
        start, end = window(filters.start, filters.end)
        query = query.where(Case.created_at >= start, Case.created_at <= end)
        if filters.service_codes:
            query = query.where(Matter.code.in_(filters.service_codes))
        if filters.statuses and set(filters.statuses) != {"open", "closed"}:
            closed = Case.status == "closed"
            query = query.where(closed if filters.statuses == ["closed"] else ~closed)
    rows = db.session.execute(query.order_by(Case.created_at.desc(), Case.id.desc()).limit(MAX_RESULTS)).all()
    return [_view(r) for r in rows]


def window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The range asked for, completed to 90 days; wider, or ending before it starts: 400."""
    if start is None and end is None:
        end = clock_now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise ValidationFailed({"end_date": [msg("open311_end_before_start", "must not be before start_date")]})
    if end - start > WINDOW:
        raise ValidationFailed({"end_date": [msg("open311_window", "the range may not span more than 90 days")]})
    return start, end


def get(service_request_id: str) -> RequestView:
    """One request by its case number; NotFound for no such (or no public) request."""
    row = db.session.execute(_query().where(Case.case_no == service_request_id[:20])).first()
    if row is None:
        raise NotFound(msg("open311_request_not_found", "service_request_id %(id)s was not found",
                           id=service_request_id[:40]))
    return _view(row)


def by_token(token: str) -> tuple[str, str]:
    """(token, service_request_id) of a token a POST answered, the id "" while the request waits in
    the intake queue (or was kept there failed); NotFound for a token never given."""
    row = db.session.execute(select(Open311Request.token, Case.case_no)
                             .outerjoin(Case, Case.id == Open311Request.case_id)
                             .where(Open311Request.token == token[:40])).first()
    if row is None:
        raise NotFound(msg("open311_token_not_found", "token %(token)s was not found", token=token[:40]))
    return row.token, row.case_no or ""


def status_notes(status: str, stage: str, outcome: str | None, suspended: bool) -> str:
    """Where the request stands, in plain words."""
    if status == "closed":
        return OUTCOME_NOTES.get(outcome or "", "已办结")
    note = STAGE_NOTES.get(status, "办理中")
    return f"{note}（暂停计时，等待补充材料）" if suspended else note


def mask(text: str) -> str:
    """Long digit runs (phone, ID card numbers a citizen typed) keep only their ends."""
    return _DIGITS.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 5) + m[0][-2:], text)


def _view(r) -> RequestView:
    return RequestView(
        service_request_id=r.case_no, status="closed" if r.status == "closed" else "open",
        status_notes=status_notes(r.status, r.stage, r.outcome, r.suspended), service_name=r.name or "",
        service_code=r.code or "", description=mask(r.content), agency_responsible=r.department or "",
        requested_datetime=r.created_at, updated_datetime=r.updated_at,
        expected_datetime=r.handle_due_at or r.due_at, address=r.address_string, address_id=r.address_id,
        lat=r.lat, long=r.long, media_url=r.media_url)
