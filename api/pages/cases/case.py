"""Case pages: intake (agent desk), the case list, one case with everything around it, urge,
overtime report."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from api.inputs import parse_id, parse_page
from api.messages import errors_line, say
from api.pages import form_data
from api.pages.filters import department_names, intake_choices
from api.pages.telephony.calls import playback_configured, present_all
from api.pages.web import next_url, page_actor, past_the_end
from api.rest import presenters
from engine.cases import attachments, intake_edit, overtime, service as cases, urges, work_items
from engine.db import db
from engine.deadlines import service as deadlines
from engine.documents import service as documents
from engine.errors import DomainError, ValidationFailed
from engine.models import Urge, User, WorkItem
from engine.organisation import roles as R, scope
from engine.screening import flags as risk_flags, risk_types
from engine.telephony import call_center, voicemail
from forms import get_form

bp = Blueprint("case_pages", __name__)
PAGE_SIZE = 30


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new_case():
    """Intake: register the citizen's request, then go straight to its triage."""
    actor = page_actor()
    if not actor.has(*cases.INTAKE_ROLES):
        abort(403)
    form, values, errors, status = get_form("intake"), {}, {}, 200
    # a call offered to this agent's seat (screen pop), or a voicemail the agent has heard:
    # pre-fill the caller and link the case to the call
    try:
        call = _intake_call(actor)
    except voicemail.NotHeard:
        flash(_("Listen to the message first."), "error")
        return redirect(url_for("voicemail.queue"))
    registered = cases.registered_from_call(call.call_id) if call else []
    another = request.values.get("another_request") == "1"
    if call is not None and request.method == "GET":
        values = {"channel": "phone", "phone": call.caller or ""}
    files = [(f.filename, f.read(attachments.MAX_BYTES + 1)) for f in request.files.getlist("attachments")
             if f and f.filename]
    if request.method == "POST":
        values = form_data.from_request(form, request.form)
        try:
            case = cases.open_case(actor=actor, data=values, call_id=call.call_id if call else None,
                                   another_request=another, files=files)
            flash(_("Case %(no)s registered; query code %(code)s sent to the citizen by SMS.",
                    no=case.case_no, code=case.query_code), "success")
            triage = db.session.execute(select(WorkItem.id).where(
                WorkItem.case_id == case.id, WorkItem.state == "open")).scalar()
            return redirect(url_for("task_pages.work_item", item_id=triage) if triage
                            else url_for("case_pages.case_page", case_id=case.id))
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
        except cases.CallAlreadyRegistered as exc:   # a colleague (or another tab) was first
            registered = [exc.case] + [c for c in registered if c.id != exc.case.id]
            status = 409
    return render_template("pages/cases/new_case.html", form=form, values=values, call=call,
                           errors={k: v for k, v in errors.items() if k != "attachments"},
                           file_errors=errors.get("attachments", []), files_lost=bool(files) and status != 200,
                           registered=registered, another=another, refused=status == 409, choices=intake_choices(),
                           max_files=attachments.MAX_AT_INTAKE, max_mb=attachments.MAX_BYTES // (1024 * 1024)), status


def _intake_call(actor):
    """The call intake registers: a heard voicemail (?voicemail=) or a call offered to the seat (?call=)."""
    message = parse_id(request.values.get("voicemail"))
    if message:
        return voicemail.for_intake(actor=actor, call_record_id=message)
    return call_center.offered_call(actor=actor, call_id=request.values.get("call", ""))


@bp.get("/cases")
@login_required
def case_list():
    """Cases in the viewer's scope, newest first, with a few filters."""
    actor = page_actor()
    filters = {k: request.args.get(k).strip() for k in ("q", "case_no", "status", "category", "colour", "phone")
               if (request.args.get(k) or "").strip()}
    try:
        result = cases.list_cases(actor=actor, filters=filters, page=parse_page(request.args.get("page")),
                                  page_size=PAGE_SIZE, sort=request.args.get("sort", "-created_at"))
    except ValidationFailed as exc:       # named beside the filters, which keep what was typed
        return render_template("pages/cases/cases.html", result=None, rows=[], args=request.args,
                               errors=exc.errors, departments={}), 422
    if (last := past_the_end(result)) is not None:
        return last
    rows = [presenters.case_summary(c, actor) for c in result.items]
    return render_template("pages/cases/cases.html", result=result, rows=rows, args=request.args, errors={},
                           departments=department_names())


@bp.get("/cases/<id:case_id>")
@login_required
def case_page(case_id: int):
    """Summary, timeline, deadlines, departments and opinions, urges, calls, and what the viewer may do now."""
    actor = page_actor()
    case = cases.get_case(case_id=case_id, actor=actor)
    items = work_items.open_of_case(case_id)
    detail = presenters.case_detail(case, actor, items)
    actors = dict(db.session.execute(select(User.id, User.display_name)).all())
    printable = documents.available(case)
    return render_template(
        "pages/cases/case.html", case=case, detail=detail, events=cases.list_events(case_id=case_id, actor=actor),
        deadlines=deadlines.of_case(case_id), departments=department_names(), actors=actors,
        my_items=[i for i in items if _can_act(actor, i)], can_urge=actor.has(*urges.URGE_ROLES),
        can_report=_can_report(actor, case), reports=overtime.list_for(case_id),
        attachments=attachments.list_for(case_id=case_id, actor=actor),
        can_attach=actor.has(*attachments.UPLOAD_ROLES), max_mb=attachments.MAX_BYTES // (1024 * 1024),
        printable=printable, print_titles=documents.titles(case, printable),
        calls=present_all(call_center.calls_of_case(actor=actor, case_id=case_id), actor, case),
        playback=playback_configured(), can_edit_intake=intake_edit.editable(actor, case),
        seat=call_center.my_status(actor) if actor.has(*call_center.PHONE_ROLES) else None,
        contacts=call_center.conference_contacts(actor=actor, case_id=case_id),
        risks=risk_flags.flags_of(case_id), risk_names=risk_types.names())


def _can_act(actor, item) -> bool:
    try:
        scope.check_can_act(actor, item)
        return True
    except DomainError:
        return False


def _can_report(actor, case) -> bool:
    """The overtime report form: for the lead department, only on an overdue case."""
    from engine.ports import now as clock_now
    overdue = case.due_at is not None and case.due_at < clock_now() and not case.suspended
    return (actor.has(R.HANDLER, R.DEPT_LEADER) and overdue and case.status != "closed"
            and scope.in_subtree(actor, case.lead_department_id))


@bp.post("/cases/<id:case_id>/urge")
@login_required
def urge(case_id: int):
    return _post(case_id, lambda: urges.urge(case_id=case_id, actor=page_actor(),
                                             data={"opinion": request.form.get("opinion", "")}),
                 _("Urged."), "urge")


@bp.post("/urges/<id:urge_id>/evaluate")
@login_required
def evaluate_urge(urge_id: int):
    data = {k: request.form.get(k, "") for k in ("evaluation", "note") if request.form.get(k)}
    row = db.session.get(Urge, urge_id)
    if row is None:
        abort(404)
    return _post(row.case_id, lambda: urges.evaluate(urge_id=urge_id, actor=page_actor(), data=data),
                 _("Evaluation recorded."), "urge_evaluation")


@bp.post("/cases/<id:case_id>/overtime-report")
@login_required
def overtime_report(case_id: int):
    data = {k: request.form.get(k, "") for k in ("reason", "measures")}
    return _post(case_id, lambda: overtime.submit(case_id=case_id, actor=page_actor(), data=data),
                 _("Overtime report submitted."), "overtime_report")


def _post(case_id: int, action, done: str, form_key: str):
    try:
        action()
        flash(done, "success")
    except ValidationFailed as exc:
        flash(errors_line(exc.errors, form_key), "error")
    except DomainError as exc:
        flash(say(exc.message), "error")
    # Back where the action came from (e.g. the supervision console, urging case after case).
    return redirect(next_url(url_for("case_pages.case_page", case_id=case_id)))
