"""Admin work on people: list, create and edit users, set their roles, reset passwords.

Every change is a ConfigChange(area="user", key=<username>) with the fields before and after; a
password never enters the audit, only the fact that it was reset. An admin cannot remove their
own admin role nor deactivate themselves, so there is always an admin left to undo a mistake.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from engine.db import MAX_ID, db
from engine.errors import NotFound, ValidationFailed
from engine.models import ConfigChange, Department, User, UserRole, WorkItem
from engine.organisation import directory as org, roles as R
from engine.organisation.actor import Actor
from engine.organisation.passwords import hash_password
from forms.fields import missing
from forms.messages import msg

USER_AREA = "user"
USERNAME = re.compile(r"[A-Za-z0-9_.-]{2,64}")
PHONE = re.compile(r"[0-9+\- ]{5,32}")
PASSWORD_MIN = 8
NAME_MAX = 100
LIST_LIMIT = 200


@dataclass(frozen=True)
class UserFilter:
    """What the user list is narrowed to: a department's subtree, a role, a text."""

    department_id: int | None = None
    role: str = ""
    text: str = ""


def list_users(*, actor: Actor, where: UserFilter = UserFilter(), limit: int = LIST_LIMIT
               ) -> tuple[list[User], int]:
    """Matching users (active first, by username), at most `limit`, and how many match in all."""
    actor.require(R.ADMIN)
    conditions = _conditions(where)
    total = db.session.execute(select(func.count()).select_from(User).where(*conditions)).scalar()
    rows = db.session.execute(select(User).where(*conditions).order_by(User.active.desc(), User.username)
                              .limit(limit)).scalars().all()
    return list(rows), total


def _conditions(where: UserFilter) -> list:
    conditions = []
    if where.department_id:
        path = db.session.execute(select(Department.path).where(Department.id == where.department_id)).scalar()
        subtree = select(Department.id).where(Department.path.like((path or "-") + "%"))
        conditions.append(User.department_id.in_(subtree))
    if where.role:
        conditions.append(User.id.in_(select(UserRole.user_id).where(UserRole.role == where.role)))
    if where.text.strip():
        text = where.text.strip()
        conditions.append(or_(User.username.icontains(text, autoescape=True),
                              User.display_name.icontains(text, autoescape=True),
                              User.phone.icontains(text, autoescape=True)))
    return conditions


def get_user(*, actor: Actor, user_id: int) -> User:
    actor.require(R.ADMIN)
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound(msg("user_not_found", "user %(id)s not found", id=user_id))
    return user


def user_snapshot(user: User) -> dict:
    """The fields an admin changes, as the audit records them (never the password hash)."""
    return {"display_name": user.display_name, "department_id": user.department_id,
            "roles": sorted(user.roles), "phone": user.phone, "active": user.active}


def add_user(*, actor: Actor, data: dict, reason: str = "") -> User:
    """Create an active user with a hashed initial password; audited."""
    actor.require(R.ADMIN)
    clean = _clean(data, creating=True)
    department = db.session.get(Department, clean["department_id"])
    try:
        user = org.create_user(username=clean["username"], display_name=clean["display_name"],
                               password=clean["password"], department=department, roles=clean["roles"],
                               phone=clean["phone"])
    except IntegrityError:      # a colleague took the name between the check and the insert
        db.session.rollback()
        raise ValidationFailed({"username": [msg("taken", "already taken")]}) from None
    org.record_change(USER_AREA, user.username, None, user_snapshot(user), actor, reason)
    db.session.commit()
    return user


def update_user(*, actor: Actor, user_id: int, data: dict, reason: str = "") -> User:
    """Change a user's name, department, roles, phone or active flag; audited.

    Deactivating revokes the user's API tokens. Items they claimed but can no longer act on
    (deactivated, moved, role removed) are given back: colleagues could not take them otherwise.
    """
    user = get_user(actor=actor, user_id=user_id)
    clean = _clean(data, creating=False)
    _refuse_self_lockout(actor, user, clean)
    old = user_snapshot(user)
    _apply(user, clean)
    new = user_snapshot(user)
    if new == old:
        db.session.rollback()
        return user
    _release_claims(user, old["department_id"])
    if not user.active:
        org.revoke_user_tokens(user.id)
    org.record_change(USER_AREA, user.username, old, new, actor, reason)
    db.session.commit()
    return user


def _apply(user: User, clean: dict) -> None:
    user.display_name, user.department_id = clean["display_name"], clean["department_id"]
    user.phone, user.active = clean["phone"], clean["active"]
    # Keep the rows of kept roles: deleting and re-adding one would trip its unique constraint.
    kept = [row for row in user.role_rows if row.role in clean["roles"]]
    user.role_rows = kept + [UserRole(role=r) for r in clean["roles"] if r not in user.roles]


def reset_password(*, actor: Actor, user_id: int, password: str, reason: str = "") -> User:
    """Set a new password (hashed); the audit says only that it was reset."""
    user = get_user(actor=actor, user_id=user_id)
    errors = _password_errors(password)
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = hash_password(password)
    user.session_epoch += 1          # whoever holds the old password's session is signed out
    org.record_change(USER_AREA, user.username, None, {"password": "reset"}, actor, reason)
    db.session.commit()
    return user


def changes(*, actor: Actor, areas: tuple[str, ...], key: str | None = None, limit: int = 20
            ) -> list[ConfigChange]:
    """The latest configuration changes of some areas (optionally of one key), newest first."""
    actor.require(R.ADMIN)
    query = select(ConfigChange).where(ConfigChange.area.in_(areas))
    if key is not None:
        query = query.where(ConfigChange.key == key)
    return list(db.session.execute(query.order_by(ConfigChange.id.desc()).limit(limit)).scalars())


def _release_claims(user: User, old_department_id: int) -> None:
    """Give back the open items the user claimed but can no longer act on (gone, moved, role removed)."""
    stale = [WorkItem.claimed_by_id == user.id, WorkItem.state == "open"]
    if user.active and user.department_id == old_department_id:
        stale.append(WorkItem.role.not_in(sorted(user.roles)))
    db.session.execute(update(WorkItem).where(*stale).values(claimed_by_id=None, claimed_at=None))


def _refuse_self_lockout(actor: Actor, user: User, clean: dict) -> None:
    if user.id != actor.user_id:
        return
    errors = {}
    if R.ADMIN not in clean["roles"]:
        errors["roles"] = [msg("own_admin_role", "you cannot remove your own admin role")]
    if not clean["active"]:
        errors["active"] = [msg("deactivate_self", "you cannot deactivate yourself")]
    if errors:
        raise ValidationFailed(errors)


def _clean(data: dict, *, creating: bool) -> dict:
    """The posted fields checked and converted; ValidationFailed lists every bad one."""
    errors: dict[str, list[str]] = {}
    clean = {"display_name": str(data.get("display_name") or "").strip(),
             "phone": str(data.get("phone") or "").strip() or None,
             "roles": sorted(set(data.get("roles") or [])),
             "active": creating or data.get("active") in (True, "true", "on", "1"),
             "department_id": _department_id(data.get("department_id"), errors)}
    if not clean["display_name"]:
        errors["display_name"] = [missing()]
    elif len(clean["display_name"]) > NAME_MAX:
        errors["display_name"] = [msg("max_length", "at most %(max)s characters", max=NAME_MAX)]
    if clean["phone"] and not PHONE.fullmatch(clean["phone"]):
        errors["phone"] = [msg("bad_format", "has an invalid format")]
    errors.update(_role_errors(clean["roles"]))
    if creating:
        clean["username"] = str(data.get("username") or "").strip()
        clean["password"] = str(data.get("password") or "")
        errors.update(_username_errors(clean["username"]))
        errors.update(_password_errors(clean["password"]))
    if errors:
        raise ValidationFailed(errors)
    return clean


def _department_id(value: object, errors: dict) -> int | None:
    text = str(value or "")
    number = int(text) if re.fullmatch(r"[0-9]{1,10}", text) and int(text) <= MAX_ID else None
    dept = db.session.get(Department, number) if number else None
    if dept is None or not dept.active:
        errors["department_id"] = [msg("choose_department", "choose an active department")]
        return None
    return number


def _role_errors(roles: list[str]) -> dict[str, list[str]]:
    if not roles:
        return {"roles": [msg("choose_role", "choose at least one role")]}
    unknown = [r for r in roles if r not in R.ALL_ROLES]
    return {"roles": [msg("unknown_roles", "unknown roles: %(roles)s", roles=", ".join(unknown))]} if unknown else {}


def _username_errors(username: str) -> dict[str, list[str]]:
    if not USERNAME.fullmatch(username):
        return {"username": [msg("bad_username", "2 to 64 letters, digits, _ . or -")]}
    if db.session.execute(select(User.id).where(User.username == username)).first():
        return {"username": [msg("taken", "already taken")]}
    return {}


def _password_errors(password: str) -> dict[str, list[str]]:
    if len(password or "") < PASSWORD_MIN:
        return {"password": [msg("min_length", "at least %(min)s characters", min=PASSWORD_MIN)]}
    return {}
