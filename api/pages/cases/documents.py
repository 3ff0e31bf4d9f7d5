"""Printing from the pages: one document of a case, or one kind for many cases at once."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import parse_id
from api.pages.web import page_actor
from api.rest.documents import pdf_response
from engine.documents import service as documents

bp = Blueprint("print_pages", __name__)
MAX_BATCH = 200


@bp.get("/cases/<id:case_id>/documents/<kind>.pdf")
@login_required
def case_document(case_id: int, kind: str):
    data = documents.render(kind=kind, case_id=case_id, actor=page_actor(), base_url=request.host_url.rstrip("/"))
    return pdf_response(data, f"{documents.KINDS.get(kind, kind)}-{case_id}.pdf")


@bp.post("/print/batch")
@login_required
def batch():
    """The selected cases of the combined query in one PDF (each case from a new page)."""
    kind = request.form.get("kind", "")
    ids = sorted({i for i in map(parse_id, request.form.getlist("case_id")) if i})
    if kind not in documents.KINDS or not ids or len(ids) > MAX_BATCH:
        abort(422, description=f"choose a document and 1 to {MAX_BATCH} cases")
    actor = page_actor()
    plan = documents.plan_batch(kind=kind, case_ids=ids, actor=actor, base_url=request.host_url.rstrip("/"))
    if not plan.printable or plan.skipped and request.form.get("without_skipped") != "1":
        # Some cases have no such document: say which and why, and offer to print the others (if any).
        return render_template("pages/cases/print_plan.html", plan=plan, title=documents.KINDS[kind],
                               reasons=skip_reasons()), _plan_status(plan)
    data = documents.print_batch(plan, actor=actor)
    return pdf_response(data, f"{documents.KINDS[kind]}-{len(plan.printable)}.pdf")


def _plan_status(plan: documents.Batch) -> int:
    """200 when something can be printed; 404 when the actor may see none of the cases (printing any
    of them alone is refused too: a batch is no way around a case's scope); else 409 (nothing to print)."""
    if plan.printable:
        return 200
    return 404 if all(s.reason == "not_found" for s in plan.skipped) else 409


def skip_reasons() -> dict[str, str]:
    """Why a case has no such document, in the UI language (DocumentNotAvailable.code)."""
    return {"not_found": _("not found, or outside your scope"),
            "not_dispatched": _("not dispatched (or returned, waiting to be dispatched again)"),
            "not_assigned": _("transferred, not assigned: it has no assignment letter"),
            "not_urged": _("never urged"), "no_extension": _("no extension was asked"),
            "no_overtime_report": _("no overtime report"),
            "no_natural_completion": _("no natural completion was declared"),
            "not_closed": _("not closed yet")}
