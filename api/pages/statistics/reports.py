"""固定报表: the daily, weekly, monthly and yearly report of the city or a department subtree, as
a page, an Excel workbook and a printable A4 PDF — all three render one report object
(engine.statistics.report) through one view (report_view), with its 平衡校验 shown, never hidden."""
from __future__ import annotations

import io
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import login_required
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from api.inputs import parse_id
from api.pages import sheets
from api.pages.filters import department_names
from api.pages.statistics import report_view
from api.pages.web import page_actor
from engine import statistics
from engine.errors import ValidationFailed

bp = Blueprint("statistics_reports", __name__)
RED = PatternFill("solid", fgColor="F8D7DA")


def _build():
    """The report the query asks for (kind, period, department_id) and its view."""
    actor = page_actor()
    department_id = parse_id(request.args.get("department_id"))
    found = statistics.report(actor, kind=request.args.get("kind") or "month", value=request.args.get("period"),
                              department_id=department_id)
    scope = department_names().get(found.scope_id, "") if found.scope_id else _("The whole city")
    return found, report_view.view(found, scope)


@bp.get("/statistics/reports")
@login_required
def report_page():
    try:
        found, shown = _build()
        errors, status = {}, 200
    except ValidationFailed as exc:
        found, shown, errors, status = None, None, exc.errors, 422
    labels = {"kind": _("Report kind"), "period": _("Period"), "department_id": _("Department")}
    return render_template("pages/statistics/report.html", report=found, view=shown, errors=errors,
                           labels=labels, kinds=[(k, report_view.say(report_view.KIND_LABELS[k]))
                                                 for k in statistics.REPORT_KINDS],
                           departments=department_names(), args=request.args), status


def _header(sheet, titles) -> list:
    return [sheets.header_cell(sheet, t) for t in titles]


def _red(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.fill, cell.font = RED, Font(color="B3261E", bold=True)
    return cell


def _summary_sheet(workbook, shown: dict) -> None:
    sheet = workbook.create_sheet("概况")
    period = shown["period"]
    sheet.append([shown["title"]])
    sheet.append([f"{period.start.isoformat()} 至 {period.end.isoformat()}"])
    sheet.append(_header(sheet, ["指标", "分子", "分母", "数值", *shown["compared_titles"], "代码"]))
    for row in shown["headline"]:
        sheet.append([row["label"], row["numerator"], row["denominator"], row["shown"], *row["compared"], row["code"]])
    cohort = shown["cohort"]
    sheet.append([])
    sheet.append(_header(sheet, ["本期受理", "办理中", "已办结", "已并单"]))
    sheet.append([cohort.intake, cohort.open, cohort.closed, cohort.merged])
    sheet.append([])
    sheet.append(_header(sheet, ["平衡校验"]))
    for line in shown["imbalances"]:
        sheet.append([_red(sheet, line)])
    if shown["balanced"]:
        sheet.append(["平衡校验通过：各分项之和等于合计，受理量 = 办理中 + 已办结 + 已并单。"])


def _section_sheet(workbook, shown: dict, sec) -> None:
    sheet = workbook.create_sheet(sec.title)
    sheet.append(_header(sheet, ["分组", *[f"{label}{part}" for _c, label in shown["codes"]
                                         for part in ("·分子", "·分母", "")], "键"]))
    for row in [*sec.rows, sec.total]:
        sheet.append([row.label, *[v for c in row.cells for v in (c.numerator, c.denominator, c.shown)], row.key])
    if sec.sums is not None:
        sheet.append([_red(sheet, sec.sums.label), *[_red(sheet, v) if c.code in sec.off else v for c in sec.sums.cells
                                                     for v in (c.numerator, c.denominator, c.shown)], sec.sums.key])


def _filename(found, ext: str) -> str:
    return f"固定报表_{found.period.kind}_{found.period.name}.{ext}"


@bp.get("/statistics/reports.xlsx")
@login_required
def report_sheet():
    found, shown = _build()
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, shown)
    for sec in shown["sections"]:
        _section_sheet(workbook, shown, sec)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    response = send_file(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=f"report_{found.period.kind}_{found.period.name}.xlsx")
    response.headers["Content-Disposition"] += f"; filename*=UTF-8''{quote(_filename(found, 'xlsx'))}"
    return response


@bp.get("/statistics/reports.pdf")
@login_required
def report_pdf():
    import printing  # late: WeasyPrint loads only where something is printed

    found, shown = _build()
    data = printing.render_pdf("statistics-report.html", {"v": shown})
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(_filename(found, 'pdf'))}"
    response.headers["Cache-Control"] = "no-store"
    return response
