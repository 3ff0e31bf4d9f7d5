"""The monthly accountability report per department (count by rule and by decision), as a page
and as an Excel sheet with the same numbers (both read engine.accountability.monthly)."""
from __future__ import annotations

import io
from urllib.parse import quote

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import login_required
from openpyxl import Workbook

from api.pages import sheets
from api.pages.accountability.labels import RULE_ZH, decision_label, rule_label
from api.pages.consoles.registers import month_options, parse_month
from api.pages.web import page_actor
from engine import accountability
from engine.deadlines.workdays import local_date
from engine.ports import now as clock_now

bp = Blueprint("accountability_monthly", __name__)


def _report():
    month = parse_month(request.args.get("month")) or local_date(clock_now()).replace(day=1)
    return accountability.monthly(page_actor(), month)


@bp.get("/accountability/monthly")
@login_required
def monthly_page():
    report = _report()
    return render_template("pages/accountability/monthly.html", report=report, months=month_options(report.month),
                           monthly_table=lambda r: table(r, rule_name=rule_label, decision_name=decision_label))


def table(report: accountability.Report, *, rule_name, decision_name) -> list[list]:
    """Header and rows as both the page's and the sheet's table: department, per rule, per decision, total."""
    header = [_("Department")] + [rule_name(r) for r in report.rules] + \
             [decision_name(d) for d in report.decisions] + [_("Total")]
    body = [[row.department] + [row.by_rule.get(r, 0) for r in report.rules] +
            [row.by_decision.get(d, 0) for d in report.decisions] + [row.total]
            for row in report.rows + [report.total]]
    body[-1][0] = _("All departments")
    return [header] + body


@bp.get("/accountability/monthly.xlsx")
@login_required
def monthly_sheet():
    report = _report()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("责任追究月报")
    sheet.append([f"{report.month:%Y年%m月} 责任追究情况"])
    header, *body = table(report, rule_name=RULE_ZH.get, decision_name=lambda d: d or "未决定")
    header[0], header[-1], body[-1][0] = "单位", "合计", "全部单位"
    sheet.append([sheets.header_cell(sheet, str(t)) for t in header])
    for row in body:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    response = send_file(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=f"accountability_{report.month:%Y%m}.xlsx")
    response.headers["Content-Disposition"] += f"; filename*=UTF-8''{quote(f'责任追究月报_{report.month:%Y%m}.xlsx')}"
    return response
