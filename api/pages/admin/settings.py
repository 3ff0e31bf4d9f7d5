"""Admin pages of the business parameters and the working-day calendar (edit days, confirm a
year, count working days)."""
from __future__ import annotations

import json
import re
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.pages.admin.audit import recent, require_admin, translate
from api.pages.filters import STAGE_LABELS, label as pair_label, option_label
from engine.deadlines import calendar as work_calendar
from engine.deadlines.workdays import local_date
from engine.errors import ValidationFailed
from engine.organisation import grading, parameters, settings
from engine.organisation.actor import Actor
from engine.ports import now as clock_now
from forms.definitions import CATEGORY_OPTIONS
from forms.messages import msg

bp = Blueprint("settings", __name__)
# Bumped by every calendar change so that processes reload it: not a value for people to set.
INTERNAL = frozenset({"calendar.revision"})
CALENDAR_AREAS = ("calendar", "calendar_year")


def parameter_label(name: str) -> str:
    """A parameter's meaning in the UI language."""
    base, _dot, category = name.partition(".")
    labels = {"handling_days": _("Handling limit (working days)"),
              "warn_days": _("Yellow from working days before due"),
              "sign_for_days": _("Sign-for limit (working days)"),
              "sign_for_warn_days": _("Sign-for: yellow from working days before due"),
              "warn_share": _("Yellow for at most this percentage of the limit's office time"),
              "office_start": _("Start of office hours"),
              "office_end": _("End of office hours (due time of day)"), "max_reopens": _("Reopens allowed"),
              "digest_time": _("Morning digest time"), "digest_days": _("Digest: items due within working days"),
              "recolour_seconds": _("Recolouring interval (seconds)"),
              "calendar": _("Calendar revision (internal counter)")}
    labels.update({"telephony.peak_mode": _("Smart dissuasion: 0 off, 1 on, 2 automatic"),
                   "telephony.peak_queue_length": _("Automatic dissuasion from this many waiting callers"),
                   "telephony.seat_absent_seconds": _("Sign out a seat no screen has shown for (seconds)"),
                   "accountability.max_returns": _("Accountability: returns for wrong dispatch allowed"),
                   "accountability.decisions": _("Accountability: the decisions a leader may take (separated by 、)"),
                   "screening.spike_percent": _("Risk screening: a week is a spike above this percentage of its 8-week mean"),
                   "screening.spike_min_cases": _("Risk screening: a spike needs at least this many cases in the week"),
                   "reexamination.request_days": _("Re-examination: the citizen may ask within days of the closing"),
                   "reexamination.handling_days": _("Re-examination limit (working days)"),
                   "reexamination.warn_days": _("Re-examination: yellow from working days before due"),
                   "statistics.rollup_days": _("Statistics: days the nightly rollup rewrites (late changes within them count)"),
                   "evaluation.weights": _("Department evaluation: points of each KPI (JSON)"),
                   "evaluation.bands": _("Department evaluation: grade bands [minimum score, label] (JSON)"),
                   "notice.reply": _("SMS to the citizen: the reply (at review)"),
                   "notice.extension": _("SMS to the citizen: an approved extension"),
                   "notice.redispatch": _("SMS to the citizen: handled by another department"),
                   "notice.closing": _("SMS to the citizen: closed"),
                   "notice.direct_answer": _("SMS to the citizen: a direct answer"),
                   "notice.not_accepted": _("SMS to the citizen: not accepted")})
    label = labels.get(name) or labels.get(base, name)
    if base == "warn_share":
        return f"{label} · {pair_label(STAGE_LABELS, category)}"
    return f"{label} · {option_label(CATEGORY_OPTIONS, category)}" if base in ("handling_days", "warn_days") else label


@bp.get("/admin/parameters")
@login_required
def parameters_page():
    """Every parameter with its default and current value, each with its own edit form."""
    return _parameters_page(require_admin(), {}, {})


@bp.post("/admin/parameters/<name>")
@login_required
def set_parameter(name: str):
    actor = require_admin()
    if name not in parameters.DEFAULTS:
        abort(404)
    raw = request.form.get("value", "").strip()
    if name in INTERNAL:
        return _parameters_page(actor, {name: raw}, translate({name: [msg("internal_counter", "an internal counter, not editable")]}), 422)
    value = int(raw) if isinstance(parameters.DEFAULTS[name], int) and re.fullmatch(r"-?[0-9]{1,9}", raw) else raw
    if settings.snapshot().get(name) == value:
        flash(_("%(name)s unchanged.", name=name), "success")
        return redirect(url_for("admin.settings.parameters_page"))
    try:
        settings.set_parameter(actor=actor, name=name, value=value, reason=request.form.get("reason", "").strip())
    except ValidationFailed as exc:
        return _parameters_page(actor, {name: raw}, translate(exc.errors), status=422)
    flash(_("%(name)s set to %(value)s.", name=name, value=value), "success")
    return redirect(url_for("admin.settings.parameters_page"))


def template_parts(value: object) -> list[tuple[bool, str]]:
    """A notice text as (is_placeholder, text) parts, so the page shows {case_no} as a key."""
    return [(i % 2 == 1, part) for i, part in enumerate(re.split(r"(\{[a-z_]+\})", str(value))) if part]


def as_text(value: object) -> object:
    """A JSON parameter (the evaluation's weights and bands) as the JSON people edit."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _parameters_page(actor: Actor, values: dict, errors: dict, status: int = 200):
    current = settings.snapshot()
    rows = [(name, parameter_label(name), as_text(default), as_text(current[name]))
            for name, default in parameters.DEFAULTS.items()]
    return render_template("pages/admin/parameters.html", rows=rows, values=values, errors=errors,
                           internal=INTERNAL, notices=parameters.NOTICES, template_parts=template_parts,
                           json_names=tuple(grading.RULES),
                           changes=recent(actor, ("parameter",))), status


@bp.get("/admin/calendar")
@login_required
def calendar():
    """A year's status and exceptions, the forms to change them, and the working-days counter."""
    return _calendar_page(require_admin(), _year(request.args.get("year", "")), {}, {})


@bp.post("/admin/calendar/day")
@login_required
def set_day():
    actor = require_admin()
    values = {name: request.form.get(name, "").strip() for name in ("day", "kind", "label", "reason")}
    day = _date(values["day"])
    try:
        if day is None:
            raise ValidationFailed({"day": [msg("not_a_date", "must be a date (YYYY-MM-DD)")]})
        work_calendar.set_day(actor=actor, day=day, kind=values["kind"], label=values["label"],
                              reason=values["reason"])
    except ValidationFailed as exc:
        year = day.year if day else _year(request.form.get("year", ""))
        return _calendar_page(actor, year, values, translate(exc.errors), status=422)
    flash(_("%(day)s saved.", day=day.isoformat()), "success")
    return redirect(url_for("admin.settings.calendar", year=day.year))


@bp.post("/admin/calendar/confirm")
@login_required
def confirm_year():
    actor = require_admin()
    year = _year(request.form.get("year", ""))
    try:
        work_calendar.confirm_year(actor=actor, year=year, reason=request.form.get("reason", "").strip())
    except ValidationFailed as exc:
        return _calendar_page(actor, year, {}, translate(exc.errors), status=422)
    flash(_("Calendar of %(year)s confirmed.", year=year), "success")
    return redirect(url_for("admin.settings.calendar", year=year))


def _calendar_page(actor: Actor, year: int, values: dict, errors: dict, status: int = 200):
    counted, count_errors = _count()
    return render_template(
        "pages/admin/calendar.html", year=year, shown=work_calendar.show_year(year), values=values, errors=errors,
        counted=counted, count_errors=count_errors, args=request.args,
        changes=recent(actor, CALENDAR_AREAS)), status


def _count() -> tuple[dict | None, dict]:
    """The working-days counter's answer for ?start=&days= (or its errors)."""
    start, days = request.args.get("start", ""), request.args.get("days", "")
    if not start and not days:
        return None, {}
    errors: dict[str, list[str]] = {}
    if _date(start) is None:
        errors["start"] = [msg("not_a_date", "must be a date (YYYY-MM-DD)")]
    if not re.fullmatch(r"[0-9]{1,9}", days):
        errors["days"] = [msg("not_integer", "must be an integer")]
    if errors:
        return None, translate(errors)
    try:
        return work_calendar.working_days(_date(start), int(days)), {}
    except ValidationFailed as exc:
        return None, translate(exc.errors)


def _year(value: str) -> int:
    """The year asked for, else this year in Shanghai."""
    return int(value) if re.fullmatch(r"[0-9]{4}", value) else local_date(clock_now()).year


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
