"""The center director's time-limit registers (限时办结制): natural completions reported for filing
(自然办结报备, filed by the center director) and missed limits with their overtime reports
(超时办结登记, with an Excel download). Supervisors and admins read both; a department leader
reads the overtime register of their own department subtree."""
from __future__ import annotations

import re
from datetime import date, timezone
from urllib.parse import quote

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from api.inputs import parse_id, parse_page
from api.messages import say
from api.pages.consoles import register_rows as rows_of
from api.pages.consoles.common import require
from api.pages.web import locale, past_the_end
from engine.cases import natural, overtime_register
from engine.db import db
from engine.deadlines.calendar import FIRST_YEAR, LAST_YEAR
from engine.deadlines.workdays import TZ, local_date
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.models import Case, NaturalCompletion, User
from engine.ports import now as clock_now
from forms.messages import msg

bp = Blueprint("console_registers", __name__)
PAGE_SIZE = 50
FILED = {"pending": False, "filed": True, "all": None}          # the natural register's state filter
REPORTED = {"yes": True, "no": False}                           # the overtime register's report filter
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
MONTHS_LISTED = 36                                              # the month filter's choices


def parse_month(value: str | None) -> date | None:
    """A month as YYYY-MM (the month select's value, or typed in the address), None when empty; else 422."""
    text = (value or "").strip()
    if not text:
        return None
    found = _MONTH.fullmatch(text)
    if found and FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR and 1 <= int(found.group(2)) <= 12:
        return date(int(found.group(1)), int(found.group(2)), 1)
    raise ValidationFailed({"month": [msg("month_format", "a month as YYYY-MM, e.g. 2026-10")]})


def month_options(selected: date | None) -> list[tuple[str, str]]:
    """(YYYY-MM, label) of the last MONTHS_LISTED months, newest first, and the one asked for."""
    today = local_date(clock_now())
    count = today.year * 12 + today.month - 1                  # months since year 0
    months = [(n // 12, n % 12 + 1) for n in range(count, count - MONTHS_LISTED, -1)]
    if selected is not None and (selected.year, selected.month) not in months:
        months.insert(0, (selected.year, selected.month))
    zh = locale() == "zh"
    return [(f"{y:04d}-{m:02d}", f"{y}年{m}月" if zh else f"{y:04d}-{m:02d}") for y, m in months]


def _common_filters() -> tuple[int | None, date | None, dict]:
    """(department id, month, errors) from the query string."""
    try:
        return parse_id(request.args.get("department")), parse_month(request.args.get("month")), {}
    except ValidationFailed as exc:
        return parse_id(request.args.get("department")), None, exc.errors


def _names(user_ids: set) -> dict[int, str]:
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


# ------------------------------------------------------------------ 自然办结报备

@bp.get("/registers/natural-completions")
@login_required
def natural_completions():
    """Every reported natural completion, newest first, filtered by state, department and month."""
    return _natural_page(require(*natural.VIEW_ROLES))


def _natural_page(actor, status: int = 200):
    state = request.args.get("state") if request.args.get("state") in FILED else "all"
    department_id, month, errors = _common_filters()
    where = dict(actor=actor, department_id=department_id, month=month)
    result = natural.listing(filed=FILED[state], page=parse_page(request.args.get("page")),
                             page_size=PAGE_SIZE, **where)
    if status == 200 and not errors and (last := past_the_end(result)) is not None:
        return last
    counts = {key: natural.listing(filed=value, page_size=1, **where).total
              for key, value in FILED.items() if value is not None}
    people = _names({i["row"].declared_by_id for i in result.items} | {i["row"].filed_by_id for i in result.items})
    return render_template(
        "pages/consoles/natural_register.html", result=result, state=state, counts=counts, people=people,
        department_id=department_id, month=request.args.get("month", ""), months=month_options(month), errors=errors,
        departments=overtime_register.department_choices(actor), reason_label=_reason_label,
        may_file=actor.has(*natural.FILE_ROLES)), 422 if errors else status


def _reason_label(code: str | None) -> str:
    return rows_of.natural_reason_label(code, locale() == "zh")


@bp.post("/registers/natural-completions/<id:natural_id>/file")
@login_required
def file_natural(natural_id: int):
    """The director files (备案) one entry with an optional note; back to the register as it was
    filtered. Filed already or gone: the register again with the reason (409, 404)."""
    actor = require(*natural.FILE_ROLES)
    try:
        natural.file(actor=actor, natural_id=natural_id, note=request.form.get("note", ""))
    except NotFound as exc:
        flash(say(exc.message), "error")
        return _natural_page(actor, 404)
    except WrongState as exc:                       # filed already (by this director or another)
        flash(_("The natural completion of %(no)s cannot be filed again: %(why)s.",
                no=_case_no(natural_id), why=say(exc.message)), "error")
        return _natural_page(actor, 409)
    flash(_("Natural completion of %(no)s filed.", no=_case_no(natural_id)), "success")
    return redirect(url_for(".natural_completions", **request.args.to_dict()))


def _case_no(natural_id: int) -> str:
    return db.session.execute(select(Case.case_no).join(NaturalCompletion, NaturalCompletion.case_id == Case.id)
                              .where(NaturalCompletion.id == natural_id)).scalar() or ""


# ------------------------------------------------------------------ 超时办结登记

def _overtime_filters() -> tuple[overtime_register.Filters, dict]:
    department_id, month, errors = _common_filters()
    reported = REPORTED.get(request.args.get("report", ""))
    return overtime_register.Filters(department_id=department_id, month=month, reported=reported), errors


@bp.get("/registers/overtime")
@login_required
def overtime():
    """Missed lead limits with their cause and overtime report, latest first."""
    actor = require(*overtime_register.VIEW_ROLES)
    filters, errors = _overtime_filters()
    result = overtime_register.listing(actor=actor, filters=filters, page=parse_page(request.args.get("page")),
                                       page_size=PAGE_SIZE)
    if not errors and (last := past_the_end(result)) is not None:
        return last
    return render_template(
        "pages/consoles/overtime_register.html", result=result, errors=errors, filters=filters,
        month=request.args.get("month", ""), months=month_options(filters.month), report=request.args.get("report", ""),
        departments=overtime_register.department_choices(actor), cells=rows_of.overtime_cells,
        shown=rows_of.shown, show_natural=actor.has(*natural.VIEW_ROLES)), 422 if errors else 200


@bp.get("/registers/overtime.xlsx")
@login_required
def overtime_export():
    """The whole filtered register as an Excel workbook (a bad filter: 422 through the error page)."""
    actor = require(*overtime_register.VIEW_ROLES)
    filters, errors = _overtime_filters()
    if errors:
        raise ValidationFailed(errors)
    limit = current_app.config.get("REGISTER_EXPORT_LIMIT", overtime_register.EXPORT_LIMIT)
    entries = overtime_register.export(actor=actor, filters=filters, limit=limit + 1)
    cut = len(entries) > limit
    data = rows_of.overtime_workbook(entries[:limit], limit if cut else None)
    stamp = clock_now().replace(tzinfo=timezone.utc).astimezone(TZ).strftime("%Y%m%d_%H%M")
    response = send_file(data, as_attachment=True, download_name=f"超时办结登记_{stamp}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = (f'attachment; filename="overtime_{stamp}.xlsx"; '
                                               f"filename*=UTF-8''{quote(f'超时办结登记_{stamp}.xlsx')}")
    response.headers["X-Export-Rows"] = str(min(len(entries), limit))
    return response
