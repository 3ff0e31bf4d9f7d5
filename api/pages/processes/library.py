"""The process library (流程库, designers and admins): every process with its versions, an upload
(file picker or drag-and-drop, with the forms its new tasks use), a version's page with its
diagram and history, its XML, and a side-by-side diff of two versions."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import parse_id
from api.pages.bpmn_problems import problem_line, type_name
from api.pages.web import page_actor
from engine.bpmn.validation import MAX_BPMN_BYTES
from engine.errors import DefinitionInvalid, ValidationFailed
from engine.processes import diff as process_diff, library, lifecycle, version_forms, versions as processes

bp = Blueprint("process_pages", __name__)


@bp.get("/processes")
@login_required
def library_page():
    return _library(page_actor(), problems=[], form_errors={}, status=200)


def _library(actor, *, problems: list, form_errors: dict, status: int, filename: str = ""):
    entries = library.processes(actor)
    rollbacks = {p.process_id: lifecycle.previous_published(p.process_id) for p in entries}
    return render_template("pages/processes/library.html", processes=entries, rollbacks=rollbacks,
                           problems=[problem_line(p) for p in problems], form_errors=form_errors,
                           filename=filename, max_mb=MAX_BPMN_BYTES // 2**20), status


@bp.post("/processes/upload")
@login_required
def upload():
    """Store the file as a draft (or publish it at once); a refusal lists every problem."""
    actor = page_actor()
    library.processes(actor)                 # the role check before reading any upload
    bpmn, forms_file = request.files.get("bpmn"), request.files.get("forms")
    filename = bpmn.filename if bpmn else ""
    xml = bpmn.read(MAX_BPMN_BYTES + 1) if bpmn else b""
    try:
        if not xml:
            raise ValidationFailed({"bpmn": [_("Choose a .bpmn file.")]})
        if len(xml) > MAX_BPMN_BYTES:
            raise ValidationFailed({"bpmn": [_("The file is larger than %(mb)s MB.", mb=MAX_BPMN_BYTES // 2**20)]})
        forms = version_forms.parse_source(forms_file.read(version_forms.MAX_SOURCE + 1)) \
            if forms_file and forms_file.filename else None
        version = processes.load_version(xml=xml, actor=actor, forms=forms,
                                         publish=request.form.get("publish") == "1")
    except DefinitionInvalid as exc:
        return _library(actor, problems=exc.problems, form_errors={}, status=422, filename=filename)
    except ValidationFailed as exc:
        return _library(actor, problems=[], form_errors=exc.errors, status=422, filename=filename)
    flash(_("Version %(v)s of %(process)s stored as %(state)s.", v=version.version, process=version.process_id,
            state=state_label(version.state)), "success")
    return redirect(url_for("process_pages.version_page", version_id=version.id))


def state_label(state: str) -> str:
    return {"draft": _("draft"), "published": _("published"), "retired": _("retired")}.get(state, state)


@bp.get("/processes/<id:version_id>")
@login_required
def version_page(version_id: int):
    actor = page_actor()
    row = library.version(actor, version_id)
    return render_template("pages/processes/version.html", v=row, running=library.running_cases(row.id),
                           previous=library.previous(row), history=lifecycle.history(row.process_id),
                           forms=version_forms.loaded(row.forms), state_label=state_label,
                           rollback=lifecycle.previous_published(row.process_id))


@bp.get("/processes/<id:version_id>/bpmn")
@login_required
def xml_download(version_id: int):
    row = library.version(page_actor(), version_id)
    disposition = "inline" if request.args.get("view") else "attachment"
    return Response(row.xml, mimetype="application/xml", headers={
        "Content-Disposition": f'{disposition}; filename="{row.process_id}_v{row.version}.bpmn"'})


@bp.get("/processes/<id:version_id>/diff")
@login_required
def diff_page(version_id: int):
    actor = page_actor()
    new = library.version(actor, version_id)
    against = parse_id(request.args.get("against"))
    old = library.version(actor, against) if against else library.previous(new)
    if old is None:
        flash(_("The first version has nothing before it to compare with."), "error")
        return redirect(url_for("process_pages.version_page", version_id=version_id))
    if old.process_id != new.process_id:
        abort(404)
    others = [v.version for p in library.processes(actor) if p.process_id == new.process_id for v in p.versions]
    return render_template("pages/processes/diff.html", old=old, new=new, found=process_diff.compare(old.xml, new.xml),
                           others=[o for o in others if o.id != new.id], aspect_label=aspect_label,
                           type_name=type_name)


def aspect_label(key: str) -> str:
    """What a diff calls an aspect of an element."""
    return {"name": _("name"), "type": _("type"), "sourceRef": _("from"), "targetRef": _("flows to"),
            "condition": _("condition"), "properties": _("properties"), "events": _("events"),
            "members": _("lane members"), "attachedToRef": _("attached to"), "default": _("default flow"),
            "calledElement": _("calls"), "isExecutable": _("executable")}.get(key, key)
