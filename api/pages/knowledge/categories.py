"""The knowledge base's category tree (知识分类): the center's approvers add and rename categories;
everyone who reads the base sees the tree it files articles under."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import parse_id
from api.messages import say_errors
from api.pages.web import page_actor
from engine.db import db
from engine.errors import ValidationFailed
from engine.knowledge import access, categories

bp = Blueprint("knowledge_categories", __name__)


@bp.get("/knowledge/categories")
@login_required
def index():
    actor = page_actor()
    actor.require(*access.APPROVER_ROLES)
    return _page({}, {})


@bp.post("/knowledge/categories")
@login_required
def create():
    actor = page_actor()
    values = {"name": request.form.get("name", ""), "parent_id": request.form.get("parent_id", "")}
    try:
        categories.create(actor=actor, name=values["name"], parent_id=parse_id(values["parent_id"]))
    except ValidationFailed as exc:
        db.session.rollback()
        return _page(values, say_errors(exc.errors), 422)
    flash(_("Category added."), "success")
    return redirect(url_for("knowledge_categories.index"))


@bp.post("/knowledge/categories/<id:category_id>")
@login_required
def rename(category_id: int):
    actor = page_actor()
    try:
        categories.rename(actor=actor, category_id=category_id, name=request.form.get("name", ""))
    except ValidationFailed as exc:
        db.session.rollback()
        return _page({}, say_errors(exc.errors), 422)
    flash(_("Category renamed."), "success")
    return redirect(url_for("knowledge_categories.index"))


def _page(values: dict, errors: dict, status: int = 200):
    return render_template("pages/knowledge/categories.html", tree=categories.tree(), values=values,
                           errors=errors), status
