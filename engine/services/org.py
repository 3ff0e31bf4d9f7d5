"""Organisation: departments, users, roles and API tokens."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from engine import roles as R
from engine.db import db, utcnow
from engine.errors import NotFound, ValidationFailed
from engine.models import ApiToken, Department, User, UserRole
from engine.models.org import DEPARTMENT_KINDS
from engine.services.actor import Actor, actor_from_user

TOKEN_PREFIX = "h12345_"


def create_department(*, code: str, name: str, kind: str, parent: Department | None = None,
                      requires_reply_approval: bool = False) -> Department:
    """Add a department under `parent` (flushes to assign its id and path)."""
    if kind not in DEPARTMENT_KINDS:
        raise ValidationFailed({"kind": ["must be one of: " + ", ".join(DEPARTMENT_KINDS)]})
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
        raise ValidationFailed({"roles": ["unknown roles: " + ", ".join(unknown)]})
    user = User(username=username, display_name=display_name, password_hash=generate_password_hash(password),
                department_id=department.id, phone=phone, role_rows=[UserRole(role=r) for r in roles])
    db.session.add(user)
    db.session.flush()
    return user


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def get_user(username: str) -> User:
    user = db.session.execute(select(User).where(User.username == username)).scalar()
    if user is None:
        raise NotFound(f"user '{username}' not found")
    return user


def create_token(*, username: str, label: str = "") -> str:
    """Issue a bearer token for a user; only its hash is stored, the token is returned once."""
    user = get_user(username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_hash(token), label=label))
    db.session.commit()
    return token


def actor_for_token(token: str) -> Actor | None:
    """The actor a bearer token belongs to, or None if unknown, revoked or the user is inactive."""
    row = db.session.execute(select(ApiToken).where(ApiToken.token_hash == _hash(token))).scalar()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return actor_from_user(row.user)


def revoke_tokens(*, username: str) -> int:
    """Revoke every token of a user; returns how many."""
    user = get_user(username)
    rows = db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id,
                                                     ApiToken.revoked_at.is_(None))).scalars().all()
    for row in rows:
        row.revoked_at = utcnow()
    db.session.commit()
    return len(rows)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
