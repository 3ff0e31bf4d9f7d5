"""The combined query (综合查询): cases in the actor's scope by many filters, paged or streamed for export.

Reads plain columns only — never the workflow blob, never whole ORM objects — so a page of 30 or
an export of 50,000 costs a few statements. Department actors see their subtree, as everywhere
(`scope.case_visible`).
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from sqlalchemy import and_, exists, func, select, text

from engine.cases import answers, search as case_words
from engine.db import MAX_ID, db
from engine.deadlines import COLOURS, colour_condition
from engine.errors import ValidationFailed
from engine.localtime import local_midnight
from engine.models import Case, CaseDepartment, Department, User, UserRole, WorkItem
from engine.models.case import CATEGORIES, CHANNELS, DISPATCH_MODES
from engine.organisation import Actor, roles as R, scope
from engine.paging import Page, bounded_count
from engine.ports import now as clock_now
from forms.messages import msg

# Reply status as the citizen would put it, derived from the case status.
REPLY_STATUSES = {"open": ("registered", "dispatching", "handling"),
                  "replied": ("reviewing", "visiting"), "closed": ("closed",)}
SORTS = {"registered": Case.created_at, "due": Case.due_at, "case_no": Case.case_no}
DEFAULT_SORT = "-registered"
EXPORT_LIMIT = 50_000
CASE_NO_LENGTH = 16     # GD + yyyymmdd + 6-digit sequence
CHUNK = 1000
COLUMNS = (Case.id, Case.case_no, Case.created_at, Case.category, Case.channel, Case.title, Case.citizen_name,
           Case.phone, Case.address, Case.confidential, Case.status, Case.stage, Case.dispatch_mode,
           Case.lead_department_id, Case.due_at, Case.warn_at, Case.suspended, Case.closed_at, Case.handling_kind)
HANDLING_KINDS = ("immediate", "committed")      # 即办件, 承诺件


@dataclass(frozen=True)
class Filters:
    """What the query form may ask; None means 'any'."""

    case_no: str | None = None
    q: str | None = None                    # words in the title, content or address
    registered_from: date | None = None     # local (Asia/Shanghai) days, both inclusive
    registered_to: date | None = None
    dispatch_mode: str | None = None
    handling_kind: str | None = None
    reply_status: str | None = None
    lead_department_id: int | None = None
    lead_handler_id: int | None = None
    co_department_id: int | None = None
    co_handler_id: int | None = None
    category: str | None = None
    channel: str | None = None
    colour: str | None = None


@dataclass
class Found:
    """One case of the result: its columns plus who handled it."""

    case: object                      # a Row with the COLUMNS' names
    co_department_ids: list[int] = field(default_factory=list)
    lead_handler_ids: list[int] = field(default_factory=list)
    co_handler_ids: list[int] = field(default_factory=list)
    answer: answers.Answer | None = None     # exports only: the reply, its result, the satisfaction


def _choice(options):
    """A parser accepting one of `options`."""
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(msg("not_an_option", "must be one of: %(options)s", options=", ".join(options)))
        return raw
    return parse


def _positive_int(raw: str) -> int:
    """An id typed or picked in the form (ASCII digits: '²'.isdigit() is true too)."""
    if not re.fullmatch(r"[0-9]{1,10}", raw) or not 1 <= int(raw) <= MAX_ID:
        raise ValueError(msg("not_an_id", "must be a positive whole number"))
    return int(raw)


def _date(raw: str) -> date:
    """A day as the date input sends it, between the years 1900 and 2999."""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(msg("not_a_date", "must be a date (YYYY-MM-DD)")) from None
    if not 1900 <= day.year <= 2999:      # year 1 in Shanghai is before year 1 in UTC: no such datetime
        raise ValueError(msg("year_out_of_range", "must be between the years %(first)s and %(last)s", first=1900, last=2999))
    return day


def _case_no(raw: str) -> str:
    """A case number or its beginning, in capitals as numbers are issued."""
    if len(raw) > 20:
        raise ValueError(msg("max_length", "at most %(max)s characters", max=20))
    return raw.upper()


def _words(raw: str) -> str:
    """Search words, as typed."""
    if len(raw) > case_words.MAX_LENGTH:
        raise ValueError(msg("max_length", "at most %(max)s characters", max=case_words.MAX_LENGTH))
    return raw


_PARSERS = {
    "case_no": _case_no, "q": _words, "registered_from": _date, "registered_to": _date,
    "dispatch_mode": _choice(DISPATCH_MODES), "handling_kind": _choice(HANDLING_KINDS), "reply_status": _choice(tuple(REPLY_STATUSES)),
    "lead_department_id": _positive_int, "lead_handler_id": _positive_int, "co_department_id": _positive_int,
    "co_handler_id": _positive_int, "category": _choice(CATEGORIES), "channel": _choice(CHANNELS),
    "colour": _choice(COLOURS),
}


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Filters from query arguments: blanks are ignored, a bad value raises ValidationFailed naming it."""
    values, errors = {}, {}
    for f in fields(Filters):
        raw = (args.get(f.name) or "").strip()
        if raw:
            try:
                values[f.name] = _PARSERS[f.name](raw)
            except ValueError as exc:
                errors[f.name] = [exc.args[0]]
    if values.get("registered_from") and values.get("registered_to") \
            and values["registered_from"] > values["registered_to"]:
        errors.setdefault("registered_to", []).append(
            msg("before_start", "must not be before the start date"))
    if errors:
        raise ValidationFailed(errors)
    return Filters(**values)


def _done_by(form_key: str, user_id: int, department=None):
    """EXISTS a completed task of this form on the case, done by the user (optionally for a department)."""
    conditions = [WorkItem.case_id == Case.id, WorkItem.form_key == form_key, WorkItem.state == "done",
                  WorkItem.completed_by_id == user_id]
    if department is not None:
        conditions.append(WorkItem.department_id == department)
    return exists().where(and_(*conditions))


def conditions(actor: Actor, f: Filters, now: datetime | None = None) -> list:
    """The SQL conditions on Case for the actor's scope and the filters."""
    out = [scope.case_visible(actor)]
    if f.case_no:   # a whole number is an indexed lookup; a part of one a prefix search
        whole = len(f.case_no) >= CASE_NO_LENGTH
        out.append(Case.case_no == f.case_no if whole else Case.case_no.startswith(f.case_no, autoescape=True))
    if f.q:
        out.append(case_words.words_condition(f.q))
    if f.registered_from:
        out.append(Case.created_at >= local_midnight(f.registered_from))
    if f.registered_to:
        out.append(Case.created_at < local_midnight(f.registered_to, 1))
    for name, column in (("dispatch_mode", Case.dispatch_mode), ("handling_kind", Case.handling_kind),
                         ("category", Case.category),
                         ("channel", Case.channel)):
        if getattr(f, name) is not None:
            out.append(column == getattr(f, name))
    if f.lead_department_id is not None:    # a district's cases include those its bureaus lead
        out.append(Case.lead_department_id.in_(scope.subtree_of(f.lead_department_id)))
    if f.dispatch_mode is not None:     # a returned case waiting to be dispatched again is in no mode
        out.append(Case.lead_department_id.is_not(None))
    if f.reply_status:
        out.append(Case.status.in_(REPLY_STATUSES[f.reply_status]))
    if f.colour:   # a suspended case's clock stands still: it has no colour
        out += [colour_condition(Case, f.colour, now or clock_now()), Case.suspended.is_(False)]
    if f.lead_handler_id:
        out.append(_done_by("handle", f.lead_handler_id, Case.lead_department_id))
    if f.co_department_id:
        out.append(exists().where(and_(CaseDepartment.case_id == Case.id, CaseDepartment.role == "co",
                                       CaseDepartment.active.is_(True),
                                       CaseDepartment.department_id == f.co_department_id)))
    if f.co_handler_id:
        out.append(_done_by("co_opinion", f.co_handler_id, f.co_department_id))
    return out


def _order(sort: str) -> list:
    """ORDER BY for a sort name ('-' for descending), ties broken by id so pages do not overlap."""
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        raise ValidationFailed({"sort": [msg("not_an_option", "must be one of: %(options)s", options=", ".join(SORTS))]})
    # Only the due date may be empty: NULLS LAST on a NOT NULL column would keep PostgreSQL from
    # walking its index (created_at, case_no) and make it sort every visible case instead.
    ordered = column.desc() if sort.startswith("-") else column.asc()
    if column is Case.due_at:
        ordered = ordered.nulls_last()      # cases without a clock after those with one, on every database
    return [ordered, Case.id.desc() if sort.startswith("-") else Case.id.asc()]


def search(*, actor: Actor, filters: Filters, page: int = 1, page_size: int = 30,
           sort: str = DEFAULT_SORT, count_cap: int | None = None) -> Page:
    """One page of the result (items are `Found`), with the total count (up to `count_cap` if given)."""
    where = and_(*conditions(actor, filters))
    order = _order(sort)
    capped = False
    if count_cap is None:
        total = db.session.execute(select(func.count()).select_from(Case).where(where)).scalar()
    else:
        total, capped = bounded_count(Case.id, where, count_cap)
    _serial_plans()
    rows = db.session.execute(select(*COLUMNS).where(where).order_by(*order)
                              .limit(page_size).offset((max(page, 1) - 1) * page_size)).all()
    return Page(items=_annotate(rows), total=total, page=page, page_size=page_size, capped=capped)


def _serial_plans() -> None:
    """No parallel workers for the rest of this transaction (PostgreSQL).

    A page walks an index in sort order and stops after 30 matches. Under a Limit, parallel
    workers behind a Gather Merge each walk their share of the index and fill their queues first:
    a selective filter (one handler's cases) went from 2 ms serial to 50-80 ms in parallel.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def stream(*, actor: Actor, filters: Filters, sort: str = DEFAULT_SORT,
           limit: int = EXPORT_LIMIT) -> Iterator[list[Found]]:
    """The whole result in chunks, at most `limit` cases (ask for limit + 1 to learn it was cut)."""
    where = and_(*conditions(actor, filters))
    query = select(*COLUMNS, Case.content).where(where).order_by(*_order(sort)).limit(limit)
    # Fetched in one go: a server-side cursor would have to stay open across the chunks' own reads.
    rows = db.session.execute(query).all()
    for lo in range(0, len(rows), CHUNK):
        chunk = _annotate(rows[lo:lo + CHUNK])
        answered = answers.of_cases([f.case.id for f in chunk])
        for f in chunk:
            f.answer = answered[f.case.id]
        yield chunk


def _annotate(rows) -> list[Found]:
    """Co-departments and handlers of these cases: two statements per chunk, not two per case."""
    found = {row.id: Found(case=row) for row in rows}
    if not found:
        return []
    ids = list(found)
    for case_id, department_id in db.session.execute(
            select(CaseDepartment.case_id, CaseDepartment.department_id).where(
                CaseDepartment.case_id.in_(ids), CaseDepartment.role == "co", CaseDepartment.active.is_(True))
            .order_by(CaseDepartment.id)):
        found[case_id].co_department_ids.append(department_id)
    handlers = db.session.execute(
        select(WorkItem.case_id, WorkItem.form_key, WorkItem.department_id, WorkItem.completed_by_id).where(
            WorkItem.case_id.in_(ids), WorkItem.state == "done", WorkItem.form_key.in_(("handle", "co_opinion")),
            WorkItem.completed_by_id.is_not(None)).order_by(WorkItem.id))
    for case_id, form_key, department_id, user_id in handlers:
        item = found[case_id]
        if form_key == "handle" and department_id == item.case.lead_department_id:
            _add_once(item.lead_handler_ids, user_id)
        elif form_key == "co_opinion":
            _add_once(item.co_handler_ids, user_id)
    return list(found.values())


def _add_once(ids: list[int], user_id: int) -> None:
    """Append unless present (a handler may complete the task more than once)."""
    if user_id not in ids:
        ids.append(user_id)


def department_choices() -> list[tuple[int, str, int]]:
    """(id, name, depth) of the departments cases go to, in tree order (names are not secret)."""
    rows = db.session.execute(select(Department.id, Department.name, Department.path)
                              .where(Department.active.is_(True), Department.kind.not_in(("city", "center")))
                              .order_by(Department.path)).all()
    return [(i, n, p.count("/") - 3) for i, n, p in rows]


def handler_choices(actor: Actor) -> list[tuple[int, str, str]]:
    """(id, name, department name) of the department staff in the actor's scope."""
    query = (select(User.id, User.display_name, Department.name).join(Department, Department.id == User.department_id)
             .where(User.active.is_(True), exists().where(and_(
                 UserRole.user_id == User.id, UserRole.role.in_(tuple(R.DEPARTMENT_ROLES)))))
             .order_by(Department.path, User.display_name))
    if not actor.is_center:
        query = query.where(Department.path.like(actor.department_path + "%"))
    return [tuple(row) for row in db.session.execute(query)]


def user_names(user_ids: set[int]) -> dict[int, str]:
    """Display names of some users (the handlers of a page or an export chunk)."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())


def handler_ids(found: list[Found]) -> set[int]:
    """Every handler named in these results."""
    return {u for f in found for u in (*f.lead_handler_ids, *f.co_handler_ids)}

