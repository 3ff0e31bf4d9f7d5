"""The admin pages (users, departments, parameters, calendar) through the Flask test client."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from engine.db import db
from engine.models import ApiToken, ConfigChange, Department, User
from engine.organisation import directory as org, settings
from tests.api.test_pages import _fresh_limits, csrf, page_client, signin  # noqa: F401  (fixtures)
from tests.engine.deadlines.test_calendar import wipe_year
from tests.engine.organisation.test_users import PREFIX, scratch  # noqa: F401  (fixture)
from tests.factories import to_handling

PAGES = ["/admin", "/admin/users", "/admin/users/1", "/admin/departments", "/admin/departments/1",
         "/admin/parameters", "/admin/calendar?year=2026"]
POSTS = ["/admin/users", "/admin/users/1", "/admin/users/1/password", "/admin/departments",
         "/admin/departments/2", "/admin/departments/2/move", "/admin/departments/2/deactivate",
         "/admin/parameters/max_reopens", "/admin/calendar/day", "/admin/calendar/confirm"]
SCRATCH_YEAR = 2041       # no library data and no other test uses it


def page(client, path: str, status: int = 200) -> str:
    res = client.get(path)
    assert res.status_code == status, (path, res.status_code)
    return res.get_data(as_text=True)


def section(html: str, element_id: str) -> str:
    """The HTML of the element with that id, up to its closing tag ('' when absent)."""
    found = re.search(rf'<(\w+)[^>]*id="{element_id}".*?</\1>', html, re.S)
    return found.group(0) if found else ""


def user_id(username: str) -> int:
    return db.session.execute(select(User.id).where(User.username == username)).scalar_one()


@pytest.mark.parametrize("login", ["dispatcher", "dh_hb_leader"])
def test_everyone_but_admins_gets_403_for_every_page_and_post(signin, login):
    client = signin(login)
    token = csrf(client, "/inbox")
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    for path in POSTS:
        assert client.post(path, data={"csrf_token": token, "value": "1", "reason": "x"}).status_code == 403, path
    assert "/admin\"" not in page(client, "/inbox")             # no admin link in the navigation


def test_admin_pages_need_sign_in_and_posts_need_the_csrf_token(app, signin):
    anonymous = page_client(app)
    for path in PAGES:
        res = anonymous.get(path)
        assert res.status_code == 302 and "/login" in res.location, path
    admin = signin("admin")
    assert admin.post("/admin/parameters/max_reopens", data={"value": "3"}).status_code == 400
    assert settings.snapshot()["max_reopens"] == 2


def test_admin_landing_links_every_area(signin):
    html = page(signin("admin"), "/admin")
    for link in ("/admin/users", "/admin/departments", "/admin/parameters", "/admin/calendar", "/admin/catalogue"):
        assert f'href="{link}"' in html
    assert 'href="/admin"' in page(signin("admin"), "/inbox")   # the nav link


def test_admin_creates_finds_edits_and_resets_a_user(signin, dept, scratch):
    admin = signin("admin")
    token = csrf(admin, "/admin/users")
    fields = {"csrf_token": token, "username": f"{PREFIX}web", "display_name": "网页新用户",
              "department_id": dept("xs_xs"), "roles": ["handler"], "phone": "13900002222",
              "password": "first-pass-1", "reason": "新入职"}
    bad = admin.post("/admin/users", data={**fields, "password": "short", "roles": []})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "至少 8 个字符" in html and "请至少选择一个角色" in html
    assert "first-pass" not in html and db.session.execute(
        select(User).where(User.username == f"{PREFIX}web")).first() is None
    created = admin.post("/admin/users", data=fields)
    assert created.status_code == 302
    uid = user_id(f"{PREFIX}web")
    listed = section(page(admin, f"/admin/users?department_id={dept('xs')}&role=handler&q=网页"), "users")
    assert f"{PREFIX}web" in listed and "网页新用户" in listed and "xs_handler" not in listed
    assert "新入职" in section(page(admin, "/admin/users"), "changes")

    edit = admin.post(f"/admin/users/{uid}", data={**fields, "roles": ["handler", "dept_leader"],
                                                   "department_id": dept("xs_qs"), "active": "true",
                                                   "reason": "调岗"})
    assert edit.status_code == 302
    html = page(admin, f"/admin/users/{uid}")
    assert "青松镇" in html and "调岗" in section(html, "changes") and "承办单位领导" in section(html, "changes")
    reset = admin.post(f"/admin/users/{uid}/password", data={"csrf_token": token, "password": "second-pass-2"})
    assert reset.status_code == 302 and "密码已重置" in page(admin, f"/admin/users/{uid}")
    assert signin(f"{PREFIX}web", "second-pass-2")


def test_an_admin_cannot_remove_their_own_admin_role_or_deactivate_themselves(signin):
    admin = signin("admin")
    uid = user_id("admin")
    token = csrf(admin, f"/admin/users/{uid}")
    me = {"csrf_token": token, "display_name": "系统管理员", "department_id": org.get_user("admin").department_id,
          "roles": ["agent"], "active": "true"}
    res = admin.post(f"/admin/users/{uid}", data=me)
    assert res.status_code == 422 and "不能取消自己的管理员角色" in res.get_data(as_text=True)
    res = admin.post(f"/admin/users/{uid}", data={**me, "roles": ["admin"], "active": ""})
    assert res.status_code == 422 and "不能停用自己" in res.get_data(as_text=True)
    user = db.session.get(User, uid, populate_existing=True)
    assert user.active and user.roles == {"admin"}


def test_deactivating_a_user_revokes_their_tokens_and_sign_in(app, signin, api, dept, scratch):
    street = scratch.department("wt", parent="xs")
    user = scratch.user("wt_handler", street, ["handler"])
    assert api(user.username).get("/api/v1/work-items").status_code == 200
    admin = signin("admin")
    res = admin.post(f"/admin/users/{user.id}", data={
        "csrf_token": csrf(admin, f"/admin/users/{user.id}"), "display_name": user.display_name,
        "department_id": street.id, "roles": ["handler"], "reason": "离职"})          # no "active": unticked
    assert res.status_code == 302
    assert api(user.username).get("/api/v1/work-items").status_code == 401
    assert db.session.execute(select(ApiToken.revoked_at).where(ApiToken.user_id == user.id)).scalar() is not None
    client = page_client(app)
    denied = client.post("/login", data={"username": user.username, "password": "12345demo",
                                         "csrf_token": csrf(client)})
    assert denied.status_code == 401


# Long because it is one admin's story (build, reshape, watch scope follow): each step needs the last one's state.
def test_admin_builds_and_reshapes_the_tree_and_scope_follows(signin, actor, dept, scratch):
    admin = signin("admin")
    token = csrf(admin, "/admin/departments")
    base = {"csrf_token": token, "kind": "district", "requires_reply_approval": "", "reason": "区划调整"}
    bad = admin.post("/admin/departments", data={**base, "parent_id": dept("city"), "code": "xs", "name": ""})
    assert bad.status_code == 422 and "已被占用" in bad.get_data(as_text=True) and "必填" in bad.get_data(as_text=True)
    for code, name, parent, kind in ((f"{PREFIX}wd1", "旧区", dept("city"), "district"),
                                     (f"{PREFIX}wd2", "新区", dept("city"), "district")):
        assert admin.post("/admin/departments", data={**base, "parent_id": parent, "code": code, "name": name,
                                                      "kind": kind}).status_code == 302
    old, new = (db.session.execute(select(Department).where(Department.code == c)).scalar_one()
                for c in (f"{PREFIX}wd1", f"{PREFIX}wd2"))
    assert admin.post("/admin/departments", data={**base, "parent_id": old.id, "code": f"{PREFIX}ws",
                                                  "name": "迁移街道", "kind": "street"}).status_code == 302
    street = db.session.execute(select(Department).where(Department.code == f"{PREFIX}ws")).scalar_one()
    tree = section(page(admin, "/admin/departments"), "departments")
    assert f'data-department="{PREFIX}ws" data-path="{old.path}{street.id}/"' in tree

    handler = scratch.user("ws_handler", street, ["handler"])
    scratch.user("wd1_leader", old, ["dept_leader"])
    scratch.user("wd2_leader", new, ["dept_leader"])
    case = to_handling(actor, dept, lead=f"{PREFIX}ws")
    assert page(signin(f"{PREFIX}wd1_leader"), f"/cases/{case.id}", 200)

    inside = admin.post(f"/admin/departments/{old.id}/move", data={"csrf_token": token, "parent_id": street.id})
    assert inside.status_code == 422 and "不能调整到本单位或其下级单位之下" in inside.get_data(as_text=True)
    moved = admin.post(f"/admin/departments/{street.id}/move", data={"csrf_token": token, "parent_id": new.id})
    assert moved.status_code == 302
    assert db.session.get(Department, street.id, populate_existing=True).path == f"{new.path}{street.id}/"
    assert case.case_no in page(signin(handler.username), f"/cases/{case.id}")     # the handler keeps the case
    assert page(signin(f"{PREFIX}wd2_leader"), f"/cases/{case.id}", 200)           # the new district sees it
    assert signin(f"{PREFIX}wd1_leader").get(f"/cases/{case.id}").status_code == 403   # the old one no more

    renamed = admin.post(f"/admin/departments/{street.id}", data={"csrf_token": token, "name": "新名街道",
                                                                  "reason": "更名"})
    assert renamed.status_code == 302
    busy = admin.post(f"/admin/departments/{street.id}/deactivate", data={"csrf_token": token})
    html = busy.get_data(as_text=True)
    assert busy.status_code == 422 and "仍有在用用户" in html and "仍有未办结的待办" in html
    html = page(admin, f"/admin/departments/{street.id}")
    assert "新名街道" in html and "新区" in section(html, "ancestors") and "更名" in section(html, "changes")
    assert db.session.get(Department, street.id, populate_existing=True).active


def test_admin_sets_a_parameter_and_a_bad_value_changes_nothing(signin):
    admin = signin("admin")
    token = csrf(admin, "/admin/parameters")
    try:
        bad = admin.post("/admin/parameters/handling_days.consult", data={"csrf_token": token, "value": "zero"})
        html = bad.get_data(as_text=True)
        assert bad.status_code == 422 and "须为整数" in section(html, "parameters") and 'value="zero"' in html
        bad = admin.post("/admin/parameters/office_end", data={"csrf_token": token, "value": "25:00"})
        assert bad.status_code == 422 and "须为时间 HH:MM" in bad.get_data(as_text=True)
        internal = admin.post("/admin/parameters/calendar.revision", data={"csrf_token": token, "value": "0"})
        assert internal.status_code == 422
        assert admin.post("/admin/parameters/nope", data={"csrf_token": token, "value": "1"}).status_code == 404
        assert (settings.snapshot()["handling_days.consult"], settings.snapshot()["office_end"]) == (5, "17:30")
        ok = admin.post("/admin/parameters/handling_days.consult",
                        data={"csrf_token": token, "value": "7", "reason": "试行延长"})
        assert ok.status_code == 302 and settings.snapshot()["handling_days.consult"] == 7
        html = page(admin, "/admin/parameters")
        row = re.search(r'<tr data-parameter="handling_days.consult">.*?</tr>', html, re.S).group(0)
        assert "<strong>7</strong>" in row and "<td>5</td>" in row and "试行延长" in section(html, "changes")
    finally:
        settings.set_parameter(actor=_admin(), name="handling_days.consult", value=5, reason="test cleanup")


def _admin():
    from engine.organisation.actor import actor_from_user
    return actor_from_user(org.get_user("admin"))


@pytest.fixture
def scratch_year(app):
    wipe_year(SCRATCH_YEAR)
    yield SCRATCH_YEAR
    wipe_year(SCRATCH_YEAR)


def test_admin_edits_and_confirms_a_calendar_year(signin, scratch_year):
    admin = signin("admin")
    url = f"/admin/calendar?year={scratch_year}"
    token = csrf(admin, url)
    assert "暂定" in section(page(admin, url), "year-status")
    empty = admin.post("/admin/calendar/confirm", data={"csrf_token": token, "year": scratch_year})
    assert empty.status_code == 422 and f"{scratch_year} 年尚无日历数据" in empty.get_data(as_text=True)
    bad = admin.post("/admin/calendar/day", data={"csrf_token": token, "day": "2041-13-01", "kind": "holiday",
                                                  "year": scratch_year})
    assert bad.status_code == 422 and "须为日期(YYYY-MM-DD)" in bad.get_data(as_text=True)
    holiday = admin.post("/admin/calendar/day", data={"csrf_token": token, "day": "2041-10-01", "kind": "holiday",
                                                      "label": "国庆节", "reason": "国务院通知"})
    assert holiday.status_code == 302 and holiday.location.endswith(f"year={scratch_year}")
    workday = admin.post("/admin/calendar/day", data={"csrf_token": token, "day": "2041-10-12", "kind": "workday",
                                                      "label": "调休上班"})
    assert workday.status_code == 302
    html = page(admin, url)
    table = section(html, "exceptions")
    assert "2041-10-01" in table and "国庆节" in table and "休息日" in table and "调休上班" in table
    assert "国务院通知" in section(html, "changes")

    counted = section(page(admin, f"{url}&start=2041-09-30&days=2"), "counted")
    assert "2041-10-03" in counted and "暂定" in counted          # from Mon 30th: Tue 1st off, Wed 2nd, Thu 3rd
    confirmed = admin.post("/admin/calendar/confirm", data={"csrf_token": token, "year": scratch_year,
                                                            "reason": "已核对"})
    assert confirmed.status_code == 302
    html = page(admin, url)
    assert "已确认" in section(html, "year-status") and "已核对" in section(html, "changes")
    assert "暂定" not in section(page(admin, f"{url}&start=2041-09-30&days=2"), "counted")
    rows = db.session.execute(select(ConfigChange.area).where(ConfigChange.key.in_(
        ["2041-10-01", "2041-10-12", "2041"]))).scalars().all()
    assert sorted(rows) == ["calendar", "calendar", "calendar_year", "calendar_year"]


def test_the_working_days_counter_says_what_is_wrong(signin):
    html = page(signin("admin"), "/admin/calendar?year=2026&start=someday&days=-1")
    assert "须为日期(YYYY-MM-DD)" in html and "须为整数" in html and 'id="counted"' not in html
    assert date(2026, 1, 1).isoformat() in page(signin("admin"), "/admin/calendar?year=2026")


def test_the_admin_pages_render_in_english_too(signin):
    admin = signin("admin")
    admin.post("/lang/en", data={"csrf_token": csrf(admin, "/admin")})
    for path, heading in (("/admin/users", "Users"), ("/admin/departments", "Departments"),
                          ("/admin/parameters", "Parameters"), ("/admin/calendar?year=2026", "Working-day calendar")):
        html = page(admin, path)
        assert f"<h1>{heading}" in html and "Recent changes" in html, path
