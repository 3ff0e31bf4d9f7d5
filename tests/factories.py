"""Ready-made requests and a driver that walks cases through the lifecycle via the services."""
from __future__ import annotations

from engine.cases import actions, service as cases

INTAKE = {
    "category": "complaint", "channel": "phone", "citizen_name": "张三", "phone": "13800138000",
    "title": "小区电梯长期故障", "content": "电梯故障一个多月无人维修，请求督促。",
    "address": "东湖区湖滨街道新苑小区3栋",
}


def open_case(actor, **overrides):
    return cases.open_case(actor=actor, data={**INTAKE, **overrides})


def to_handling(actor, dept, *, lead="dh_hb", co=(), mode="transfer", **intake):
    """Open a case and bring it to handling (signed for by the lead)."""
    case = open_case(actor("agent"), **intake)
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    extra = {"instruction": "请于期限内办结并报告。"} if mode == "assign" else {}
    actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode=mode, lead_department_id=dept(lead),
                     co_department_ids=[dept(c) for c in co], **extra)
    return actions.sign_for(case_id=case.id, actor=actor(f"{lead}_handler"))
