"""The intake page with what a 12345 intake form has (matter, district/street, urgency, gender,
call-back and SMS wishes, files), and the admin page of the matter catalogue."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from engine.db import db
from engine.models import Attachment, Case, ConfigChange, Matter
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.engine.organisation.test_matters import fresh_matters  # noqa: F401  (fixture)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FORM = {"category": "help", "channel": "phone", "citizen_name": "王大爷", "citizen_gender": "male",
        "phone": "13600136004", "title": "路灯不亮", "content": "村口路灯坏了半个月。", "urgency": "urgent",
        "wants_callback": "true", "wants_sms_reply": "true", "confidential": "false"}


def matter(code: str) -> int:
    return db.session.execute(select(Matter.id).where(Matter.code == code)).scalar_one()


def test_the_form_offers_the_matter_tree_and_the_districts_and_streets(signin):
    page = signin("agent").get("/cases/new").get_data(as_text=True)
    matter_select = re.search(r'<select id="f-matter_id".*?</select>', page, re.S).group(0)
    assert '>市政管理</option>' in matter_select and '>　路灯照明</option>' in matter_select
    area_select = re.search(r'<select id="f-area_id".*?</select>', page, re.S).group(0)
    assert "　湖滨街道" in area_select and "市城市管理局" not in area_select     # places, not bureaus
    assert 'enctype="multipart/form-data"' in page and 'name="attachments" multiple' in page
    assert re.search(r'<option value="normal" selected>一般</option>', page)     # urgency preset to normal


def test_an_agent_registers_with_everything_and_the_files(signin, dept):
    agent = signin("agent")
    data = {**FORM, "matter_id": str(matter("ldzm")), "area_id": str(dept("xs_qs")), "csrf_token": csrf(agent, "/cases/new"),
            "attachments": [(io.BytesIO(PNG), "路灯.png"), (io.BytesIO(PNG), "近景.png")]}
    res = agent.post("/cases/new", data=data, content_type="multipart/form-data")
    assert res.status_code == 302, res.get_data(as_text=True)[:500]
    case = db.session.execute(select(Case).order_by(Case.id.desc())).scalars().first()
    assert (case.matter_id, case.area_id, case.urgency, case.citizen_gender, case.wants_sms_reply) == (
        matter("ldzm"), dept("xs_qs"), "urgent", "male", True)
    assert db.session.execute(select(Attachment.filename).where(Attachment.case_id == case.id)
                              .order_by(Attachment.id)).scalars().all() == ["路灯.png", "近景.png"]
    page = agent.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "市政管理 › 路灯照明" in page and "西山区 › 青松镇" in page and "紧急" in page and "（男）" in page
    assert "需要回复 · 短信告知答复全文" in page


def test_a_refused_file_keeps_what_was_typed_and_says_to_choose_again(signin):
    agent = signin("agent")
    data = {**FORM, "csrf_token": csrf(agent, "/cases/new"),
            "attachments": [(io.BytesIO(b"MZ\x90\x00"), "照片.exe")]}
    res = agent.post("/cases/new", data=data, content_type="multipart/form-data")
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and "照片.exe：不允许的文件类型" in page
    assert "请重新选择" in page and 'value="路灯不亮"' in page
    assert db.session.execute(select(Case.id)).first() is None


def test_the_admin_builds_the_matter_tree(signin, fresh_matters):
    admin = signin("admin")
    token = csrf(admin, "/admin/matters")
    res = admin.post("/admin/matters", data={"csrf_token": token, "code": "t_page", "name": "测试事项",
                                             "parent_id": str(matter("szgl")), "sort": "5", "reason": "新增"})
    assert res.status_code == 302
    added = db.session.execute(select(Matter).where(Matter.code == "t_page")).scalar_one()
    page = admin.get("/admin/matters").get_data(as_text=True)
    assert "测试事项" in page and "新增" in page
    res = admin.post("/admin/matters", data={"csrf_token": token, "code": "t_page", "name": "重复"})
    assert res.status_code == 422 and "代码" in res.get_data(as_text=True) and "已被占用" in res.get_data(as_text=True)
    res = admin.post(f"/admin/matters/{matter('szgl')}/active", data={"csrf_token": token, "active": "false"})
    assert "请先停用" in admin.get(res.headers["Location"]).get_data(as_text=True)        # children open
    res = admin.post(f"/admin/matters/{added.id}/active", data={"csrf_token": token, "active": "false", "reason": "试用结束"})
    db.session.expire_all()
    assert res.status_code == 302 and db.session.get(Matter, added.id).active is False
    assert db.session.execute(select(ConfigChange.reason).where(ConfigChange.key == f"matter:{added.id}")
                              .order_by(ConfigChange.id.desc())).scalars().first() == "试用结束"
    assert signin("dispatcher").get("/admin/matters").status_code == 403
