"""The screening console: cases flagged at intake for a period (by risk type, paged, the matched
words marked) and the week's spikes by category, matter and area (engine.screening)."""
from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import day_argument, parse_page
from api.pages.filters import department_names, option_label
from api.pages.web import page_actor, past_the_end
from engine import screening
from engine.deadlines.workdays import local_date
from engine.errors import ValidationFailed
from engine.organisation import matters
from engine.ports import now as clock_now
from forms.definitions import CATEGORY_OPTIONS

bp = Blueprint("screening_console", __name__)
PAGE_SIZE = 50
EXCERPT = 60          # characters of content shown either side of the first matched word


def marked(text: str, words) -> list[tuple[bool, str]]:
    """`text` as (is_a_matched_word, part) parts, so the template marks the words (case-insensitive)."""
    if not words or not text:
        return [(False, text or "")]
    pattern = re.compile("(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")", re.IGNORECASE)
    return [(i % 2 == 1, part) for i, part in enumerate(pattern.split(text)) if part]


def excerpt(text: str, words) -> str:
    """The content around its first matched word (the whole of a short text)."""
    lowered = text.lower()
    first = min((i for i in (lowered.find(w.lower()) for w in words) if i >= 0), default=0)
    start = max(0, first - EXCERPT)
    end = first + EXCERPT * 2
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")



def _arguments() -> dict:
    today = local_date(clock_now())
    errors: dict = {}
    found = {"start": day_argument("start", today - timedelta(days=29), errors), "end": day_argument("end", today, errors),
             "week": day_argument("week", None, errors), "risk_type": (request.args.get("risk_type") or "").strip() or None,
             "dimension": (request.args.get("dimension") or "").strip() or None}
    if errors:
        raise ValidationFailed(errors)
    return found


def key_label(dimension: str, key, names: dict, matter_names: dict) -> str:
    if dimension == "category":
        return option_label(CATEGORY_OPTIONS, key)
    if dimension == "matter":
        return matter_names.get(key, str(key))
    return names.get(key, str(key))


@bp.get("/screening")
@login_required
def console():
    actor = page_actor()
    actor.require(*screening.access.VIEW_ROLES)       # 403 before any 422 on the arguments
    try:
        args = _arguments()
        flagged = screening.flags.list_flags(actor, start=args["start"], end=args["end"], risk_type=args["risk_type"],
                                             page=parse_page(request.args.get("page")), page_size=PAGE_SIZE)
        dimensions = (args["dimension"],) if args["dimension"] else tuple(screening.spikes.DIMENSIONS)
        spikes = screening.spikes.find_spikes(actor, week=args["week"], dimensions=dimensions)
    except ValidationFailed as exc:
        return render_template("pages/screening/console.html", errors=exc.errors, flagged=None, spikes=None,
                               args=request.args, start=None, end=None, **_choices()), 422
    if (redirect := past_the_end(flagged)) is not None:
        return redirect
    matter_ids = {s.key for s in spikes.spikes if s.dimension == "matter"}
    return render_template("pages/screening/console.html", errors={}, flagged=flagged, spikes=spikes,
                           args=request.args, start=args["start"], end=args["end"], marked=marked, excerpt=excerpt,
                           key_label=key_label, matter_names=matters.labels(matter_ids), **_choices())


def _choices() -> dict:
    return {"types": screening.risk_types.names(), "names": department_names(),
            "dimension_labels": {"category": _("Category"), "matter": _("Matter"), "area": _("Area")}}
