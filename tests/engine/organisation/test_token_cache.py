"""Bearer tokens checked in the last seconds are not read again (issue 16: the API's authentication
was a fifth of an intake over HTTP); every change of a user, role, department or token is seen at once."""
from __future__ import annotations

from sqlalchemy import update

from engine.db import db
from engine.models import User
from engine.organisation import directory as org, token_cache, users as admin_users
from tests.sql_statements import recorded


def statements_during(fn) -> tuple[object, int]:
    with recorded() as seen:
        result = fn()
    return result, len(seen)


def test_a_token_checked_a_moment_ago_costs_no_statement_and_expires(app, monkeypatch):
    token = org.create_token(username="dh_handler")
    first, reads = statements_during(lambda: org.actor_for_token(token))
    assert first.username == "dh_handler" and reads >= 1
    again, reads = statements_during(lambda: org.actor_for_token(token))
    assert again == first and reads == 0
    later = token_cache.time.monotonic() + token_cache.TOKEN_SECONDS + 0.1
    monkeypatch.setattr(token_cache.time, "monotonic", lambda: later)
    _, reads = statements_during(lambda: org.actor_for_token(token))
    assert reads >= 1
    assert org.actor_for_token("hk_unknown") is None


def test_a_role_change_and_a_revocation_take_effect_at_once(actor, dept):
    token = org.create_token(username="zjj_handler")
    user = org.get_user("zjj_handler")
    assert org.actor_for_token(token).roles == frozenset({"handler"})
    data = {"display_name": user.display_name, "department_id": user.department_id, "phone": user.phone or "",
            "active": True}
    try:
        admin_users.update_user(actor=actor("admin"), user_id=user.id, data={**data, "roles": ["dept_leader"]})
        assert org.actor_for_token(token).roles == frozenset({"dept_leader"})
        org.revoke_tokens(username="zjj_handler")
        assert org.actor_for_token(token) is None
    finally:
        admin_users.update_user(actor=actor("admin"), user_id=user.id, data={**data, "roles": ["handler"]})


def test_a_change_made_without_the_orm_waits_at_most_the_cache_seconds(app, monkeypatch):
    """Another web process (or SQL by hand) changes the row: this process sees it after TOKEN_SECONDS."""
    token = org.create_token(username="scj_handler")
    assert org.actor_for_token(token) is not None
    db.session.execute(update(User).where(User.username == "scj_handler").values(active=False))
    db.session.commit()
    try:
        assert org.actor_for_token(token) is not None          # still cached here
        later = token_cache.time.monotonic() + token_cache.TOKEN_SECONDS + 0.1
        monkeypatch.setattr(token_cache.time, "monotonic", lambda: later)
        assert org.actor_for_token(token) is None
    finally:
        db.session.execute(update(User).where(User.username == "scj_handler").values(active=True))
        db.session.commit()
