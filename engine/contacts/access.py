"""Who may read, edit and merge contacts, and what a masked viewer sees."""
from __future__ import annotations

from engine.errors import PermissionDenied
from engine.organisation import Actor, roles as R
from engine.ports import mask_phone
from forms.messages import msg

# The center's staff read contacts; department roles do not (they see a case's citizen on the case).
VIEW_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD, R.SUPERVISOR, R.CENTER_LEADER, R.VISITOR, R.ADMIN, R.ANALYST)
EDIT_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD, R.VISITOR)
MERGE_ROLES = (R.DISPATCHER, R.SHIFT_LEAD)
NOTE_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD, R.VISITOR)     # they sit at a phone
IMPORT_ROLES = (R.SHIFT_LEAD, R.CENTER_LEADER, R.ADMIN)


def check_view(actor: Actor) -> None:
    if not actor.has(*VIEW_ROLES):
        raise PermissionDenied(msg("contacts_denied", "contacts are for the center's staff"))


def sees_personal_data(actor: Actor) -> bool:
    """Admins and analysts read contacts masked, as they read cases (roles.PERSONAL_DATA_ROLES)."""
    return actor.has(*VIEW_ROLES) and bool(actor.roles & R.PERSONAL_DATA_ROLES)


def mask_name(name: str) -> str:
    return (name[:1] + "*" * min(max(len(name) - 1, 1), 3)) if name else ""


def shown_phone(actor: Actor, phone: str) -> str:
    return phone if sees_personal_data(actor) else mask_phone(phone)
