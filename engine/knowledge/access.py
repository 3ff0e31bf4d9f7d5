"""Who may read, edit and approve the knowledge base, and the department subtree an editor is kept to."""
from __future__ import annotations

from sqlalchemy import and_, or_, select, true

from engine.db import db
from engine.errors import NotFound, PermissionDenied
from engine.models import Department, KbArticle
from engine.organisation import Actor, roles as R
from forms.messages import msg

# Departments maintain their own articles (and those of their subtree); the center keeps its own.
EDITOR_ROLES = (R.HANDLER, R.DEPT_LEADER, R.SHIFT_LEAD, R.CENTER_LEADER, R.SUPERVISOR)
# The center approves what is published, for every department.
APPROVER_ROLES = (R.SHIFT_LEAD, R.CENTER_LEADER, R.SUPERVISOR)
# Who answers citizens from the articles on a call (the agent desk and 直接答复).
DESK_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD)
# Who may listen to a shared call recording: the center's roles that work calls.
LISTEN_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD, R.SUPERVISOR, R.CENTER_LEADER)
# Who shares a recording into the knowledge base.
SHARE_ROLES = (R.AGENT, R.SHIFT_LEAD)


def subtree_ids(actor: Actor):
    return select(Department.id).where(Department.path.like(actor.department_path + "%"))


def may_edit(actor: Actor, article: KbArticle) -> bool:
    """Editors of the owning department or above it in the tree."""
    if not actor.has(*EDITOR_ROLES):
        return False
    path = db.session.execute(select(Department.path).where(Department.id == article.department_id)).scalar()
    return bool(path) and path.startswith(actor.department_path)


def readable(actor: Actor):
    """SQL condition on KbArticle: published for everyone; every state for approvers and in-scope editors."""
    if actor.has(*APPROVER_ROLES):
        return true()
    published = KbArticle.state == "published"
    if not actor.has(*EDITOR_ROLES):
        return published
    return or_(published, KbArticle.department_id.in_(subtree_ids(actor)))


def get_readable(actor: Actor, article_id: int) -> KbArticle:
    """The article, or NotFound: a draft outside the actor's scope is not revealed."""
    row = db.session.execute(select(KbArticle).where(and_(KbArticle.id == article_id, readable(actor)))).scalar()
    if row is None:
        raise NotFound(msg("kb_article_not_found", "knowledge article %(id)s not found", id=article_id))
    return row


def check_edit(actor: Actor, article: KbArticle) -> None:
    if not may_edit(actor, article):
        raise PermissionDenied(msg("kb_not_your_article", "only the owning department's editors may change this article"))


def check_department(actor: Actor, department_id: int | None) -> bool:
    """Whether an editor may give an article to that department (their own subtree)."""
    if department_id is None:
        return False
    path = db.session.execute(select(Department.path).where(Department.id == department_id)).scalar()
    return bool(path) and path.startswith(actor.department_path)
