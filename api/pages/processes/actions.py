"""What a designer does to a version: publish, retire, roll back, and move waiting cases to it
(a dry run first, then the run; each case in its own transaction)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.messages import say
from api.pages.web import page_actor
from engine.cases import migration
from engine.errors import WrongState
from engine.processes import library, lifecycle

bp = Blueprint("process_actions", __name__)


def _reason() -> str:
    return request.form.get("reason", "").strip()[:500]


def _back(version_id: int):
    return redirect(url_for("process_pages.version_page", version_id=version_id))


@bp.post("/processes/<id:version_id>/publish")
@login_required
def publish(version_id: int):
    try:
        row = lifecycle.publish(version_id=version_id, actor=page_actor(), reason=_reason())
        flash(_("Version %(v)s is published: new cases start on it.", v=row.version), "success")
    except WrongState as exc:
        flash(say(exc.message), "error")
    return _back(version_id)


@bp.post("/processes/<id:version_id>/retire")
@login_required
def retire(version_id: int):
    try:
        row = lifecycle.retire(version_id=version_id, actor=page_actor(), reason=_reason())
        flash(_("Version %(v)s is retired: it starts no new case.", v=row.version), "success")
    except WrongState as exc:
        flash(say(exc.message), "error")
    return _back(version_id)


@bp.post("/processes/rollback")
@login_required
def rollback():
    process_id = request.form.get("process_id", "")[:100]
    try:
        row = lifecycle.rollback(process_id=process_id, actor=page_actor(), reason=_reason())
        flash(_("Rolled back: version %(v)s is published again.", v=row.version), "success")
        return _back(row.id)
    except WrongState as exc:
        flash(say(exc.message), "error")
        return redirect(url_for("process_pages.library_page"))


@bp.route("/processes/<id:version_id>/migrate", methods=["GET", "POST"])
@login_required
def migrate(version_id: int):
    """GET: the dry run (each waiting case, can it move and why not); POST: move the movable ones."""
    actor = page_actor()
    row = library.version(actor, version_id)
    ran, status = request.method == "POST", 200
    try:
        run = migration.migrate if ran else migration.dry_run
        moves = run(actor=actor, to_version_id=version_id)
    except WrongState as exc:
        flash(say(exc.message), "error")
        moves, status = migration.dry_run(actor=actor, to_version_id=version_id), 409
        ran = False
    if ran:
        moved = sum(m.moved for m in moves)
        flash(_("%(n)s cases moved to version %(v)s; %(left)s stay where they are.", n=moved, v=row.version,
                left=len(moves) - moved), "success")
    return render_template("pages/processes/migrate.html", v=row, moves=moves, ran=ran,
                           movable=sum(m.movable for m in moves)), status
