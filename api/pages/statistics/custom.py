"""自定义报表: the custom report builder. The definition travels in the URL (a GET form, so a report
is a link), runs through engine.statistics.ReportSpec (whitelists only), and is shown as a table
with a totals row; saved under a name for one of the user's roles, reopened, deleted, exported to
Excel with the page's numbers."""
from __future__ import annotations

import io
import json
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from openpyxl import Workbook
from werkzeug.datastructures import MultiDict

from api.inputs import parse_id
from api.pages import sheets
from api.pages.filters import department_names, department_tree, option_label
from api.pages.statistics.kpis import KPIS, shown
from api.pages.web import locale, page_actor
from engine import statistics
from engine.deadlines.workdays import local_date
from engine.errors import ValidationFailed
from engine.organisation import AREA_KINDS
from engine.ports import now as clock_now
from engine.statistics import saved
from forms.definitions import CATEGORY_OPTIONS, CHANNEL_OPTIONS

bp = Blueprint("statistics_custom", __name__)
DIMENSION_LABELS = {
    "department": ("承办单位", "Department"), "category": ("诉求类型", "Category"), "channel": ("来源渠道", "Channel"),
    "area": ("所属区域", "Area"), "dispatch_mode": ("派单方式", "Dispatch mode"), "year": ("年", "Year"),
    "month": ("月", "Month"), "day": ("日", "Day"), "hour": ("时段", "Hour"),
}
SPEC_ARGS = ("dimensions", "measures", "parts", "start", "end", "department_id", "category", "channel", "area_id")


def dimension_label(code: str) -> str:
    pair = DIMENSION_LABELS.get(code, (code, code))
    return pair[0] if locale() == "zh" else pair[1]


def measure_label(code: str) -> str:
    return (KPIS[code][0] if locale() == "zh" else KPIS[code][1]) if code in KPIS else code


def field_name(field: str) -> str:
    """What the builder calls a field in its error lines."""
    return {"dimensions": _("Dimensions"), "measures": _("Figures to show"), "start": _("Start date"),
            "end": _("End date"), "department_id": _("Department"), "area_id": _("Area"), "category": _("Category"),
            "channel": _("Channel"), "name": _("Report name"), "role": _("Role"), "parts": _("Numerators")}.get(
        field, field)


def key_label(dimension: str, key, names: dict) -> str:
    """A dimension value as people read it: names of departments and areas, labels of codes,
    months and days as written, hours as 09:00."""
    if key is None:
        return _("(none)")
    if dimension in ("department", "area"):
        return names.get(key, str(key))
    if dimension == "category":
        return option_label(CATEGORY_OPTIONS, key)
    if dimension == "channel":
        return option_label(CHANNEL_OPTIONS, key)
    if dimension == "dispatch_mode":
        return {"transfer": _("transfer"), "assign": _("assign")}.get(key, key)
    if dimension == "hour":
        return f"{int(key):02d}:00"
    return str(key)


def spec_mapping(args: MultiDict) -> dict:
    """The spec's fields from query arguments (lists for the repeated ones; the period defaults
    to this month so far)."""
    today = local_date(clock_now())
    found = {name: args.get(name) for name in SPEC_ARGS if args.get(name) not in (None, "")}
    found["dimensions"] = [d for d in args.getlist("dimensions") if d]
    found["measures"] = [m for m in args.getlist("measures") if m]
    found.setdefault("start", today.replace(day=1).isoformat())
    found.setdefault("end", today.isoformat())
    return found


def table_rows(table: statistics.Table) -> tuple[list[str], list[tuple[list[str], list[tuple]]]]:
    """The header and each row (totals last) as the page and the sheet show them: dimension labels,
    then per measure (numerator, denominator, value as read)."""
    spec = table.spec
    names = department_names() if {"department", "area"} & set(spec.dimensions) else {}
    header = [dimension_label(d) for d in spec.dimensions]
    for code in spec.measures:
        header += [f"{measure_label(code)}·{_('Numerator')}", f"{measure_label(code)}·{_('Denominator')}"] \
            if spec.parts else []
        header.append(measure_label(code))
    lines = [([key_label(d, k, names) for d, k in zip(spec.dimensions, row.keys)], _cells(spec, row.kpis))
             for row in table.rows]
    lines.append(([_("Total")] + [""] * (len(spec.dimensions) - 1), _cells(spec, table.totals.kpis)))
    return header, lines


def _cells(spec, kpis: dict) -> list:
    cells = []
    for code in spec.measures:
        kpi = kpis[code]
        if spec.parts:
            cells += [kpi.numerator, kpi.denominator if kpi.denominator is not None else "—"]
        cells.append(shown(kpi))
    return cells


def _render(actor, spec_args: dict, *, table=None, errors=None, status=200, opened=None):
    return render_template(
        "pages/statistics/custom.html", spec_args=spec_args, table=table, rows=table_rows(table) if table else None,
        errors=errors or {}, status=status, opened=opened, reports=saved.list_saved(actor),
        dimensions=[(d, dimension_label(d)) for d in statistics.DIMENSIONS],
        measures=[(m, measure_label(m)) for m in statistics.MEASURES], departments=department_tree(),
        areas=department_tree(AREA_KINDS), roles=sorted(r for r in actor.roles if r in saved.VIEW_ROLES),
        field_name=field_name, query=_query(spec_args), actor=actor), status


def _query(spec_args: dict) -> str:
    """The report's URL query (for the Excel link and after saving)."""
    from urllib.parse import urlencode
    pairs = []
    for name in SPEC_ARGS:
        value = spec_args.get(name)
        for item in (value if isinstance(value, list) else [value]):
            if item not in (None, "", False):
                pairs.append((name, "1" if item is True else item))
    return urlencode(pairs)


def _run(actor, spec_args: dict, opened=None):
    try:
        spec = statistics.ReportSpec.from_mapping(spec_args)
        return _render(actor, spec_args, table=statistics.run_custom(actor, spec), opened=opened)
    except ValidationFailed as exc:
        return _render(actor, spec_args, errors=exc.errors, status=422, opened=opened)


@bp.get("/statistics/custom")
@login_required
def builder():
    """The builder; with dimensions or measures in the URL, the report under it."""
    actor = page_actor()
    spec_args = spec_mapping(request.args)
    if "dimensions" not in request.args and "measures" not in request.args:
        saved.list_saved(actor)                     # the statistics roles only (403 for others)
        return _render(actor, spec_args)
    return _run(actor, spec_args)


@bp.get("/statistics/custom/saved/<id:report_id>")
@login_required
def open_saved(report_id: int):
    actor = page_actor()
    report = saved.get(actor, report_id)
    return _run(actor, dict(report.spec), opened=report)


@bp.post("/statistics/custom/save")
@login_required
def save():
    actor = page_actor()
    try:
        spec_args = json.loads(request.form.get("spec") or "{}")
    except ValueError:
        spec_args = {}
    spec_args = spec_args if isinstance(spec_args, dict) else {}
    try:
        spec = statistics.ReportSpec.from_mapping(spec_args)
        report = saved.save(actor, name=request.form.get("name", ""), role=request.form.get("role", ""), spec=spec)
    except ValidationFailed as exc:
        return _render(actor, spec_args, errors=exc.errors, status=422)
    flash(_("Report %(name)s saved.", name=report.name), "success")
    return redirect(url_for("statistics_custom.open_saved", report_id=report.id))


@bp.post("/statistics/custom/saved/<id:report_id>/delete")
@login_required
def delete(report_id: int):
    saved.delete(page_actor(), report_id)
    flash(_("Report deleted."), "success")
    return redirect(url_for("statistics_custom.builder"))


@bp.get("/statistics/custom.xlsx")
@login_required
def sheet():
    """The page's table (same labels and numbers) as an Excel sheet."""
    actor = page_actor()
    opened = None
    if request.args.get("saved"):
        report_id = parse_id(request.args.get("saved"))
        if report_id is None:
            abort(404)
        opened = saved.get(actor, report_id)
    spec = statistics.ReportSpec.from_mapping(dict(opened.spec) if opened else spec_mapping(request.args))
    header, lines = table_rows(statistics.run_custom(actor, spec))
    workbook = Workbook(write_only=True)
    out = workbook.create_sheet("自定义报表")
    out.append([f"{opened.name if opened else '自定义报表'} · {spec.start.isoformat()} 至 {spec.end.isoformat()}"])
    out.append([sheets.header_cell(out, title) for title in header])
    for labels, cells in lines:
        out.append(labels + cells)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    response = send_file(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=f"custom_{spec.start:%Y%m%d}_{spec.end:%Y%m%d}.xlsx")
    response.headers["Content-Disposition"] += f"; filename*=UTF-8''{quote('自定义报表')}.xlsx"
    return response
