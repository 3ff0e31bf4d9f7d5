"""分类分档考核: the department evaluation of a month — each department's KPIs, weighted score and
grade band, grouped by kind, with how each score is made; and the same as an Excel sheet."""
from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import quote

from flask import Blueprint, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import login_required
from openpyxl import Workbook

from api.inputs import parse_id
from api.pages import sheets
from api.pages.filters import department_tree
from api.pages.statistics.custom import measure_label
from api.pages.statistics.kpis import shown
from api.pages.web import page_actor
from engine import statistics
from engine.deadlines.workdays import local_date
from engine.errors import ValidationFailed
from engine.ports import now as clock_now
from engine.statistics.evaluation import CODES
from forms.messages import msg

bp = Blueprint("statistics_evaluation", __name__)


def class_label(kind: str) -> str:
    return {"district": _("District governments"), "bureau": _("Functional bureaus"),
            "street": _("Streets and towns"), "community": _("Communities")}.get(kind, kind)


def _asked() -> tuple[str, int | None]:
    """The month (the last finished one by default) and the scope department."""
    month = (request.args.get("month") or "").strip()
    if not month:
        month = f"{local_date(clock_now()).replace(day=1) - timedelta(days=1):%Y-%m}"
    raw = (request.args.get("department_id") or "").strip()
    department_id = parse_id(raw) if raw else None
    if raw and department_id is None:
        raise ValidationFailed({"department_id": [msg("no_such_department", "no such department")]})
    return month, department_id


def points(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def line_cells(line) -> list:
    """One department's row as page and sheet show it: name, each KPI, score, band, rank."""
    return ([line.name] + [shown(line.kpis[c]) for c in CODES]
            + [points(line.score), line.band or "—", line.rank if line.rank is not None else "—"])


def header() -> list[str]:
    return [_("Department")] + [measure_label(c) for c in CODES] + [_("Score"), _("Grade"), _("Rank in class")]


@bp.get("/statistics/evaluation")
@login_required
def evaluation_page():
    actor = page_actor()
    month, errors, result = request.args.get("month", ""), {}, None
    try:
        month, department_id = _asked()
        result = statistics.evaluate(actor, month=month, department_id=department_id)
    except ValidationFailed as exc:
        errors = exc.errors
    return render_template("pages/statistics/evaluation.html", result=result, errors=errors, month=month,
                           header=header(), line_cells=line_cells, class_label=class_label, points=points,
                           measure_label=measure_label, shown=shown, departments=department_tree(),
                           args=request.args), 422 if errors else 200


@bp.get("/statistics/evaluation.xlsx")
@login_required
def evaluation_sheet():
    actor = page_actor()
    month, department_id = _asked()
    result = statistics.evaluate(actor, month=month, department_id=department_id)
    workbook = Workbook(write_only=True)
    out = workbook.create_sheet("分类分档考核")
    out.append([f"{result.month} · {result.total.name}"])
    out.append([sheets.header_cell(out, title) for title in [_("Class")] + header()])
    for kind, lines in result.classes:
        for line in lines:
            out.append([class_label(kind)] + line_cells(line))
    out.append([_("Total")] + line_cells(result.total))
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    response = send_file(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=f"evaluation_{result.month}.xlsx")
    response.headers["Content-Disposition"] += f"; filename*=UTF-8''{quote('分类分档考核')}_{result.month}.xlsx"
    return response
