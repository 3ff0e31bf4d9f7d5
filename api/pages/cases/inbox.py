"""The department inbox (待办): my items, my department's, all in scope; claim and release."""
from __future__ import annotations

from datetime import datetime, time, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import parse_day, parse_page
from api.messages import say
from api.pages.filters import department_names
from api.pages.web import next_url, page_actor, past_the_end
from engine.cases import work_items
from engine.deadlines.workdays import TZ
from engine.errors import DomainError
from engine.models.case import CATEGORIES
from engine.paging import COUNT_CAP

bp = Blueprint("inbox", __name__)
PAGE_SIZE = 30


def _day_bound(text: str | None, end: bool) -> datetime | None:
    """A date typed in a filter (Shanghai): the start of that day, or its end."""
    day = parse_day(text)
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59) if end else time(0, 0), tzinfo=TZ).astimezone(timezone.utc)


@bp.get("/inbox")
@login_required
def inbox():
    """One page of work items with filters, sort and counts per scope."""
    actor = page_actor()
    args = request.args
    scope = args.get("scope", "mine") if args.get("scope") in work_items.SCOPES else "mine"
    colour = args.get("colour") if args.get("colour") in ("green", "yellow", "red") else None
    sort = args.get("sort") if args.get("sort", "").lstrip("-") in work_items.SORTS else "created_at"
    page = parse_page(args.get("page"))
    category = args.get("category") if args.get("category") in CATEGORIES else None
    filters = dict(stage=args.get("stage") or None, colour=colour, category=category,
                   due_before=_day_bound(args.get("due_before"), end=True),
                   due_after=_day_bound(args.get("due_from"), end=False))
    result = work_items.list_items(actor=actor, scope_name=scope, **filters, page=page, page_size=PAGE_SIZE,
                                   sort=sort, count_cap=COUNT_CAP)
    if (last := past_the_end(result)) is not None:
        return last
    # Without filters the listed tab's count is the page's own: not counted twice.
    known = {} if any(v is not None for v in filters.values()) else {scope: (result.total, result.capped)}
    counts = work_items.count_tabs(actor=actor, cap=COUNT_CAP, known=known)
    return render_template("pages/cases/inbox.html", result=result, scope=scope, counts=counts, args=args,
                           departments=department_names(), page_size=PAGE_SIZE)


@bp.post("/work-items/<id:item_id>/claim")
@login_required
def claim(item_id: int):
    return _claim_or_release(work_items.claim, item_id, _("Claimed."))


@bp.post("/work-items/<id:item_id>/release")
@login_required
def release(item_id: int):
    return _claim_or_release(work_items.release, item_id, _("Released."))


def _claim_or_release(fn, item_id: int, done: str):
    try:
        fn(item_id=item_id, actor=page_actor())
        flash(done, "success")
    except DomainError as exc:
        flash(say(exc.message), "error")
    return redirect(next_url(url_for("inbox.inbox")))
