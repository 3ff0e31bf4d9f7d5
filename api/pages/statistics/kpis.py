"""统计考核指标: the KPI set over a period of Shanghai days, for the city or a department subtree,
as a page and as an Excel sheet with the same numbers (both read engine.statistics.compute)."""
from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import login_required
from openpyxl import Workbook

from api.inputs import day_argument, parse_id
from api.pages import sheets
from api.pages.filters import department_names
from api.pages.web import locale, page_actor
from engine import statistics
from engine.deadlines.workdays import local_date
from engine.errors import ValidationFailed
from engine.ports import now as clock_now
from forms.messages import msg

bp = Blueprint("statistics_pages", __name__)
# code -> (中文, English, kind): rate, count or seconds
KPIS = {
    "connection_rate": ("接通率", "Answered rate", "rate"), "answer_rate_15s": ("15 秒接通率", "Answered in 15 s", "rate"),
    "call_loss_trunk": ("呼损率·中继", "Lost at the trunk", "rate"), "call_loss_ivr": ("呼损率·IVR", "Lost in the IVR", "rate"),
    "call_loss_queue": ("呼损率·排队", "Lost in the queue", "rate"),
    "call_loss_agent": ("呼损率·坐席振铃", "Lost while an agent rang", "rate"),
    "call_loss_overflow": ("呼损率·溢出", "Overflowed", "rate"), "call_loss_dissuaded": ("智能劝阻", "Dissuaded", "rate"),
    "mean_wait_seconds": ("平均等待时长", "Mean wait", "seconds"), "intake": ("受理量", "Cases registered", "count"),
    "sign_for_on_time": ("签收及时率", "Signed for in time", "rate"),
    "handled_on_time": ("按时办结率", "Handled in time", "rate"), "overdue_cases": ("超期件数", "Overdue cases", "count"),
    "extension_rate": ("延期率", "Extension rate", "rate"), "return_rate": ("退回率", "Return rate", "rate"),
    "first_time_resolution": ("一次办结率", "Closed the first time", "rate"),
    "satisfaction_rate": ("满意率", "Satisfaction", "rate"), "visit_rate": ("回访率", "Visit rate", "rate"),
    "repeat_call_rate": ("重复来电率", "Repeat requests", "rate"), "urged_cases": ("督办件数", "Urged cases", "count"),
    "urged_closed_rate": ("督办办结率", "Urged cases closed", "rate"),
}



def _period() -> tuple[date, date, int | None]:
    today = local_date(clock_now())
    errors: dict = {}
    start, end = day_argument("start", today.replace(day=1), errors), day_argument("end", today, errors)
    if not errors and start > end:
        errors["end"] = [msg("before_start", "must not be before the start date")]
    if errors:
        raise ValidationFailed(errors)
    return start, end, parse_id(request.args.get("department_id"))


def shown(kpi) -> str:
    """A figure as people read it: 93.5%, 42, 1分05秒 (or — when nothing was counted)."""
    kind = KPIS.get(kpi.code, ("", "", "count"))[2]
    if kpi.value is None:
        return "—"
    if kind == "rate":
        return f"{kpi.value * 100:.1f}%"
    if kind == "seconds":
        minutes, seconds = divmod(int(round(kpi.value)), 60)
        return _("%(m)s min %(s)s s", m=minutes, s=seconds) if minutes else _("%(s)s s", s=seconds)
    return str(kpi.value)


def rows(figures: dict) -> list[tuple]:
    zh = locale() == "zh"
    return [((KPIS[c][0] if zh else KPIS[c][1]) if c in KPIS else c, k.numerator, k.denominator, shown(k), c)
            for c, k in figures.items()]


@bp.get("/statistics")
@login_required
def kpi_page():
    actor = page_actor()
    try:
        start, end, department_id = _period()
        figures = statistics.compute(actor, start=start, end=end, department_id=department_id)
        errors, status = {}, 200
    except ValidationFailed as exc:
        figures, errors, status = {}, exc.errors, 422
        start = end = department_id = None
    return render_template("pages/statistics/kpis.html", rows=rows(figures), errors=errors, start=start, end=end,
                           department_id=department_id, departments=department_names(),
                           args=request.args), status


@bp.get("/statistics/kpis.xlsx")
@login_required
def kpi_sheet():
    actor = page_actor()
    start, end, department_id = _period()
    figures = statistics.compute(actor, start=start, end=end, department_id=department_id)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("统计考核指标")
    scope = department_names().get(department_id, "全市") if department_id else "全市"
    sheet.append([f"{start.isoformat()} 至 {end.isoformat()} · {scope}"])
    sheet.append([sheets.header_cell(sheet, t) for t in ("指标", "分子", "分母", "数值", "代码")])
    for label, numerator, denominator, value, code in rows(figures):
        sheet.append([label, numerator, denominator, value, code])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    name = f"统计考核指标_{start:%Y%m%d}_{end:%Y%m%d}.xlsx"
    response = send_file(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=f"kpis_{start:%Y%m%d}_{end:%Y%m%d}.xlsx")
    response.headers["Content-Disposition"] += f"; filename*=UTF-8''{quote(name)}"
    return response

