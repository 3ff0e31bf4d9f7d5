"""Admin page of the Open311 registered clients (接入方): list, register (the api_key is shown
once, on the answer page only: never flashed into the session cookie), change name, channel or
rate limit, deactivate or reactivate, rotate the key; each change audited (admins only). The intake
queue's state and its failed requests, each of which can be put back in the queue."""
from __future__ import annotations

import dataclasses

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.pages import form_data
from api.pages.admin.audit import recent, require_admin, translate
from engine.channels import open311_clients as clients, open311_queue
from engine.errors import ValidationFailed
from engine.organisation.actor import Actor

bp = Blueprint("admin_open311", __name__)


@bp.get("/admin/open311-clients")
@login_required
def index():
    return _page(require_admin())


@bp.post("/admin/open311-clients")
@login_required
def create():
    """Register a client; the page that answers shows its key this one time."""
    actor = require_admin()
    values = form_data.from_request(clients.CLIENT_FORM, request.form)
    try:
        row, key = clients.create_client(actor=actor, data=values, reason=_reason())
    except ValidationFailed as exc:
        return _page(actor, values=values, errors=exc.errors, status=422)
    return _page(actor, shown=(row, key))


@bp.post("/admin/open311-clients/<id:client_id>")
@login_required
def update(client_id: int):
    actor = require_admin()
    values = form_data.from_request(clients.CLIENT_FORM, request.form)
    try:
        clients.update_client(actor=actor, client_id=client_id, data=values, reason=_reason())
    except ValidationFailed as exc:
        return _page(actor, errors=exc.errors, status=422)
    flash(_("Open311 client saved."), "success")
    return redirect(url_for("admin_open311.index"))


@bp.post("/admin/open311-clients/<id:client_id>/active")
@login_required
def set_active(client_id: int):
    """Switch a client off (its key stops working at once) or on again."""
    actor = require_admin()
    active = request.form.get("active") == "true"
    clients.set_active(actor=actor, client_id=client_id, active=active, reason=_reason())
    flash(_("Open311 client reactivated.") if active else _("Open311 client deactivated."), "success")
    return redirect(url_for("admin_open311.index"))


@bp.post("/admin/open311-clients/<id:client_id>/rotate")
@login_required
def rotate(client_id: int):
    """A new key; the old one stops working at once. Shown this one time."""
    actor = require_admin()
    return _page(actor, shown=clients.rotate_key(actor=actor, client_id=client_id, reason=_reason()))


@bp.post("/admin/open311-requests/<id:request_id>/requeue")
@login_required
def requeue(request_id: int):
    """Put a failed request back in the intake queue (once its cause is mended): the scheduler
    registers it at its next round."""
    require_admin()
    if open311_queue.requeue(request_id):
        flash(_("The request is queued again."), "success")
    else:
        flash(_("The request is not waiting as failed."), "warning")
    return redirect(url_for("admin_open311.index"))


def _changes(actor: Actor) -> list:
    """The latest changes of clients, their area named in words (the shared labels do not know it)."""
    return [dataclasses.replace(ch, area=_("Open311 clients")) for ch in recent(actor, (clients.AUDIT_AREA,))]


def _reason() -> str:
    return request.form.get("reason", "").strip()[:200]


def _page(actor: Actor, *, values: dict | None = None, errors: dict | None = None, shown=None, status: int = 200):
    response = render_template(
        "pages/admin/open311_clients.html", rows=clients.list_clients(actor=actor), form=clients.CLIENT_FORM,
        values=values or {"rate_limit": clients.DEFAULT_RATE}, errors=translate(errors or {}), shown=shown,
        channels=clients.CHANNELS, changes=_changes(actor), queue=open311_queue.state(), failed=open311_queue.failed())
    # a page with a key on it must not stay in a cache or the browser's history
    return response, status, {"Cache-Control": "no-store"}
