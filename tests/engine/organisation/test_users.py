"""Admin services on people and the tree: users, roles, passwords, departments, their audit."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine.cases import actions, work_items
from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed
from engine.models import ApiToken, ConfigChange, Department, User, WorkItem
from engine.organisation import directory as org, users as admin_users
from engine.organisation.users import UserFilter
from tests.factories import to_handling

PREFIX = "tadm"       # every user and department code a test here creates starts with it


@pytest.fixture
def scratch(app, dept):
    """make.department(...) / make.user(...): rows of this test, deactivated afterwards.

    The database lives for the whole run and other tests read the tree: what a test adds is
    closed when it ends (rows stay; the cases that point at them are deleted by conftest)."""
    class Make:
        def department(self, code: str, parent: str = "city", kind: str = "street") -> Department:
            parent_row = db.session.get(Department, dept(parent))
            row = org.create_department(code=f"{PREFIX}{code}", name=f"测试{code}", kind=kind, parent=parent_row)
            db.session.commit()
            return row

        def user(self, login: str, department: Department, roles: list[str]) -> User:
            row = org.create_user(username=f"{PREFIX}{login}", display_name=f"测试{login}", password="12345demo",
                                  department=department, roles=roles)
            db.session.commit()
            return row

    yield Make()
    db.session.rollback()
    db.session.execute(update(User).where(User.username.startswith(PREFIX)).values(active=False))
    db.session.execute(update(Department).where(Department.code.startswith(PREFIX)).values(active=False))
    db.session.commit()


def audit(area: str, key: str) -> list[ConfigChange]:
    return list(db.session.execute(select(ConfigChange).where(ConfigChange.area == area, ConfigChange.key == key)
                                   .order_by(ConfigChange.id)).scalars())


def new_user_data(dept, **changes) -> dict:
    return {"username": f"{PREFIX}new", "display_name": "新用户", "department_id": str(dept("xs_xs")),
            "roles": ["handler"], "phone": "13900001111", "password": "secret-123", **changes}


def test_add_user_validates_every_field_and_creates_nothing_on_error(actor, dept, scratch):
    with pytest.raises(ValidationFailed) as failed:
        admin_users.add_user(actor=actor("admin"), data=new_user_data(
            dept, username="a b", display_name="", department_id="999999", roles=["boss"], phone="x",
            password="short"))
    assert set(failed.value.errors) == {"username", "display_name", "department_id", "roles", "phone", "password"}
    with pytest.raises(ValidationFailed) as taken:
        admin_users.add_user(actor=actor("admin"), data=new_user_data(dept, username="agent"))
    assert taken.value.errors == {"username": ["already taken"]}
    assert db.session.execute(select(User).where(User.username == f"{PREFIX}new")).first() is None


def test_add_user_hashes_the_password_and_audits_without_it(actor, dept, scratch):
    user = admin_users.add_user(actor=actor("admin"), data=new_user_data(dept), reason="入职")
    assert user.password_hash != "secret-123" and org.check_password(user, "secret-123")
    assert (user.roles, user.department_id, user.active) == ({"handler"}, dept("xs_xs"), True)
    [row] = audit("user", f"{PREFIX}new")
    assert row.old is None and row.reason == "入职" and row.actor_id == actor("admin").user_id
    assert "password" not in row.new and "secret-123" not in str(row.new)


def test_update_user_changes_roles_and_department_and_audits_the_difference(actor, dept, scratch):
    user = admin_users.add_user(actor=actor("admin"), data=new_user_data(dept, username=f"{PREFIX}upd"))
    data = {"display_name": "改名", "department_id": dept("dh_hb"), "roles": ["dept_leader", "handler"],
            "phone": "", "active": True}
    admin_users.update_user(actor=actor("admin"), user_id=user.id, data=data, reason="调岗")
    admin_users.update_user(actor=actor("admin"), user_id=user.id, data=data)   # unchanged: no audit row
    user = db.session.get(User, user.id, populate_existing=True)
    assert (user.display_name, user.department_id, user.roles, user.phone) == (
        "改名", dept("dh_hb"), {"dept_leader", "handler"}, None)
    created, changed = audit("user", f"{PREFIX}upd")
    assert changed.old["roles"] == ["handler"] and changed.new["roles"] == ["dept_leader", "handler"]
    assert changed.new["department_id"] == dept("dh_hb") and changed.reason == "调岗"


def test_an_admin_cannot_lock_themselves_out(actor, dept):
    admin = actor("admin")
    me = {"display_name": "系统管理员", "department_id": admin.department_id, "phone": "", "active": True}
    with pytest.raises(ValidationFailed) as failed:
        admin_users.update_user(actor=admin, user_id=admin.user_id, data={**me, "roles": ["agent"]})
    assert failed.value.errors == {"roles": ["you cannot remove your own admin role"]}
    with pytest.raises(ValidationFailed) as failed:
        admin_users.update_user(actor=admin, user_id=admin.user_id, data={**me, "roles": ["admin"], "active": False})
    assert failed.value.errors == {"active": ["you cannot deactivate yourself"]}
    assert org.get_user("admin").active and "admin" in org.get_user("admin").roles


def test_deactivating_revokes_tokens_and_gives_back_claimed_items(actor, dept, scratch):
    street = scratch.department("st1", parent="xs")
    handler = scratch.user("st1_handler", street, ["handler"])
    case = to_handling(actor, dept, lead=f"{PREFIX}st1")
    item_id = db.session.execute(select(WorkItem.id).where(WorkItem.case_id == case.id,
                                                           WorkItem.state == "open")).scalar_one()
    work_items.claim(item_id=item_id, actor=actor(handler.username))
    token = org.create_token(username=handler.username)
    assert org.actor_for_token(token) is not None
    data = {"display_name": handler.display_name, "department_id": street.id, "roles": ["handler"], "phone": "",
            "active": False}
    admin_users.update_user(actor=actor("admin"), user_id=handler.id, data=data, reason="离职")
    assert org.actor_for_token(token) is None
    assert db.session.execute(select(ApiToken.revoked_at).where(ApiToken.user_id == handler.id)).scalar() is not None
    assert db.session.get(WorkItem, item_id, populate_existing=True).claimed_by_id is None
    assert audit("user", handler.username)[-1].new["active"] is False


def test_a_claim_stays_while_the_user_can_act_and_goes_with_the_role(actor, dept, scratch):
    street = scratch.department("st2", parent="xs")
    handler = scratch.user("st2_handler", street, ["handler"])
    case = to_handling(actor, dept, lead=f"{PREFIX}st2")
    item_id = db.session.execute(select(WorkItem.id).where(WorkItem.case_id == case.id,
                                                           WorkItem.state == "open")).scalar_one()
    work_items.claim(item_id=item_id, actor=actor(handler.username))
    data = {"display_name": handler.display_name, "department_id": street.id, "roles": ["handler"],
            "phone": "13900003333", "active": True}
    admin_users.update_user(actor=actor("admin"), user_id=handler.id, data=data)
    assert db.session.get(WorkItem, item_id, populate_existing=True).claimed_by_id == handler.id
    admin_users.update_user(actor=actor("admin"), user_id=handler.id, data={**data, "roles": ["dept_leader"]})
    assert db.session.get(WorkItem, item_id, populate_existing=True).claimed_by_id is None


def test_reset_password_replaces_the_hash_and_audits_only_the_fact(actor, dept, scratch):
    user = admin_users.add_user(actor=actor("admin"), data=new_user_data(dept, username=f"{PREFIX}pw"))
    with pytest.raises(ValidationFailed):
        admin_users.reset_password(actor=actor("admin"), user_id=user.id, password="short")
    admin_users.reset_password(actor=actor("admin"), user_id=user.id, password="another-456", reason="忘记密码")
    user = db.session.get(User, user.id, populate_existing=True)
    assert org.check_password(user, "another-456") and not org.check_password(user, "secret-123")
    assert audit("user", user.username)[-1].new == {"password": "reset"}


def test_the_user_list_filters_by_subtree_role_and_text(actor, dept):
    admin = actor("admin")
    users, total = admin_users.list_users(actor=admin, where=UserFilter(department_id=dept("xs")))
    names = {u.username for u in users}
    assert {"xs_handler", "xs_xs_handler", "xs_qs_hq_leader"} <= names and "dh_handler" not in names
    assert total == len(users)
    leaders, _ = admin_users.list_users(actor=admin, where=UserFilter(department_id=dept("xs"), role="dept_leader"))
    assert leaders and all("dept_leader" in u.roles for u in leaders)
    found, _ = admin_users.list_users(actor=admin, where=UserFilter(text="青松"))
    assert {u.username for u in found} >= {"xs_qs_handler", "xs_qs_leader"}
    nothing, count = admin_users.list_users(actor=admin, where=UserFilter(text="%"))    # a literal %, not a wildcard
    assert (nothing, count) == ([], 0)


def test_only_admins_may_use_these_services(actor, dept):
    dispatcher = actor("dispatcher")
    calls = [lambda: admin_users.list_users(actor=dispatcher),
             lambda: admin_users.add_user(actor=dispatcher, data=new_user_data(dept)),
             lambda: admin_users.reset_password(actor=dispatcher, user_id=dispatcher.user_id, password="x" * 9),
             lambda: admin_users.changes(actor=dispatcher, areas=("user",)),
             lambda: org.list_departments(actor=dispatcher),
             lambda: org.add_department(actor=dispatcher, parent_id=dept("xs"), kind="street", code="x", name="x"),
             lambda: org.move_department(actor=dispatcher, department_id=dept("xs_xs"), parent_id=dept("dh")),
             lambda: org.deactivate_department(actor=dispatcher, department_id=dept("xs_xs"))]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()


# ------------------------------------------------------------------------------ departments

def test_add_department_checks_code_kind_and_parent(actor, dept, scratch):
    admin = actor("admin")
    with pytest.raises(ValidationFailed) as failed:
        org.add_department(actor=admin, parent_id=None, kind="planet", code="bad code", name="")
    assert set(failed.value.errors) == {"parent_id", "kind", "code", "name"}
    with pytest.raises(ValidationFailed) as taken:
        org.add_department(actor=admin, parent_id=dept("xs"), kind="street", code="xs_xs", name="重复")
    assert taken.value.errors == {"code": ["already taken"]}
    made = org.add_department(actor=admin, parent_id=dept("xs"), kind="street", code=f"{PREFIX}new", name="新街道",
                              requires_reply_approval=True, reason="区划调整")
    parent_path = db.session.get(Department, dept("xs")).path
    assert made.path == f"{parent_path}{made.id}/" and made.requires_reply_approval
    [row] = audit("department", f"{PREFIX}new")
    assert row.old is None and row.new["path"] == made.path and row.reason == "区划调整"


def test_a_move_rewrites_the_paths_of_the_whole_subtree(actor, dept, scratch):
    admin = actor("admin")
    old_district = scratch.department("d1", parent="city", kind="district")
    new_district = scratch.department("d2", parent="city", kind="district")
    street = scratch.department("s1", parent=f"{PREFIX}d1")
    community = scratch.department("c1", parent=f"{PREFIX}s1", kind="community")
    with pytest.raises(ValidationFailed) as inside:
        org.move_department(actor=admin, department_id=street.id, parent_id=community.id)
    assert inside.value.errors == {"parent_id": ["cannot move a department under itself or its own sub-department"]}
    org.move_department(actor=admin, department_id=street.id, parent_id=new_district.id, reason="区划调整")
    street, community = (db.session.get(Department, d.id, populate_existing=True) for d in (street, community))
    assert street.parent_id == new_district.id
    assert street.path == f"{new_district.path}{street.id}/" and community.path == f"{street.path}{community.id}/"
    assert not community.path.startswith(old_district.path)
    [row] = audit("department", street.code)
    assert row.old["parent_id"] == old_district.id and row.new["path"] == street.path


def test_rename_changes_name_and_reply_approval(actor, scratch):
    street = scratch.department("r1", parent="xs")
    org.edit_department(actor=actor("admin"), department_id=street.id, name="更名街道", requires_reply_approval=True)
    with pytest.raises(ValidationFailed):
        org.edit_department(actor=actor("admin"), department_id=street.id, name=" ", requires_reply_approval=True)
    street = db.session.get(Department, street.id, populate_existing=True)
    assert (street.name, street.requires_reply_approval) == ("更名街道", True)


def test_deactivation_is_refused_while_people_children_or_work_remain(actor, dept, scratch):
    admin = actor("admin")
    district = scratch.department("d3", parent="city", kind="district")
    street = scratch.department("s3", parent=f"{PREFIX}d3")
    scratch.user("s3_handler", street, ["handler"])
    case = to_handling(actor, dept, lead=f"{PREFIX}s3")
    with pytest.raises(ValidationFailed) as busy:
        org.deactivate_department(actor=admin, department_id=street.id)
    assert busy.value.errors["active"] == ["has active users: move or deactivate them first",
                                           "has open work items: they must be finished or transferred first"]
    with pytest.raises(ValidationFailed) as parent:
        org.deactivate_department(actor=admin, department_id=district.id)
    assert parent.value.errors["active"] == ["has active sub-departments: move or deactivate them first"]
    assert db.session.get(Department, street.id, populate_existing=True).active and case.id
    empty = scratch.department("e3", parent=f"{PREFIX}d3")
    org.deactivate_department(actor=admin, department_id=empty.id, reason="撤并")
    assert not db.session.get(Department, empty.id, populate_existing=True).active
    assert audit("department", empty.code)[-1].new["active"] is False


def test_a_department_holding_a_case_under_review_cannot_close(actor, dept, scratch):
    street = scratch.department("s4", parent="xs")
    handler = scratch.user("s4_handler", street, ["handler"])
    case = to_handling(actor, dept, lead=f"{PREFIX}s4")
    actions.reply(case_id=case.id, actor=actor(handler.username), result="resolved", reply_text="已处理")
    assert db.session.execute(select(WorkItem.id).where(WorkItem.department_id == street.id,
                                                        WorkItem.state == "open")).first() is None
    admin_users.update_user(actor=actor("admin"), user_id=handler.id, data={
        "display_name": handler.display_name, "department_id": street.id, "roles": ["handler"], "active": False})
    with pytest.raises(ValidationFailed) as held:
        org.deactivate_department(actor=actor("admin"), department_id=street.id)
    assert held.value.errors == {"active": ["holds open cases: they must be closed or transferred first"]}
