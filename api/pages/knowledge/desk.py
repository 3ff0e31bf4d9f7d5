"""The knowledge base at the agent desk: suggested articles while the case text is typed (JSON for
api/static/js/knowledge.js), and 直接答复 citing an article straight from the intake form."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from api.inputs import parse_id
from api.pages import form_data
from api.pages.filters import intake_choices
from api.pages.web import page_actor
from engine.cases import attachments, service as cases
from engine.errors import DomainError, ValidationFailed
from engine.knowledge import access, articles, categories, citing
from engine.knowledge.text import plain, sanitize
from engine.telephony import call_center
from forms import get_form
from forms.messages import msg

bp = Blueprint("knowledge_desk", __name__)
MAX_INPUT = 2000
EXCERPT = 90


@bp.get("/knowledge/suggest")
def suggest():
    """Published, currently valid articles that match what the agent typed, most relevant first."""
    if not current_user.is_authenticated:
        return jsonify(code=401, message="sign in first"), 401
    actor = page_actor()
    if not actor.has(*access.DESK_ROLES):
        return jsonify(code=403, message="the knowledge desk is for agents, dispatchers and shift leads"), 403
    typed = " ".join(request.args.get(name, "")[:MAX_INPUT] for name in ("title", "content", "q"))
    found = articles.suggest(actor=actor, typed=typed) if typed.strip() else []
    names = categories.names() if found else {}
    response = jsonify(articles=[_card(a, names) for a in found])
    response.headers["Cache-Control"] = "no-store"
    return response


def _card(article, names) -> dict:
    text = plain(article.body_html)
    return {"id": article.id, "title": article.title, "version": article.published_version or article.version,
            "category": names.get(article.category_id, ""), "excerpt": text[:EXCERPT] + ("…" if len(text) > EXCERPT else ""),
            "answer": text, "body_html": sanitize(article.body_html),
            "url": url_for("knowledge.show", article_id=article.id)}


@bp.post("/knowledge/answer")
@login_required
def register_and_answer():
    """The intake form posted with a chosen article: register the case, then answer it directly citing it."""
    actor = page_actor()
    actor.require(*cases.INTAKE_ROLES)
    actor.require(*access.DESK_ROLES)
    form = get_form("intake")
    values = form_data.from_request(form, request.form)
    article_id = parse_id(request.form.get("kb_article_id"))
    answer = (request.form.get("kb_answer") or "").strip()
    call = call_center.offered_call(actor=actor, call_id=request.form.get("call", ""))
    errors = {}
    if article_id is None:
        errors["kb_article_id"] = [msg("kb_no_article", "choose an article to cite")]
    if not answer:
        errors["kb_answer"] = [msg("required", "required")]
    try:
        if errors:
            raise ValidationFailed(errors)
        citing.citable(article_id)
        case = cases.open_case(actor=actor, data=values, call_id=call.call_id if call else None)
    except ValidationFailed as exc:
        return render_template("pages/cases/new_case.html", form=form, values=values, call=call,
                               errors={**exc.errors, **errors}, file_errors=[], files_lost=False, registered=[],
                               another=False, refused=False, choices=intake_choices(),
                               max_files=attachments.MAX_AT_INTAKE,
                               max_mb=attachments.MAX_BYTES // (1024 * 1024)), 422
    try:
        citing.answer_directly(actor=actor, case_id=case.id, article_id=article_id, answer=answer)
        flash(_("Case %(no)s registered and answered directly from the knowledge base.", no=case.case_no), "success")
    except DomainError:       # registered all the same: triage waits for the agent
        flash(_("Case %(no)s registered; the direct answer could not be recorded, answer it at triage.",
                no=case.case_no), "error")
    return redirect(url_for("case_pages.case_page", case_id=case.id))
