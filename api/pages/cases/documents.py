"""Printing from the pages: one document of a case, or one kind for many cases at once."""
from __future__ import annotations

from flask import Blueprint, abort, request
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
    data = documents.render_batch(kind=kind, case_ids=ids, actor=page_actor(), base_url=request.host_url.rstrip("/"))
    return pdf_response(data, f"{documents.KINDS[kind]}-{len(ids)}.pdf")
