"""The keyword lists per risk type: read, and edited by the center's leaders with an audit row
(ConfigChange area "risk_type", who and when, old and new) for each change.

A risk type's code names it in flags and disputes, so it never changes once created; the type is
deactivated rather than deleted.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, ValidationFailed, check_form
from engine.models import ConfigChange, RiskType, User
from engine.organisation import Actor
from engine.ports import now as clock_now
from engine.screening import matcher
from engine.screening.access import EDIT_ROLES
from forms import Field, Form
from forms.messages import msg

AUDIT_AREA = "risk_type"
MAX_KEYWORD = 32
RISK_TYPE_FORM = Form("risk_type", "风险类型", "Risk type", (
    Field("code", "string", "代码", "Code", required=True, max_length=32, pattern=r"[a-z][a-z0-9_]*"),
    Field("name", "string", "名称", "Name", required=True, max_length=64),
    Field("keywords", "text", "关键词（以逗号、顿号、空格或换行分隔）", "Keywords (separated by commas, spaces or new lines)",
          required=True, max_length=4000),
    Field("active", "boolean", "启用", "Active", default=True),
    Field("sort", "integer", "排序（小者在前）", "Order (lower first)", min_value=0, max_value=9999, default=0),
))
_SEPARATORS = re.compile(r"[,，、;；\s]+")
SNAPSHOT_FIELDS = ("code", "name", "keywords", "active", "sort")


def split_keywords(text: str) -> list[str]:
    """The words of a typed list, in order, each once (the same word typed twice counts once)."""
    seen, out = set(), []
    for word in _SEPARATORS.split(text or ""):
        if word and word.lower() not in seen:
            seen.add(word.lower())
            out.append(word)
    return out


def all_types(*, include_inactive: bool = True) -> list[RiskType]:
    query = select(RiskType).order_by(RiskType.sort, RiskType.id)
    if not include_inactive:
        query = query.where(RiskType.active.is_(True))
    return list(db.session.execute(query).scalars())


def names() -> dict[str, str]:
    """code → Chinese name of every risk type (inactive ones too: old flags still name them)."""
    return dict(db.session.execute(select(RiskType.code, RiskType.name)).all())


def get(risk_type_id: int) -> RiskType:
    row = db.session.get(RiskType, risk_type_id)
    if row is None:
        raise NotFound(msg("risk_type_not_found", "risk type %(id)s does not exist", id=risk_type_id))
    return row


def snapshot(row: RiskType) -> dict:
    return {name: getattr(row, name) for name in SNAPSHOT_FIELDS}


def save(*, actor: Actor, data: dict, risk_type_id: int | None = None, reason: str = "") -> RiskType:
    """Create (no id) or change a risk type; ValidationFailed (422) names the bad field: an empty
    keyword list, a word too long, a code taken or changed. One audit row per real change."""
    actor.require(*EDIT_ROLES)
    clean = check_form(RISK_TYPE_FORM, data)
    keywords = split_keywords(clean["keywords"])
    row = get(risk_type_id) if risk_type_id is not None else None
    _check(clean, keywords, row)
    old = snapshot(row) if row is not None else None
    new = {"code": clean["code"], "name": clean["name"], "keywords": keywords, "active": clean["active"],
           "sort": clean["sort"]}
    if new == old:
        return row
    now = clock_now()
    if row is None:
        row = RiskType(revision=0)
        db.session.add(row)
    for name, value in new.items():
        setattr(row, name, value)
    # Every process compares the count and the sum of revisions: one more means "recompile".
    row.revision, row.updated_at, row.updated_by_id = (row.revision or 0) + 1, now, actor.user_id
    db.session.flush()
    db.session.add(ConfigChange(area=AUDIT_AREA, key=f"{AUDIT_AREA}:{row.id}", old=old, new=new, reason=reason,
                                actor_id=actor.user_id, created_at=now))
    db.session.commit()
    matcher.forget()
    return row


def _check(clean: dict, keywords: list[str], row: RiskType | None) -> None:
    errors: dict[str, list[str]] = {}
    if not keywords:
        errors["keywords"] = [msg("keywords_empty", "list at least one keyword")]
    elif any(len(k) > MAX_KEYWORD for k in keywords):
        errors["keywords"] = [msg("keyword_too_long", "a keyword has at most %(max)s characters", max=MAX_KEYWORD)]
    if row is not None and clean["code"] != row.code:
        errors["code"] = [msg("risk_code_fixed", "the code of a risk type cannot change (flags keep it)")]
    elif row is None and db.session.execute(select(RiskType.id).where(RiskType.code == clean["code"])).first():
        errors["code"] = [msg("risk_code_taken", "the code %(value)s is already used", value=clean["code"])]
    if errors:
        raise ValidationFailed(errors)


def changes(limit: int = 20) -> list[tuple]:
    """The latest changes of the lists: (when, who, key, old, new, reason), newest first."""
    rows = db.session.execute(
        select(ConfigChange, User.display_name).outerjoin(User, User.id == ConfigChange.actor_id)
        .where(ConfigChange.area == AUDIT_AREA).order_by(ConfigChange.id.desc()).limit(limit)).all()
    return [(c.created_at, who, c.key, c.old, c.new, c.reason) for c, who in rows]
