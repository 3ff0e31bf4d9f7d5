"""Agent desk: what the intake page asks for while the agent types (duplicates, caller history).

JSON for api/static/js/desk.js, authenticated by the session like every page (a GET that changes
nothing, so no CSRF token), for the roles that register cases; the services apply the scope.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from api.pages.filters import STATUS_LABELS, label, local_time, option_label, reason_label
from api.pages.web import page_actor
from engine.cases import duplicates
from forms.definitions import CATEGORY_OPTIONS

bp = Blueprint("desk", __name__)
FIELDS = ("phone", "title", "content", "address", "category")
MAX_INPUT = 1000    # the scorer reads at most duplicates.TEXT_WINDOW characters; longer input is noise


@bp.get("/desk/suggestions")
def suggestions():
    """Open cases that may be the same request, and the caller's earlier cases."""
    if not current_user.is_authenticated:
        return _refuse(401, "sign in first")   # a fetch must not be redirected to the sign-in page
    actor = page_actor()
    if not actor.has(*duplicates.DESK_ROLES):
        return _refuse(403, "the agent desk is for agents, dispatchers and shift leads")
    typed = {name: request.args.get(name, "")[:MAX_INPUT] for name in FIELDS}
    if typed["category"] not in {value for value, _zh, _en in CATEGORY_OPTIONS}:
        typed["category"] = ""
    found = duplicates.suggest(actor=actor, **typed)
    history = duplicates.caller_history(actor=actor, phone=typed["phone"])
    response = jsonify(suggestions=[_suggestion(s) for s in found], history=[_history(h) for h in history])
    response.headers["Cache-Control"] = "no-store"   # scoped, personal: never from a shared cache
    return response


def _refuse(status: int, message: str):
    return jsonify(code=status, message=message), status


def _case_fields(row) -> dict:
    return {"case_id": row.case_id, "case_no": row.case_no, "title": row.title,
            "url": url_for("case_pages.case_page", case_id=row.case_id),
            "status": row.status, "status_label": label(STATUS_LABELS, row.status),
            "category_label": option_label(CATEGORY_OPTIONS, row.category),
            "created_at": local_time(row.created_at)}


def _suggestion(s: duplicates.Suggestion) -> dict:
    return {**_case_fields(s), "reasons": list(s.reasons), "similarity": s.similarity,
            "reason_labels": [reason_label(r, s.similarity) for r in s.reasons]}


def _history(h: duplicates.HistoryRow) -> dict:
    return {**_case_fields(h), "outcome": h.outcome, "outcome_label": _outcome_label(h.outcome),
            "merged": h.merged_into_id is not None}


def _outcome_label(outcome: str | None) -> str:
    labels = {"direct_answer": _("answered directly"), "not_accepted": _("not accepted"),
              "merged": _("merged"), "archived": _("archived")}
    return labels.get(outcome or "", "")
