"""Which departments a case may be dispatched to (the dispatch itself, the dispatch catalogue,
an escalation's reassignment all apply the same rule)."""
from __future__ import annotations

from sqlalchemy import select

from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Department
from forms.messages import msg

# The 12345 center and the city itself hand cases out; they never handle one.
HANDLING_KINDS = frozenset({"district", "street", "community", "bureau"})


def check_departments(lead_id: int, co_ids: list[int]) -> Department:
    """The lead department if lead and co-departments are active handling departments, distinct;
    otherwise ValidationFailed naming `lead_department_id` / `co_department_ids`."""
    rows = {d.id: d for d in db.session.execute(
        select(Department).where(Department.id.in_([lead_id, *co_ids]))).scalars()}
    errors: dict[str, list[str]] = {}
    lead = rows.get(lead_id)
    if lead is None or not lead.active:
        errors["lead_department_id"] = [msg("department_not_found", "department %(id)s does not exist", id=lead_id)]
    elif lead.kind not in HANDLING_KINDS:
        errors["lead_department_id"] = [msg("cannot_handle", "%(name)s cannot handle cases", name=lead.name)]
    bad_co = [i for i in co_ids if i not in rows or not rows[i].active or rows[i].kind not in HANDLING_KINDS]
    if lead_id in co_ids:
        errors["co_department_ids"] = [msg("co_includes_lead", "must not include the lead department")]
    elif bad_co:
        errors["co_department_ids"] = [msg("co_not_handling", "not handling departments: %(ids)s", ids=", ".join(map(str, bad_co)))]
    if errors:
        raise ValidationFailed(errors)
    return lead


AREA_KINDS = ("district", "street", "community")


def check_area(area_id: int, field: str = "area_id") -> Department:
    """The district, street or community a case is located in, if active; else ValidationFailed."""
    row = db.session.get(Department, area_id)
    if row is None or not row.active or row.kind not in AREA_KINDS:
        raise ValidationFailed({field: [msg("area_not_found", "no district or street %(id)s", id=area_id)]})
    return row
