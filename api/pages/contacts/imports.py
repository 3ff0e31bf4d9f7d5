"""Excel import pages: upload an .xlsx, map its columns to fields, watch the progress bar (the
scheduler process does the work), read the result and download the rejected rows as .xlsx.

Targets are registered once at start-up (api.pages.init_app calls engine.scheduler.register_import_targets);
jobs are seen by their creator and by shift leads and admins (engine.imports.jobs.get: 404 else).
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.errors import N_
from api.messages import say_errors
from api.pages.web import page_actor
from engine.db import db
from engine.errors import ValidationFailed
from engine.imports import jobs, report, targets

bp = Blueprint("imports", __name__)
RESULT_ERRORS_SHOWN = 50


def state_labels() -> dict[str, str]:
    return {"new": _("Waiting for the mapping"), "queued": _("Queued"), "running": _("Importing"), "done": _("Done"),
            "failed": _("Failed")}


@bp.app_context_processor
def _labels():
    return {"import_state_label": lambda state: state_labels().get(state, state)}


# The engine's targets name themselves and their fields by English msgids the pages translate;
# marked here so that the catalogue holds those no template or page spells out.
TARGET_MSGIDS = (N_("Outbound list"), N_("Skill"), N_("Notes"))


def _target(name: str) -> targets.Target:
    return targets.get(name)


@bp.get("/imports")
@login_required
def import_list():
    actor = page_actor()
    mine = [t for t in targets.TARGETS.values() if actor.has(*t.roles)]
    if not mine and not actor.has(*jobs.OVERSEERS):
        from engine.errors import PermissionDenied
        raise PermissionDenied(_("Imports are for the center's shift leads and administrators."))
    return render_template("pages/contacts/imports.html", rows=jobs.recent(actor=actor), targets=mine)


@bp.route("/imports/new/<target>", methods=["GET", "POST"])
@login_required
def upload(target: str):
    actor = page_actor()
    goal = _target(target)
    actor.require(*goal.roles)
    errors = {}
    if request.method == "POST":
        file = request.files.get("file")
        try:
            job = jobs.create(actor=actor, target=goal.name, filename=file.filename if file else "",
                              data=file.read() if file else b"")
            # an option chosen where the import started (the campaign page's list) rides along
            given = {k: request.args[k] for k in goal.options if request.args.get(k)}
            return redirect(url_for("imports.mapping", job_id=job.id, **given))
        except ValidationFailed as e:
            db.session.rollback()
            errors = say_errors(e.errors)
    return render_template("pages/contacts/import_upload.html", target=goal, errors=errors), (422 if errors else 200)


@bp.route("/imports/<id:job_id>/mapping", methods=["GET", "POST"])
@login_required
def mapping(job_id: int):
    """Columns → fields (guessed from the header names); 422 naming the field when it does not hold."""
    actor = page_actor()
    job = jobs.get(actor=actor, job_id=job_id)
    goal = _target(job.target)
    if job.state != "new":
        return redirect(url_for("imports.progress", job_id=job.id))
    errors, chosen = {}, dict(job.mapping)
    if request.method == "POST":
        chosen = {str(i): request.form.get(f"column_{i}", "") for i in range(len(job.headers))}
        options = {name: request.form.get(name, "") for name in goal.options}
        options["update_existing"] = request.form.get("update_existing") == "1"
        try:
            jobs.start(actor=actor, job_id=job.id, mapping=chosen, options=options)
            return redirect(url_for("imports.progress", job_id=job.id))
        except ValidationFailed as e:
            db.session.rollback()
            errors = say_errors(e.errors)
    labels = {f.name: _(f.label) for f in goal.fields}
    option_labels = {"campaign_id": _("Outbound campaign number")}
    return render_template("pages/contacts/import_mapping.html", job=job, target=goal, chosen=chosen, errors=errors,
                           labels=labels, option_labels=option_labels), (422 if errors else 200)


@bp.get("/imports/<id:job_id>")
@login_required
def progress(job_id: int):
    job = jobs.get(actor=page_actor(), job_id=job_id)
    shown = jobs.errors(job=job, limit=RESULT_ERRORS_SHOWN) if job.state in ("done", "failed") else []
    return render_template("pages/contacts/import_progress.html", job=job, p=jobs.progress(job), errors=shown,
                           target=_target(job.target))


@bp.get("/imports/<id:job_id>/progress.json")
@login_required
def progress_json(job_id: int):
    """What the progress bar polls (every second while the job runs)."""
    data = jobs.progress(jobs.get(actor=page_actor(), job_id=job_id))
    return jsonify({**data, "state_label": state_labels().get(data["state"], data["state"])})


@bp.get("/imports/<id:job_id>/errors.xlsx")
@login_required
def errors_xlsx(job_id: int):
    job = jobs.get(actor=page_actor(), job_id=job_id)
    data = report.errors_xlsx(job, titles=(_("Row"), _("Field"), _("Error code"), _("Error message")))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=import-{job.id}-errors.xlsx"})
