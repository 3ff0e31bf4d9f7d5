"""Knowledge base pages: the list (search, category, paging), an article, the editor, the history,
changes of state and the center's approval queue (engine.knowledge)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import parse_id, parse_page
from api.pages.filters import department_names, department_tree
from api.pages.web import page_actor, past_the_end
from engine.db import db
from engine.errors import ValidationFailed
from engine.knowledge import access, articles, categories, history as kb_history, recordings
from engine.knowledge.text import sanitize
from engine.models import User

bp = Blueprint("knowledge", __name__)
PAGE_SIZE = 20
STATES = ("draft", "pending", "published", "retired")


@bp.get("/knowledge")
@login_required
def index():
    actor = page_actor()
    q = (request.args.get("q") or "").strip()[:200]
    category_id = parse_id(request.args.get("category"))
    state = request.args.get("state") if request.args.get("state") in STATES else None
    found = articles.list_articles(actor=actor, q=q, category_id=category_id, state=state,
                                   page=parse_page(request.args.get("page")), page_size=PAGE_SIZE)
    if (last := past_the_end(found)) is not None:
        return last
    return render_template("pages/knowledge/list.html", found=found, q=q, args=request.args, tree=categories.tree(),
                           names=categories.names(), departments=department_names(), states=STATES,
                           can_write=actor.has(*access.EDITOR_ROLES), today=articles.today())


@bp.get("/knowledge/<id:article_id>")
@login_required
def show(article_id: int):
    actor = page_actor()
    return _article_page(actor, articles.get(actor=actor, article_id=article_id), {}, 200)


def _article_page(actor, article, errors, status):
    # sanitised again on the way out: what the page shows never depends on what was stored alone
    return render_template("pages/knowledge/article.html", article=article, body=sanitize(article.body_html),
                           names=categories.names(), departments=department_names(),
                           can_edit=access.may_edit(actor, article), can_approve=actor.has(*access.APPROVER_ROLES),
                           today=articles.today(), recordings=recordings.of_article(actor=actor, article_id=article.id),
                           can_share=actor.has(*access.SHARE_ROLES), errors=errors), status


@bp.route("/knowledge/new", methods=["GET", "POST"])
@login_required
def new():
    actor = page_actor()
    if not actor.has(*access.EDITOR_ROLES):
        abort(403)
    values = {"department_id": actor.department_id}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            article = articles.create(actor=actor, data=values)
        except ValidationFailed as exc:
            return _editor(actor, None, values, exc.errors, 422)
        flash(_("Article saved as a draft."), "success")
        return redirect(url_for("knowledge.show", article_id=article.id))
    return _editor(actor, None, values, {}, 200)


@bp.route("/knowledge/<id:article_id>/edit", methods=["GET", "POST"])
@login_required
def edit(article_id: int):
    actor = page_actor()
    article = articles.get(actor=actor, article_id=article_id)
    access.check_edit(actor, article)
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            articles.save(actor=actor, article_id=article_id, data=values,
                          expected_version=parse_id(values.get("_version")))
        except ValidationFailed as exc:
            return _editor(actor, article, values, exc.errors, 422)
        flash(_("New version saved."), "success")
        return redirect(url_for("knowledge.show", article_id=article_id))
    values = {"title": article.title, "body": article.body_html, "category_id": article.category_id,
              "department_id": article.department_id, "_version": article.version,
              "valid_from": article.valid_from.isoformat() if article.valid_from else "",
              "valid_to": article.valid_to.isoformat() if article.valid_to else ""}
    return _editor(actor, article, values, {}, 200)


def _editor(actor, article, values, errors, status):
    departments = [d for d in department_tree() if access.check_department(actor, d[0])]
    return render_template("pages/knowledge/edit.html", article=article, values=values, errors=errors,
                           tree=categories.tree(), departments=departments), status


@bp.post("/knowledge/<id:article_id>/<any(submit, approve, reject, retire):action>")
@login_required
def change_state(article_id: int, action: str):
    actor = page_actor()
    try:
        articles.transition(actor=actor, article_id=article_id, action=action, note=request.form.get("note", ""))
    except ValidationFailed as exc:
        return _article_page(actor, articles.get(actor=actor, article_id=article_id), exc.errors, 422)
    flash({"submit": _("Submitted for approval."), "approve": _("Published."),
           "reject": _("Sent back to the department."), "retire": _("Retired.")}[action], "success")
    if action in ("approve", "reject"):
        return redirect(url_for("knowledge.queue"))
    return redirect(url_for("knowledge.show", article_id=article_id))


@bp.get("/knowledge/<id:article_id>/history")
@login_required
def history(article_id: int):
    actor = page_actor()
    article = articles.get(actor=actor, article_id=article_id)
    entries, events = kb_history.history(actor=actor, article_id=article_id)
    users = dict(db.session.execute(db.select(User.id, User.display_name)).all())
    return render_template("pages/knowledge/history.html", article=article, entries=entries, events=events,
                           users=users)


@bp.get("/knowledge/queue")
@login_required
def queue():
    actor = page_actor()
    rows = articles.pending(actor=actor)
    return render_template("pages/knowledge/queue.html", rows=rows, names=categories.names(),
                           departments=department_names())
