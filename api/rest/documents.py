"""/api/v1/cases/{id}/documents/{kind}.pdf: official documents of a case as PDF."""
from __future__ import annotations

from flask import Response, request
from flask.views import MethodView

from api.auth import current_actor
from api.rest.blueprint import Blueprint
from engine.documents import service as documents

blp = Blueprint("documents", __name__, url_prefix="/api/v1/cases", description="Documents (公文打印)")


def pdf_response(data: bytes, filename: str, *, download: bool = False) -> Response:
    """A PDF answer; inline by default so the browser's viewer opens it for printing."""
    from urllib.parse import quote
    disposition = "attachment" if download else "inline"
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "no-store"      # content reflects the case at print time
    return response


@blp.route("/<id:case_id>/documents/<kind>.pdf")
class CaseDocument(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, case_id, kind):
        """The document rendered now: transfer-slip, assignment-letter, supervision-notice,
        extension-form, overtime-report, receipt, completion-notice (办结通知书 of a natural
        completion), closing-record (the completion document of a closed case: 答复意见书,
        直接答复告知书, 不予受理告知书, 并单告知书 or 办结通知书). Each print is an audit event."""
        data = documents.render(kind=kind, case_id=case_id, actor=current_actor(), base_url=request.host_url.rstrip("/"))
        return pdf_response(data, f"{case_id}-{kind}.pdf")
