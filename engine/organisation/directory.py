"""Organisation: departments, users, roles and API tokens."""
from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from engine.db import db, utcnow
from engine.errors import NotFound, ValidationFailed
from engine.models import ApiToken, Case, CaseDepartment, ConfigChange, Department, User, UserRole, WorkItem
from engine.models.org import DEPARTMENT_KINDS
from engine.organisation import roles as R, token_cache
from engine.organisation.actor import Actor, actor_from_user
from engine.organisation.passwords import hash_password
from engine.ports import now as clock_now
from forms.fields import missing
from forms.messages import msg

TOKEN_PREFIX = "h12345_"


def create_department(*, code: str, name: str, kind: str, parent: Department | None = None,
                      requires_reply_approval: bool = False) -> Department:
    """Add a department under `parent` (flushes to assign its id and path)."""
    if kind not in DEPARTMENT_KINDS:
        raise ValidationFailed({"kind": [msg("not_an_option", "must be one of: %(options)s", options=", ".join(DEPARTMENT_KINDS))]})
    dept = Department(code=code, name=name, kind=kind, parent_id=parent.id if parent else None,
                      requires_reply_approval=requires_reply_approval, path="")
    db.session.add(dept)
    db.session.flush()
    dept.path = f"{parent.path if parent else '/'}{dept.id}/"
    return dept


def create_user(*, username: str, display_name: str, password: str, department: Department,
                roles: list[str], phone: str | None = None) -> User:
    """Add a user with hashed password, roles and the phone reminders go to (flushes)."""
    unknown = [r for r in roles if r not in R.ALL_ROLES]
    if unknown:
        raise ValidationFailed({"roles": [msg("unknown_roles", "unknown roles: %(roles)s", roles=", ".join(unknown))]})
    user = User(username=username, display_name=display_name, password_hash=hash_password(password),
                department_id=department.id, phone=phone, role_rows=[UserRole(role=r) for r in roles])
    db.session.add(user)
    db.session.flush()
    return user


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def get_user(username: str) -> User:
    user = db.session.execute(select(User).where(User.username == username)).scalar()
    if user is None:
        raise NotFound(msg("user_not_found", "user %(id)s not found", id=username))
    return user


def create_token(*, username: str, label: str = "") -> str:
    """Issue a bearer token for a user; only its hash is stored, the token is returned once."""
    user = get_user(username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash(token), label=label))
    db.session.commit()
    return token


def actor_for_token(token: str) -> Actor | None:
    """The actor a bearer token belongs to, or None if unknown, revoked or the user is inactive
    (engine.organisation.token_cache: a token checked in the last seconds is not read again)."""
    digest = _hash(token)
    cached = token_cache.get(digest)
    if cached is not None:
        return cached
    row = db.session.execute(select(ApiToken).where(ApiToken.token_hash == digest)).scalar()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    actor = actor_from_user(row.user)
    token_cache.put(digest, actor)
    return actor


def revoke_tokens(*, username: str) -> int:
    """Revoke every token of a user; returns how many."""
    count = revoke_user_tokens(get_user(username).id)
    db.session.commit()
    return count


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def revoke_user_tokens(user_id: int) -> int:
    """Revoke a user's live tokens in the current transaction (the caller commits); returns how many."""
    rows = db.session.execute(select(ApiToken).where(ApiToken.user_id == user_id,
                                                     ApiToken.revoked_at.is_(None))).scalars().all()
    for row in rows:
        row.revoked_at = utcnow()
    return len(rows)


def record_change(area: str, key: str, old: object, new: object, actor: Actor, reason: str) -> None:
    """One ConfigChange row (area "user" or "department") in the current transaction."""
    db.session.add(ConfigChange(area=area, key=key[:64], old=old, new=new, reason=reason,
                                actor_id=actor.user_id, created_at=clock_now()))


# ------------------------------------------------------------------ admin editing of the tree
# Every change below is audited as ConfigChange(area="department", key=<code>). Changes of the
# tree take a lock on the root row first (PostgreSQL): a move rewrites the paths of a whole
# subtree from paths it has just read, so two moves (or a move and a create) must not interleave.

DEPARTMENT_AREA = "department"
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
NAME_MAX = 100
PATH_MAX = 255          # Department.path length


def department_name(department_id: int | None) -> str | None:
    """A department's name by id (None for no department or an unknown id): what notices,
    documents and the public lookup say."""
    if department_id is None:
        return None
    return db.session.execute(select(Department.name).where(Department.id == department_id)).scalar()


def list_departments(*, actor: Actor) -> list[tuple[Department, int]]:
    """Every department (inactive too) with its depth, in tree order: districts before bureaus."""
    actor.require(R.ADMIN)
    rows = db.session.execute(select(Department)).scalars().all()
    return [(d, d.path.count("/") - 2) for d in sorted(rows, key=_tree_order)]


def _tree_order(dept: Department) -> tuple:
    # Numbers, not text: as text '/1/10/' sorts before '/1/3/'. Bureaus after the districts.
    ids = [int(x) for x in dept.path.strip("/").split("/") if x]
    return (1 if dept.kind == "bureau" and len(ids) == 2 else 0, ids)


def get_department(*, actor: Actor, department_id: int) -> Department:
    actor.require(R.ADMIN)
    dept = db.session.get(Department, department_id, populate_existing=True)
    if dept is None:
        raise NotFound(msg("department_not_found", "department %(id)s does not exist", id=department_id))
    return dept


def department_snapshot(dept: Department) -> dict:
    """The fields an admin changes, as the audit records them."""
    return {"name": dept.name, "kind": dept.kind, "parent_id": dept.parent_id, "path": dept.path,
            "requires_reply_approval": dept.requires_reply_approval, "active": dept.active}


def add_department(*, actor: Actor, parent_id: int | None, kind: str, code: str, name: str,
                   requires_reply_approval: bool = False, reason: str = "") -> Department:
    """Create a department under an active parent; audited."""
    actor.require(R.ADMIN)
    _lock_tree()
    code, name = (code or "").strip(), (name or "").strip()
    errors = _name_errors(name)
    if not CODE_PATTERN.fullmatch(code):
        errors["code"] = [msg("bad_code", "letters, digits, _ or -, at most 32")]
    elif db.session.execute(select(Department.id).where(Department.code == code)).first():
        errors["code"] = [msg("taken", "already taken")]
    if kind not in DEPARTMENT_KINDS:
        errors["kind"] = [msg("not_an_option", "must be one of: %(options)s", options=", ".join(DEPARTMENT_KINDS))]
    parent = _active_parent(parent_id, errors)
    if errors:
        db.session.rollback()           # and so release the tree lock
        raise ValidationFailed(errors)
    dept = create_department(code=code, name=name, kind=kind, parent=parent,
                             requires_reply_approval=requires_reply_approval)
    record_change(DEPARTMENT_AREA, code, None, department_snapshot(dept), actor, reason)
    db.session.commit()
    return dept


def edit_department(*, actor: Actor, department_id: int, name: str, requires_reply_approval: bool,
                    reason: str = "") -> Department:
    """Rename a department or change whether its replies need its leader's approval; audited."""
    dept = get_department(actor=actor, department_id=department_id)
    name = (name or "").strip()
    errors = _name_errors(name)
    if errors:
        raise ValidationFailed(errors)
    old = department_snapshot(dept)
    dept.name, dept.requires_reply_approval = name, requires_reply_approval
    return _commit_department(dept, old, actor, reason)


def move_department(*, actor: Actor, department_id: int, parent_id: int | None, reason: str = "") -> Department:
    """Put a department (and its whole subtree) under another parent; every path follows; audited."""
    actor.require(R.ADMIN)
    _lock_tree()
    dept = get_department(actor=actor, department_id=department_id)
    errors: dict[str, list[str]] = {}
    parent = _active_parent(parent_id, errors)
    if parent is not None and parent.path.startswith(dept.path):
        errors["parent_id"] = [msg("move_under_itself", "cannot move a department under itself or its own sub-department")]
    if errors:
        db.session.rollback()           # and so release the tree lock
        raise ValidationFailed(errors)
    if parent.id == dept.parent_id:
        db.session.rollback()
        return dept
    old, old_path = department_snapshot(dept), dept.path
    new_path = f"{parent.path}{dept.id}/"
    subtree = db.session.execute(select(Department).where(Department.path.like(old_path + "%"))
                                 .execution_options(populate_existing=True)).scalars().all()
    if any(len(new_path) + len(d.path) - len(old_path) > PATH_MAX for d in subtree):
        db.session.rollback()
        raise ValidationFailed({"parent_id": [msg("tree_too_deep", "the tree would be too deep")]})
    for row in subtree:
        row.path = new_path + row.path[len(old_path):]
    dept.parent_id = parent.id
    return _commit_department(dept, old, actor, reason)


def deactivate_department(*, actor: Actor, department_id: int, reason: str = "") -> Department:
    """Close a department that has no active users, sub-departments or open work items; audited."""
    dept = get_department(actor=actor, department_id=department_id)
    problems = _still_in_use(dept.id)
    if problems:
        raise ValidationFailed({"active": problems})
    old = department_snapshot(dept)
    dept.active = False
    return _commit_department(dept, old, actor, reason)


def _still_in_use(department_id: int) -> list[str]:
    """Why a department cannot close yet (its people, children and work would be stranded)."""
    def count(model, *where) -> int:
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()

    problems = []
    if count(User, User.department_id == department_id, User.active.is_(True)):
        problems.append(msg("has_users", "has active users: move or deactivate them first"))
    if count(Department, Department.parent_id == department_id, Department.active.is_(True)):
        problems.append(msg("has_children", "has active sub-departments: move or deactivate them first"))
    if count(WorkItem, WorkItem.department_id == department_id, WorkItem.state == "open"):
        problems.append(msg("has_work", "has open work items: they must be finished or transferred first"))
    # A case under center review or visit has no item here now, but a failed review sends it back.
    elif count(CaseDepartment, CaseDepartment.department_id == department_id, CaseDepartment.active.is_(True),
               CaseDepartment.case_id.in_(select(Case.id).where(Case.status != "closed"))):
        problems.append(msg("has_cases", "holds open cases: they must be closed or transferred first"))
    return problems


def _name_errors(name: str) -> dict[str, list[str]]:
    if not name:
        return {"name": [missing()]}
    return {"name": [msg("max_length", "at most %(max)s characters", max=NAME_MAX)]} if len(name) > NAME_MAX else {}


def _active_parent(parent_id: int | None, errors: dict) -> Department | None:
    """The parent for a new or moved department; records an error unless it exists and is active."""
    parent = db.session.get(Department, parent_id, populate_existing=True) if parent_id else None
    if parent is None or not parent.active:
        errors["parent_id"] = [msg("choose_parent", "choose an active parent department")]
        return None
    return parent


def _lock_tree() -> None:
    """Serialise changes of the tree's shape on the root row(s) (a no-op on SQLite)."""
    db.session.execute(select(Department.id).where(Department.parent_id.is_(None)).with_for_update())


def _commit_department(dept: Department, old: dict, actor: Actor, reason: str) -> Department:
    new = department_snapshot(dept)
    if new == old:           # saving an unchanged form is not a change worth an audit row
        db.session.rollback()
        return dept
    record_change(DEPARTMENT_AREA, dept.code, old, new, actor, reason)
    db.session.commit()
    return dept
