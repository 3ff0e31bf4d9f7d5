"""Who is acting: the identity every service receives and checks."""
from __future__ import annotations

from dataclasses import dataclass

from engine.errors import PermissionDenied
from engine.organisation import roles as R
from forms.messages import msg


@dataclass(frozen=True)
class Actor:
    """A signed-in user as the services see them."""

    user_id: int
    username: str
    roles: frozenset[str]
    department_id: int
    department_path: str   # materialised path of the user's department, e.g. "/1/4/"

    @property
    def is_center(self) -> bool:
        """Center roles see every case; department roles only their subtree."""
        return bool(self.roles & R.CENTER_ROLES)

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def require(self, *roles: str) -> None:
        """Raise PermissionDenied unless the actor holds one of `roles`."""
        if not self.has(*roles):
            raise PermissionDenied(msg("needs_role", "this action needs one of the roles: %(roles)s", roles=", ".join(roles)))


def actor_from_user(user) -> Actor:
    """Build an Actor from a User row (department loaded)."""
    return Actor(user_id=user.id, username=user.username, roles=user.roles,
                 department_id=user.department_id, department_path=user.department.path)

