"""Server-rendered pages (Jinja2), calling the same services as the REST API."""
from __future__ import annotations

from flask import Blueprint, Flask, redirect, url_for
from flask_login import current_user

from api.pages import web

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """Signed in: the inbox (a process designer: the process library; an analyst: the statistics);
    otherwise the sign-in page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    home = {frozenset({"designer"}): "process_pages.library_page", frozenset({"analyst"}): "statistics_pages.kpi_page"}
    return redirect(url_for(home.get(current_user.actor.roles, "inbox.inbox")))


@bp.get("/about")
def about():
    from flask import render_template
    return render_template("index.html")


# /healthz and /readyz: api/health.py (no login, no database for /healthz)


# Page modules (api/pages/<area>/<name>.py), each exposing a blueprint `bp`. One line per area.
PAGE_MODULES = (
    "auth",
    "lookup",
    "submit",
    "cases.inbox",
    "cases.case",
    "cases.intake_edit",
    "cases.work_items",
    "cases.attachments",
    "cases.documents",
    "cases.query",
    "cases.desk",
    "cases.diagram",
    "cases.first_contact",
    "consoles.dispatch",
    "consoles.approvals",
    "consoles.supervision",
    "consoles.visits",
    "consoles.registers",
    "statistics.kpis",
    "statistics.reports",
    "accountability.records",
    "accountability.monthly",
    "statistics.dashboard",
    "statistics.custom",
    "statistics.evaluation",
    "screening.console",
    "screening.risk_types",
    "screening.disputes",
    "processes.library",
    "processes.actions",
    "admin.catalogue",
    "admin.matters",
    "admin.open311_clients",
    "admin.index",
    "admin.mailbox",
    "telephony.cdr",
    "telephony.phone",
    "telephony.calls",
    "telephony.voicemail",
    "telephony.wallboard",
    "telephony.call_controls",  # hold, transfer, pickup, supervision (issue 18)
    "telephony.conferences",    # conferences of up to 50 parties (issue 18)
    "admin.call_queues",        # queues and the IVR menu (issue 18)
    "telephony.callcenter_conf",  # callcenter.conf for mod_xml_curl (issue 18)
    "contacts.contacts",
    "contacts.imports",
    "knowledge.articles",       # the knowledge base (issue 15)
    "knowledge.desk",
    "knowledge.recordings",
    "knowledge.categories",
    "campaigns.campaigns",
    "campaigns.queue",
)
# Machine-to-machine endpoints with their own authentication (no session cookie, no CSRF token).
CSRF_EXEMPT = ("telephony.cdr", "telephony.callcenter_conf")


def init_app(app: Flask) -> None:
    import importlib

    from api.pages import filters
    from api.pages.cases import timeline

    web.init_app(app)
    filters.register_filters(app)
    timeline.register(app)     # its labels use the filters module, which must not import it back
    from engine import scheduler
    scheduler.register_import_targets()   # once: the import targets and the contact page's outbound source
    app.register_blueprint(bp)
    for name in PAGE_MODULES:
        module = importlib.import_module(f"api.pages.{name}")
        app.register_blueprint(module.bp)
        if name in CSRF_EXEMPT:
            web.csrf.exempt(module.bp)
