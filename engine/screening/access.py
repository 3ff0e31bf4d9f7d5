"""Who may read and edit the screening: the roles, and the department subtree a leader is kept to."""
from __future__ import annotations

from engine.organisation import Actor, roles as R

# The center's leaders and analysts see every department's cases and disputes.
ALL_DEPARTMENTS = R.OVERSIGHT_ROLES
# The screening console: those, and a department leader for its own subtree.
VIEW_ROLES = ALL_DEPARTMENTS + (R.DEPT_LEADER,)
# Who edits the keyword lists (the parameters of what is flagged).
EDIT_ROLES = (R.CENTER_LEADER, R.SUPERVISOR, R.ADMIN)
# Who registers a dispute found off-line: the center for any department, a department for its own.
# (the analyst reads them only)
DISPUTE_ROLES = (R.CENTER_LEADER, R.SUPERVISOR, R.SHIFT_LEAD, R.ADMIN, R.DEPT_LEADER, R.HANDLER)
# Who reads the register: those, and the analyst.
DISPUTE_READERS = DISPUTE_ROLES + (R.ANALYST,)


def scoped(actor: Actor) -> Actor | None:
    """The actor whose subtree limits what they see, or None when they see every department."""
    return None if actor.has(*ALL_DEPARTMENTS) else actor
