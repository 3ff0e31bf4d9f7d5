"""统计图表: the charts dashboard. Volume by day/month/year beside the year before, category and
department distribution, KPI trends by month, call loss by stage and an area ranking — each drawn
by api/static/js/statistics_charts.js (vendored ECharts) from the JSON the page carries, and each
with its table rendered here, so the numbers read (and the department rows drill into the combined
query) without JavaScript. All figures come from engine.statistics.series."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import day_argument, parse_id
from api.pages.filters import department_tree, option_label
from api.pages.statistics.kpis import KPIS
from api.pages.web import locale, page_actor
from engine.deadlines.workdays import local_date
from engine.errors import ValidationFailed
from engine.organisation import Actor
from engine.ports import now as clock_now
from engine.statistics import series
from forms.definitions import CATEGORY_OPTIONS
from forms.messages import msg

bp = Blueprint("statistics_dashboard", __name__)
AREA_TOP = 10



def choice(actor: Actor) -> dict:
    """The period, grain and scope asked for (this month so far, by day, the whole scope by default);
    ValidationFailed naming each bad field."""
    today = local_date(clock_now())
    errors: dict = {}
    start, end = day_argument("start", today.replace(day=1), errors), day_argument("end", today, errors)
    if not errors and start > end:
        errors["end"] = [msg("before_start", "must not be before the start date")]
    grain = (request.args.get("grain") or "day").strip()
    if grain not in series.GRAINS:
        errors["grain"] = [msg("trend_grain", "must be by day, by month or by year")]
    raw = (request.args.get("department_id") or "").strip()
    department_id = parse_id(raw) if raw else None
    if raw and (department_id is None or department_id not in dict(_names())):
        errors["department_id"] = [msg("no_such_department", "no such department")]
    if errors:
        raise ValidationFailed(errors)
    return {"start": start, "end": end, "grain": grain, "department_id": department_id}


def _names() -> list[tuple[int, str]]:
    return [(i, name) for i, name, _depth in department_tree()]


def _kpi_name(code: str) -> str:
    zh, en, _kind = KPIS[code]
    return zh if locale() == "zh" else en


def _department_rows(actor: Actor, c: dict, names: dict) -> list[dict]:
    """Departments just below the scope with their intake and where they lead: their cases in the
    combined query (a department with those below it, as its figure rolls them up) and, for one
    with departments below, this dashboard one level down. The scope's own row (本级) opens the
    cases only when no department below it has any: the query cannot leave a subtree out."""
    rows = series.distribution(actor, start=c["start"], end=c["end"], by="department",
                               department_id=c["department_id"])
    scope = series.scope_department(actor, c["department_id"])
    deeper = series.with_departments_below({r["key"] for r in rows} | ({scope.id} if scope else set()))
    period = {"start": c["start"].isoformat(), "end": c["end"].isoformat()}
    below_empty = not any(r["key"] is not None and (scope is None or r["key"] != scope.id) for r in rows)
    for r in rows:
        key = r["key"]
        own_row = scope is not None and key == scope.id
        r["name"] = names.get(key, "") if key is not None else _("No lead department yet")
        if own_row:
            r["name"] = _("%(name)s itself", name=r["name"])
        r["drill"] = key in deeper and not own_row
        r["deeper_url"] = url_for("statistics_dashboard.dashboard_page", department_id=key, grain=c["grain"],
                                  **period) if r["drill"] else None
        r["url"] = None if key is None or (own_row and not below_empty) else url_for(
            "query.query_page", lead_department_id=key, registered_from=period["start"], registered_to=period["end"])
    return rows


def _kpi_rows(actor: Actor, c: dict, whole_center: bool) -> dict:
    codes, months = series.kpi_trends(actor, start=c["start"], end=c["end"], department_id=c["department_id"],
                                      whole_center=whole_center)
    return {"codes": list(codes), "names": {code: _kpi_name(code) for code in codes}, "rows": months}


# Long because it is the page's one list of what it shows: six series, each named for its reader.
def dashboard_data(actor: Actor, c: dict) -> dict:
    """Everything the charts and tables show, JSON-ready."""
    names = dict(_names())
    period = {"start": c["start"], "end": c["end"]}
    scoped = {**period, "department_id": c["department_id"]}
    whole_center = series.whole_center(actor, **scoped)
    trend = series.trend(actor, grain=c["grain"], **scoped)
    categories = [{**r, "name": option_label(CATEGORY_OPTIONS, r["key"]) if r["key"] else _("No category")}
                  for r in series.distribution(actor, by="category", **scoped)]
    areas = [{**r, "name": names.get(r["key"], str(r["key"]))}
             for r in series.area_ranking(actor, top=AREA_TOP, **scoped)]
    losses = [{**r, "name": _kpi_name(f"call_loss_{r['stage']}")}
              for r in series.call_loss(actor, **period)] if whole_center else []
    return {
        "grain": c["grain"], "trend": trend, "total": sum(r["value"] for r in trend),
        "previous_total": sum(r["previous"] or 0 for r in trend),
        "categories": categories, "departments": _department_rows(actor, c, names),
        "kpis": _kpi_rows(actor, c, whole_center), "call_loss": losses, "areas": areas,
        "whole_center": whole_center,
        "texts": {"current": _("This period"), "previous": _("Same period a year before"),
                  "intake": _kpi_name("intake"), "calls": _("Call volume"), "rate": _("Rate")},
    }


def _scope_options(actor: Actor) -> list[tuple[int, str]]:
    """The departments the actor may choose (a department leader: their subtree), indented."""
    inside = series.departments_in_scope(actor)
    return [(i, "\u3000" * depth + name) for i, name, depth in department_tree() if inside is None or i in inside]


@bp.get("/statistics/dashboard")
@login_required
def dashboard_page():
    actor = page_actor()
    actor.require(*series.VIEW_ROLES)
    try:
        c = choice(actor)
        data, errors, status = dashboard_data(actor, c), {}, 200
    except ValidationFailed as exc:
        c, data, errors, status = {}, None, exc.errors, 422
    return render_template("pages/statistics/dashboard.html", c=c, data=data, errors=errors, args=request.args,
                           grains=series.GRAINS, departments=_scope_options(actor)), status
