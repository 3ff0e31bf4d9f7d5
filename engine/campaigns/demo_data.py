"""The demo's outbound work: a running campaign with a few calls for the demo agent, and a
satisfaction re-visit campaign for the demo visitor built from the cases waiting for their visit."""
from __future__ import annotations

from sqlalchemy import select

from engine.campaigns import service, targets
from engine.db import db
from engine.models import User
from engine.organisation import actor_from_user

DEMO_LIST = [
    {"phone": "13800138101", "name": "刘先生", "notes": "上月反映供暖不热，已维修，了解效果", "skill": ""},
    {"phone": "13800138102", "name": "陈女士", "notes": "咨询公积金提取，告知新政策", "skill": ""},
    {"phone": "13800138103", "name": "黄先生", "notes": "噪音投诉整改情况回访", "skill": ""},
    {"phone": "13800138104", "name": "周阿姨", "notes": "老旧小区加装电梯意见征询", "skill": ""},
]


def seed_demo() -> None:
    """Called once from engine.demo (a demo city with cases)."""
    users = {u.username: u for u in db.session.execute(select(User).where(
        User.username.in_(("shift_lead", "agent", "visitor")))).scalars()}
    lead = actor_from_user(users["shift_lead"])
    general = service.create(actor=lead, data={"name": "供暖季市民意见回访", "purpose": "general"},
                             agents={users["agent"].id: ""})
    clean = [targets.validate_list_row(row)[0] for row in DEMO_LIST]
    targets.add_list_rows(general.id, clean, lead)
    service.move(actor=lead, campaign_id=general.id, action="start")
    revisit = service.create(actor=lead, data={"name": "本周满意度回访", "purpose": "revisit"},
                             agents={users["visitor"].id: ""})
    targets.add_visits(actor=lead, campaign_id=revisit.id)
    service.move(actor=lead, campaign_id=revisit.id, action="start")
