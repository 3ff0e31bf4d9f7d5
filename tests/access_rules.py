"""The access rules of every route (`app.url_map` endpoint → who may call it), checked by
tests/api/test_access_sweep.py. A route without a rule here fails the sweep, and so does a rule
whose endpoint is gone: add the rule with the route (docs/API.md, "The access sweep").

- `public(reason)`: no sign-in; the reason says why that is safe.
- `credential(reason)`: no session, but its own secret (HMAC, a switch's password, a client's key).
- `signed_in(...)`: any signed-in user (the engine scopes what they see).
- `roles(*codes, ...)`: only these roles; every other role gets 403/404.
Options: `obj` names the object of department A the id in the path points at (access_world);
`out` the logins that hold the role yet are outside that object's scope (another department,
not the owner) and must get 403/404; `writes` the roles for POST/PUT when they differ from GET's;
`ok` a login that must get through (None: none checked, e.g. a stream); `query`/`form` what the
request needs so that the access check, not the input check, answers (a write with a valid body:
an outsider's 422 or 409 would not show that the access check exists); `soft` for a form that
answers a refused write with a redirect and a message instead of 403.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.organisation import roles as R

AD, AG, DI, SL, SU, CL, VI, DE, AN, HA, DL = (R.ADMIN, R.AGENT, R.DISPATCHER, R.SHIFT_LEAD, R.SUPERVISOR,
                                              R.CENTER_LEADER, R.VISITOR, R.DESIGNER, R.ANALYST, R.HANDLER,
                                              R.DEPT_LEADER)
ALL = tuple(sorted(R.ALL_ROLES))
OTHER_DEPARTMENT = ("xs_xs_handler", "xs_xs_leader")       # department B: outside department A's objects
OVERSIGHT = (CL, SU, SL, AD, AN, DL)                     # statistics, screening, accountability (DL: subtree)
PHONE = (AG, SL, DI, VI)
INTAKE = (AG, DI, SL)
PERSONAL = (AG, DI, SL, SU, CL, VI, HA, DL)              # may hear a recording (the masking rule)
EDITORS = (HA, DL, SL, CL, SU)                           # knowledge articles
APPROVERS = (SL, CL, SU)
LISTEN = (AG, DI, SL, SU, CL)
MAILBOX = (AD, SL, DI)
DISPUTES = (CL, SU, SL, AD, DL, HA)
# Valid bodies of writes whose input check runs before the access check: with them only the
# access check can refuse an outsider (an empty body would get 422 from anyone).
INTAKE_FORM = (("category", "consult"), ("channel", "phone"), ("phone", "13800138000"), ("citizen_name", "张三"),
               ("title", "访问检查"), ("content", "访问检查"))
REPORT_FORM = (("dimensions", "category"), ("measures", "intake"), ("start", "2026-11-01"), ("end", "2026-11-30"))
CALL_FORM = (("call_id", "{call_id}"), ("case_id", "{case_id}"), ("user_id", "{user_id}"))


@dataclass(frozen=True)
class Rule:
    access: str                          # public | credential | signed_in | roles
    roles: tuple = ALL
    reason: str = ""
    obj: str | None = None
    out: tuple = ()
    writes: tuple | None = None
    ok: str | None = ""                  # "": the first representative login holding a role
    query: str = ""
    form: tuple = ()
    soft: bool = False
    stream: bool = False


def public(reason: str) -> Rule:
    return Rule("public", reason=reason)


def credential(reason: str) -> Rule:
    return Rule("credential", reason=reason)


def signed_in(obj=None, out=(), **kw) -> Rule:
    return Rule("signed_in", obj=obj, out=out, **kw)


def roles(*codes, obj=None, out=(), **kw) -> Rule:
    return Rule("roles", roles=codes, obj=obj, out=out, **kw)


def case_scoped(obj="case", **kw) -> Rule:
    """Any signed-in user who may see department A's case (department B may not)."""
    return signed_in(obj=obj, out=OTHER_DEPARTMENT, **kw)


PUBLIC_PAGES = {
    "static": public("CSS, JavaScript and images of the pages"),
    "pages.about": public("the product's description, no data"),
    "pages.index": public("redirects to the inbox or to sign-in"),
    "auth.login": public("the sign-in form"),
    "auth.logout": public("ends the session it is sent with; nothing else"),
    "auth.set_language": public("the UI language of the session (the sign-in page has the switch)"),
    "health.healthz": public("liveness for the load balancer, no data"),
    "health.readyz": public("readiness (database, migrations) for the load balancer, no data"),
    "api-docs.openapi_json": public("the API's description, no data"),
    "api-docs.openapi_swagger_ui": public("the API's documentation page, no data"),
    "lookup.lookup": public("citizens: query code + phone find one case"),
    "lookup.case_page": public("citizens: the case found by query code + phone, kept in the session"),
    "lookup.rate": public("citizens: rate the case found by query code + phone"),
    "lookup.ask_reexamination": public("citizens: ask a re-examination of the case found"),
    "submit.form": public("citizens' web form"),
    "submit.submit": public("citizens' web form, checked by the SMS code"),
    "submit.send_code": public("citizens' web form: the SMS code (rate-limited)"),
    "submit.done": public("citizens' web form: the receipt of their own submission (session)"),
    "open311.discovery": public("Open311 GeoReport v2 discovery"),
    "open311.services": public("Open311 service list (the matter catalogue)"),
    "open311.service_definition": public("Open311 service definition"),
    "open311.one_request": public("Open311: a request's public status, nothing personal, never confidential"),
    "open311.requests": public("Open311: public statuses; a POST needs a registered client's api_key"),
    "open311.token": public("Open311: a queued request's token → its id"),
    "open311.unknown": public("Open311: 404 for any other path"),
    "channels_sms.inbound": credential("the SMS gateway, HMAC-signed with SMS_INBOUND_SECRET"),
    "cdr.receive_cdr": credential("the switch's CDRs, with TELEPHONY_CDR_PASSWORD"),
    "callcenter_conf.callcenter_conf": credential("mod_xml_curl's callcenter.conf, basic auth with the CDR password"),
}

REST = {
    "calendar.Day": roles(AD, form=(("kind", "holiday"),)),
    "calendar.WorkingDays": signed_in(query="?start=2026-11-02&days=3"),
    "calendar.Year": signed_in(),
    "calendar.YearConfirm": roles(AD),
    "cases.Cases": signed_in(writes=INTAKE, form=INTAKE_FORM),
    "cases.CaseOne": case_scoped(),
    "cases.CaseDeadlines": case_scoped(),
    "cases.CaseEvents": case_scoped(),
    "documents.CaseDocument": case_scoped(),
    "cases.CaseOvertimeReport": case_scoped(writes=(HA, DL), form=(("reason", "暴雨"), ("measures", "加派人手"))),
    "cases.CaseUrge": roles(SU, CL, obj="case", form=(("opinion", "请加快"),)),
    "notifications.Notifications": roles(AD, SL),
    "notifications.NotificationRetry": roles(AD, obj="notification"),
    "parameters.Parameters": signed_in(),
    "parameters.ParameterOne": roles(AD, form=(("value", "17:30"),)),
    "processes.ProcessVersions": roles(DE, AD),
    "processes.ProcessVersion": roles(DE, AD, obj="version"),
    "processes.ProcessVersionDiff": roles(DE, AD, obj="version"),
    "processes.ProcessVersionXml": roles(DE, AD, obj="version"),
    "processes.Migrate": roles(DE, AD, obj="version"),
    "processes.Publish": roles(DE, AD, obj="version"),
    "processes.Retire": roles(DE, AD, obj="version"),
    "processes.Rollback": roles(DE, AD, form=(("process_id", "case_handling"),)),
    "screening.Flags": roles(*OVERSIGHT, query="?start=2026-11-01&end=2026-11-30"),
    "statistics.Kpis": roles(*OVERSIGHT, query="?start=2026-11-01&end=2026-11-30"),
    "statistics_custom_api.CustomReport": roles(*OVERSIGHT, form=REPORT_FORM),
    "work_items.WorkItems": signed_in(),
    "work_items.WorkItemOne": case_scoped("item"),
    "work_items.WorkItemForm": case_scoped("item"),
    "work_items.WorkItemClaim": roles(HA, obj="item", out=("xs_xs_handler",)),
    "work_items.WorkItemRelease": roles(HA, obj="item", out=("xs_xs_handler",)),
    "work_items.WorkItemComplete": roles(HA, obj="item", out=("xs_xs_handler",)),
}

CASE_PAGES = {
    "inbox.inbox": signed_in(),
    "inbox.claim": roles(HA, obj="item", out=("xs_xs_handler",), soft=True),
    "inbox.release": roles(HA, obj="item", out=("xs_xs_handler",), soft=True),
    "task_pages.work_item": case_scoped("item", writes=(HA,)),
    "case_pages.case_list": signed_in(),
    "case_pages.case_page": case_scoped(),
    "case_pages.new_case": roles(*INTAKE),
    "case_pages.overtime_report": roles(HA, DL, obj="case", out=OTHER_DEPARTMENT, soft=True),
    "case_pages.urge": roles(SU, CL, obj="case", soft=True),
    "case_pages.evaluate_urge": roles(SU, CL, obj="urge", soft=True),
    "case_diagram.diagram_xml": case_scoped(),
    "case_diagram.diagram_state": case_scoped(),
    "print_pages.case_document": case_scoped(),
    "print_pages.batch": case_scoped(form=(("kind", "receipt"), ("case_id", "{case_id}"))),
    "intake_edit.edit": roles(*INTAKE, obj="case"),
    "attachments.upload": roles(AG, DI, SL, SU, CL, VI, HA, DL, obj="case", out=OTHER_DEPARTMENT, soft=True),
    "attachments.download": case_scoped("attachment"),
    "first_contact_pages.mine": signed_in(),
    "query.query_page": signed_in(),
    "query.export": signed_in(),
    "desk.suggestions": roles(*INTAKE),
    "console_dispatch.dispatch_console": roles(DI),
    "console_approvals.approvals": roles(CL, DL),
    "console_supervision.supervision": roles(SU, CL),
    "console_visits.visits": roles(VI),
    "console_registers.natural_completions": roles(CL, SU, AD),
    "console_registers.file_natural": roles(CL, obj="natural"),
    "console_registers.overtime": roles(CL, SU, AD, DL),
    "console_registers.overtime_export": roles(CL, SU, AD, DL),
}

ADMIN_PAGES = {
    "admin.index": roles(AD),
    "admin.settings.calendar": roles(AD),
    "admin.settings.confirm_year": roles(AD),
    "admin.settings.set_day": roles(AD),
    "admin.settings.parameters_page": roles(AD),
    "admin.settings.set_parameter": roles(AD),
    "admin.users.index": roles(AD),
    "admin.users.create": roles(AD),
    "admin.users.edit": roles(AD, obj="user"),
    "admin.users.reset_password": roles(AD, obj="user"),
    "admin.departments.index": roles(AD),
    "admin.departments.create": roles(AD),
    "admin.departments.edit": roles(AD, obj="department"),
    "admin.departments.deactivate": roles(AD, obj="department"),
    "admin.departments.move": roles(AD, obj="department"),
    "admin_catalogue.rules": roles(AD),
    "admin_catalogue.create": roles(AD),
    "admin_catalogue.edit": roles(AD, obj="rule"),
    "admin_catalogue.deactivate": roles(AD, obj="rule"),
    "admin_matters.index": roles(AD),
    "admin_matters.create": roles(AD),
    "admin_matters.edit": roles(AD, obj="matter"),
    "admin_matters.set_active": roles(AD, obj="matter"),
    "admin_open311.index": roles(AD),
    "admin_open311.create": roles(AD),
    "admin_open311.update": roles(AD, obj="client"),
    "admin_open311.set_active": roles(AD, obj="client"),
    "admin_open311.rotate": roles(AD, obj="client"),
    "admin_open311.requeue": roles(AD, obj="o311_request"),
    "admin_mailbox.index": roles(*MAILBOX),
    "admin_mailbox.upload": roles(*MAILBOX),
    "admin_mailbox.retry": roles(*MAILBOX, obj="mail"),
    "admin_mailbox.raw": roles(SL, DI, obj="mail", ok=None),       # the stand-in mail has no stored file
    "admin_queues.index": roles(AD),
    "admin_queues.create": roles(AD),
    "admin_queues.update": roles(AD, obj="queue"),
    "process_pages.library_page": roles(DE, AD),
    "process_pages.upload": roles(DE, AD),
    "process_pages.version_page": roles(DE, AD, obj="version"),
    "process_pages.xml_download": roles(DE, AD, obj="version"),
    "process_pages.diff_page": roles(DE, AD, obj="version"),
    "process_actions.migrate": roles(DE, AD, obj="version"),
    "process_actions.publish": roles(DE, AD, obj="version"),
    "process_actions.retire": roles(DE, AD, obj="version"),
    "process_actions.rollback": roles(DE, AD),
}

DESK_PAGES = {
    "calls.call_list": roles(AG, SL, DI, SU, CL),
    "calls.call_page": case_scoped("call"),
    "calls.recording": roles(*PERSONAL, obj="call", out=OTHER_DEPARTMENT),     # the masking rule
    "calls.voicemail": roles(*PERSONAL, obj="call", out=OTHER_DEPARTMENT),
    "calls.callbacks": roles(AG, DI, SL),
    "calls.finish_callback": roles(AG, DI, SL, obj="call", soft=True),
    "contacts.add_note": roles(AG, DI, SL, VI, obj="call"),
    "contacts.contact_list": roles(AG, DI, SL, SU, CL, VI, AD, AN),
    "contacts.contact_page": roles(AG, DI, SL, SU, CL, VI, AD, AN, obj="contact"),
    "contacts.edit": roles(AG, DI, SL, VI, obj="contact"),
    "contacts.merge": roles(DI, SL, obj="contact"),
    "contacts.pop_contact": roles(*PHONE, obj="call"),
    "imports.import_list": roles(SL, CL, AD),
    "imports.upload": roles(SL, CL, AD),
    "imports.progress": roles(SL, CL, AD, obj="job", out=("leader",)),        # the owner and the overseers
    "imports.progress_json": roles(SL, CL, AD, obj="job", out=("leader",)),
    "imports.errors_xlsx": roles(SL, CL, AD, obj="job", out=("leader",)),
    "imports.mapping": roles(SL, CL, AD, obj="job", out=("leader",)),
    "campaigns.index": roles(SL, CL),
    "campaigns.new": roles(SL, CL),
    "campaigns.show": roles(SL, CL, obj="campaign"),
    "campaigns.move": roles(SL, CL, obj="campaign"),
    "campaigns.reassign": roles(SL, CL, obj="campaign"),
    "campaigns.add_targets": roles(SL, CL, obj="campaign"),
    "outbound.queue": roles(AG, SL, DI, VI),
    "outbound.dial": roles(AG, SL, DI, VI, obj="target", out=("dispatcher",)),   # only the assigned agent
    "outbound.result": roles(AG, SL, DI, VI, obj="target", out=("dispatcher",), form=(("result", "no_answer"),)),
    "knowledge.index": signed_in(),
    "knowledge.new": roles(*EDITORS),
    "knowledge.queue": roles(*APPROVERS),
    "knowledge.show": roles(*EDITORS, obj="article", out=OTHER_DEPARTMENT),   # a draft: its department + approvers
    "knowledge.edit": roles(*EDITORS, obj="article", out=OTHER_DEPARTMENT, ok="dh_hb_handler"),
    "knowledge.history": roles(*EDITORS, obj="article", out=OTHER_DEPARTMENT),
    "knowledge.change_state": roles(*EDITORS, obj="article", out=OTHER_DEPARTMENT),
    "knowledge_categories.index": roles(*APPROVERS),
    "knowledge_categories.create": roles(*APPROVERS),
    "knowledge_categories.rename": roles(*APPROVERS, obj="category"),
    "knowledge_desk.suggest": roles(*INTAKE),
    "knowledge_desk.register_and_answer": roles(*INTAKE),
    "knowledge_recordings.share": roles(AG, SL),
    "knowledge_recordings.audio": roles(*LISTEN, obj="kb_recording"),
    "voicemail.queue": roles(AG, DI, SL),
    "voicemail.discard": roles(AG, DI, SL, obj="call", soft=True),
    "voicemail.merge": roles(AG, DI, SL, obj="call"),
}

PHONE_PAGES = {
    "phone.state": roles(*PHONE),
    "phone.set_state": roles(*PHONE),
    "phone.events": roles(*PHONE, ok=None, stream=True),
    "phone.dial": roles(*PHONE),
    "phone.conference": roles(*PHONE, form=CALL_FORM),
    "phone.call_cases": roles(*PHONE, obj="call"),
    "phone.command": roles(*PHONE, obj="command", out=("dispatcher",)),       # only who queued it
    "call_controls.call_state": roles(*PHONE),
    "call_controls.control": roles(*PHONE, form=(("call_id", "{call_id}"), ("action", "hangup"))),
    "call_controls.pickup": roles(AG, SL, DI),
    "call_controls.live_calls": roles(SL, CL, SU),
    "call_controls.mode": roles(SL, CL, SU),
    "call_controls.start": roles(SL, CL, SU),
    "call_controls.stop": roles(SL, CL, SU),
    "wallboard.wallboard": roles(SL, CL),
    "wallboard.data": roles(SL, CL),
    "wallboard.set_peak": roles(SL, CL),
    "wallboard.stream": roles(SL, CL, ok=None, stream=True),
    "conferences.start": roles(*PHONE, obj="case"),
    # issue 18 (in progress): whoever may see the case sees its conference; its author to confirm
    "conferences.page": case_scoped("conference"),
    "conferences.members": case_scoped("conference"),
    "conferences.end": roles(*PHONE, obj="conference", out=("dispatcher",)),
    "conferences.invite": roles(*PHONE, obj="conference", out=("dispatcher",)),
    "conferences.member_action": roles(*PHONE, obj="conference", out=("dispatcher",)),
}

OVERSIGHT_PAGES = {
    "statistics_pages.kpi_page": roles(*OVERSIGHT),
    "statistics_pages.kpi_sheet": roles(*OVERSIGHT),
    "statistics_dashboard.dashboard_page": roles(*OVERSIGHT),
    "statistics_evaluation.evaluation_page": roles(*OVERSIGHT),
    "statistics_evaluation.evaluation_sheet": roles(*OVERSIGHT),
    "statistics_reports.report_page": roles(*OVERSIGHT),
    "statistics_reports.report_pdf": roles(*OVERSIGHT),
    "statistics_reports.report_sheet": roles(*OVERSIGHT),
    "statistics_custom.builder": roles(*OVERSIGHT),
    "statistics_custom.sheet": roles(*OVERSIGHT, query="?saved={report_id}", ok="leader"),
    "statistics_custom.save": roles(*OVERSIGHT),
    "statistics_custom.open_saved": roles(*OVERSIGHT, obj="report", out=("supervisor",), ok="leader"),  # its role's
    "statistics_custom.delete": roles(*OVERSIGHT, obj="report", out=("supervisor",)),   # who saved it, or admin
    "screening_console.console": roles(*OVERSIGHT),
    "screening_risk_types.index": roles(CL, SU, AD),
    "screening_risk_types.create": roles(CL, SU, AD),
    "screening_risk_types.edit": roles(CL, SU, AD, obj="risk_type"),
    "screening_disputes.index": roles(*DISPUTES, AN),
    "screening_disputes.new": roles(*DISPUTES),
    "screening_disputes.show": roles(*DISPUTES, AN, obj="dispute", out=OTHER_DEPARTMENT),
    "accountability_pages.listing": roles(*OVERSIGHT),
    "accountability_pages.record_page": roles(*OVERSIGHT, obj="record", out=("xs_xs_leader",)),
    "accountability_pages.decide": roles(*OVERSIGHT, obj="record", out=("xs_xs_leader",)),
    "accountability_monthly.monthly_page": roles(*OVERSIGHT),
    "accountability_monthly.monthly_sheet": roles(*OVERSIGHT),
}

RULES: dict[str, Rule] = {**PUBLIC_PAGES, **REST, **CASE_PAGES, **ADMIN_PAGES, **DESK_PAGES, **PHONE_PAGES,
                          **OVERSIGHT_PAGES}
# The id in a path → the object of access_world it names (checked: every id argument has one).
ID_OBJECTS = {
    "case_id": "case", "item_id": "item", "attachment_id": "attachment", "call_record_id": "call", "call_id": "call",
    "urge_id": "urge", "notification_id": "notification", "version_id": "version", "user_id": "user",
    "department_id": "department", "rule_id": "rule", "matter_id": "matter", "client_id": "client",
    "request_id": "o311_request", "mail_id": "mail", "contact_id": "contact", "job_id": "job",
    "campaign_id": "campaign", "target_id": "target", "article_id": "article", "category_id": "category",
    "recording_id": "kb_recording", "command_id": "command", "natural_id": "natural", "risk_type_id": "risk_type",
    "dispute_id": "dispute", "record_id": "record", "report_id": "report", "conference_id": "conference",
    "queue_id": "queue", "member": "member",
}
