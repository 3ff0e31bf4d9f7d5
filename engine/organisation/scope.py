"""Department scoping: which cases and work items an actor may see and act on."""
from __future__ import annotations

from sqlalchemy import and_, exists, select, true

from engine.db import db
from engine.errors import PermissionDenied
from engine.models import Case, CaseDepartment, Department, WorkItem
from engine.organisation import roles as R
from engine.organisation.actor import Actor
from forms.messages import msg


def subtree_department_ids(actor: Actor):
    """Subquery of the ids of the actor's department and everything below it."""
    return select(Department.id).where(Department.path.like(actor.department_path + "%"))


def subtree_of(department_id: int):
    """Subquery of the ids of a department and everything below it (a report's department filter)."""
    path = select(Department.path).where(Department.id == department_id).scalar_subquery()
    return select(Department.id).where(Department.path.like(path + "%"))


def case_visible(actor: Actor):
    """SQL condition on Case: the actor may see the case."""
    if actor.is_center:
        return true()
    return exists().where(and_(
        CaseDepartment.case_id == Case.id,
        CaseDepartment.active.is_(True),
        CaseDepartment.department_id.in_(subtree_department_ids(actor)),
    ))


def work_item_visible(actor: Actor):
    """SQL condition on WorkItem: the item lies in the actor's scope."""
    if actor.is_center:
        return true()
    return WorkItem.department_id.in_(subtree_department_ids(actor))


def check_case_visible(actor: Actor, case: Case) -> None:
    """Raise PermissionDenied unless the actor may see the case (ids are not secret)."""
    if actor.is_center:
        return
    found = db.session.execute(
        select(Case.id).where(Case.id == case.id, case_visible(actor))).first()
    if not found:
        raise PermissionDenied(msg("case_out_of_scope", "case %(id)s is outside your department's scope", id=case.id))


def may_see_personal_data(actor: Actor, case: Case) -> bool:
    """The masking rule: the citizen's name, phone, voice (recordings) and own files are for the
    roles that call citizens or work the case; department roles lose them on a confidential case."""
    if not actor.roles & R.PERSONAL_DATA_ROLES:
        return False
    return not case.confidential or bool(actor.roles & (R.PERSONAL_DATA_ROLES - R.DEPARTMENT_ROLES))


def check_personal_data(actor: Actor, case: Case) -> None:
    """Raise PermissionDenied unless the masking rule lets the actor have the citizen's data."""
    if not may_see_personal_data(actor, case):
        raise PermissionDenied(msg("personal_data_masked", "the citizen's personal data of case %(id)s is masked for you",
                                   id=case.id))


def in_subtree(actor: Actor, department_id: int | None) -> bool:
    """Whether a department lies in the actor's department subtree."""
    if department_id is None:
        return False
    path = db.session.execute(select(Department.path).where(Department.id == department_id)).scalar()
    return bool(path) and path.startswith(actor.department_path)


def check_can_act(actor: Actor, item: WorkItem, department_path: str | None = None) -> None:
    """Raise unless the actor holds the item's role and the item lies in their scope.

    Pass the item's department path when it was read already (saves a query).
    """
    if item.role not in actor.roles:
        raise PermissionDenied(msg("item_needs_role", "work item %(id)s needs the role '%(role)s'", id=item.id, role=item.role))
    if item.department_id is None:
        if not actor.is_center:
            raise PermissionDenied(msg("item_of_center", "work item %(id)s belongs to the 12345 center", id=item.id))
        return
    if department_path is None:
        inside = in_subtree(actor, item.department_id)
    else:
        inside = department_path.startswith(actor.department_path)
    if not inside:
        raise PermissionDenied(msg("item_out_of_scope", "work item %(id)s belongs to another department", id=item.id))
