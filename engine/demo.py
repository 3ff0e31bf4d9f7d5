"""A realistic demo city: departments, one user per role per place, the case process, cases."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from engine.cases import actions, overtime, service as cases
from engine.db import db
from engine.deadlines import calendar as work_calendar
from engine.models import Case, Department, Matter, ProcessVersion
from engine.organisation import catalogue, directory as org, matters, roles as R
from engine.organisation.actor import actor_from_user
from engine.processes import versions as processes

DEMO_PASSWORD = "12345demo"
WORKFLOW_FILE = Path(__file__).resolve().parents[1] / "workflows" / "case_handling.bpmn"

CENTER_USERS = [  # (login, name, roles)
    ("admin", "系统管理员", [R.ADMIN]), ("agent", "话务员 王芳", [R.AGENT]),
    ("dispatcher", "派单员 李强", [R.DISPATCHER]), ("shift_lead", "值班长 赵敏", [R.SHIFT_LEAD]),
    ("supervisor", "督办员 孙伟", [R.SUPERVISOR]), ("leader", "中心领导 周建国", [R.CENTER_LEADER]),
    ("visitor", "回访员 吴静", [R.VISITOR]), ("designer", "流程设计员 郑涛", [R.DESIGNER]),
    ("analyst", "统计分析员 钱悦", [R.ANALYST]),
]
# (code, name, requires reply approval, [(street code, street name, [(community code, name)])])
DISTRICTS = [
    ("dh", "东湖区", True, [("dh_hb", "湖滨街道", [("dh_hb_xy", "湖滨街道新苑社区")]),
                           ("dh_xh", "新华街道", [("dh_xh_gy", "新华街道光荣社区")])]),
    ("xs", "西山区", False, [("xs_xs", "西山街道", [("xs_xs_ss", "西山街道松山社区")]),
                            ("xs_qs", "青松镇", [("xs_qs_hq", "青松镇河桥村")])]),
]
BUREAUS = [  # (code, name, requires reply approval)
    ("zjj", "市住房和城乡建设局", True), ("scj", "市市场监督管理局", False),
    ("sthj", "市生态环境局", False), ("jtj", "市交通运输局", True),
    ("rsj", "市人力资源和社会保障局", False), ("cgj", "市城市管理局", False),
    ("jyj", "市教育局", False),
]


def is_seeded() -> bool:
    return bool(db.session.execute(select(func.count()).select_from(Department)).scalar())


def seed(with_cases: bool = True) -> list[tuple[str, str, str, str]]:
    """Create the demo city; returns (login, password, roles, department) rows to print."""
    work_calendar.import_library()      # first: every deadline computed below needs the holidays
    logins: list[tuple[str, str, str, str]] = []
    city = org.create_department(code="city", name="某市", kind="city")
    center = org.create_department(code="center", name="12345 市民服务热线中心", kind="center", parent=city)
    for login, name, roles in CENTER_USERS:
        _user(logins, login, name, roles, center)
    for code, name, approval, streets in DISTRICTS:
        district = _place(logins, city, code, name, "district", approval)
        for s_code, s_name, communities in streets:
            street = _place(logins, district, s_code, s_name, "street", False)
            for c_code, c_name in communities:
                _place(logins, street, c_code, c_name, "community", False)
    for code, name, approval in BUREAUS:
        _place(logins, city, code, name, "bureau", approval)
    db.session.commit()
    seed_catalogue()
    seed_risk_types()
    from engine.telephony.queues import seed_demo as seed_queues  # the IVR menu's queues (issue 18)
    seed_queues(_actor("admin"))
    if not db.session.execute(select(func.count()).select_from(ProcessVersion)).scalar():
        processes.load_version(xml=WORKFLOW_FILE.read_bytes(), publish=True)
    if with_cases:
        # The re-examination process (issue 14); tests and a seed without cases load it on the first request.
        from engine.channels.reexamination import load_bundled
        load_bundled()
        demo_cases()
        from engine.knowledge.demo import seed_demo  # the knowledge base's articles (issue 15)
        seed_demo()
    return logins


def _place(logins, parent, code, name, kind, approval) -> Department:
    dept = org.create_department(code=code, name=name, kind=kind, parent=parent,
                                 requires_reply_approval=approval)
    _user(logins, f"{code}_handler", f"{name}经办人", [R.HANDLER], dept)
    _user(logins, f"{code}_leader", f"{name}领导", [R.DEPT_LEADER], dept)
    return dept


def _user(logins, login, name, roles, dept) -> None:
    # 139 + 8 digits: one made-up mobile number per demo user, for reminders and digests.
    phone = f"139{len(logins) + 1:08d}"
    org.create_user(username=login, display_name=name, password=DEMO_PASSWORD, department=dept, roles=roles,
                    phone=phone)
    logins.append((login, DEMO_PASSWORD, ",".join(roles), dept.name))


def _actor(login: str):
    return actor_from_user(org.get_user(login))


def _dept(code: str) -> int:
    return db.session.execute(select(Department.id).where(Department.code == code)).scalar_one()


# The dispatch catalogue (派单目录): (category, keyword, lead, co-departments, priority).
CATALOGUE = [
    ("complaint", "电梯", "zjj", ["dh_hb"], 10), ("complaint", "物业", "zjj", [], 5),
    ("complaint", "噪音", "sthj", [], 5), ("complaint", "欠薪", "rsj", [], 5),
    ("complaint", "出租车", "jtj", [], 5), ("report", "餐馆", "scj", [], 10),
    ("report", "食品", "scj", [], 5), ("report", "排污", "sthj", [], 5),
    ("help", "路灯", "cgj", ["xs_qs"], 10), ("help", "", "cgj", [], 0),
    ("consult", "社保", "rsj", [], 5), ("consult", "入学", "jyj", [], 5),
    ("suggestion", "公交", "jtj", [], 5),
]


# The matter catalogue (事项分类): (code, name, children).
MATTERS = [
    ("cxjs", "城乡建设", [("wygl", "物业管理", [("wy_dt", "电梯故障", []), ("wy_fw", "物业服务", [])]),
                          ("fwaq", "房屋安全", [])]),
    ("hjbh", "环境保护", [("zysr", "噪音扰民", [("zy_sg", "施工噪音", []), ("zy_sh", "社会生活噪音", [])]),
                          ("yywr", "餐饮油烟", []), ("pwwr", "排污", [])]),
    ("szgl", "市政管理", [("ldzm", "路灯照明", []), ("jgss", "井盖设施", []), ("zdjy", "占道经营", [])]),
    ("ldsb", "劳动社保", [("qxwq", "欠薪维权", []), ("sbjf", "社保缴费", [])]),
    ("jtys", "交通运输", [("czc", "出租车", []), ("gjxl", "公交线路", [])]),
    ("scjg", "市场监管", [("spaq", "食品安全", []), ("cyws", "餐饮卫生", [])]),
    ("jyfw", "教育服务", [("rxzs", "入学招生", [])]),
]
# Dispatch rules by matter: (matter code, lead, to the case's own street or district).
MATTER_RULES = [("wy_dt", "zjj", False), ("zysr", "sthj", False), ("ldzm", "cgj", True), ("zdjy", "cgj", True),
                ("qxwq", "rsj", False), ("czc", "jtj", False), ("cyws", "scj", False)]


def seed_catalogue() -> None:
    """The demo city's matter and dispatch catalogues, entered by the admin (so they show in the audit)."""
    admin = _actor("admin")
    _seed_matters(admin, MATTERS, None)
    for category, keyword, lead, co, priority in CATALOGUE:
        catalogue.save_rule(actor=admin, reason="演示数据", data={
            "category": category, "keyword": keyword, "lead_department_id": _dept(lead),
            "co_department_ids": [_dept(c) for c in co], "priority": priority, "active": True})
    for code, lead, to_area in MATTER_RULES:
        catalogue.save_rule(actor=admin, reason="演示数据", data={
            "matter_id": _matter(code), "lead_department_id": _dept(lead), "to_area": to_area, "active": True})


def _seed_matters(admin, nodes, parent_id: int | None) -> None:
    for order, (code, name, children) in enumerate(nodes):
        row = matters.save(actor=admin, reason="演示数据", data={"code": code, "name": name, "sort": order * 10,
                                                                 **({"parent_id": parent_id} if parent_id else {})})
        _seed_matters(admin, children, row.id)


# The risk screening's default lists (社会风险评估研判): (code, name, keywords); leaders edit them.
RISK_TYPES = [
    ("mass_incident", "群体事件", "群体 集体 聚集 围堵 堵路 拉横幅 静坐 串联"),
    ("petition", "信访", "上访 进京 信访 越级 集访"),
    ("land_demolition", "征地拆迁", "拆迁 征地 强拆 安置 补偿款"),
    ("wage_arrears", "劳资欠薪", "欠薪 讨薪 拖欠工资 工资 农民工"),
    ("extreme", "个人极端", "跳楼 自杀 轻生 同归于尽 报复社会"),
    ("illegal_funding", "涉众金融", "非法集资 集资 暴雷 跑路 理财"),
]


def seed_risk_types() -> None:
    """The default keyword lists, entered by the admin (so they show in the audit)."""
    from engine import screening
    admin = _actor("admin")
    for order, (code, name, words) in enumerate(RISK_TYPES):
        screening.risk_types.save(actor=admin, reason="演示数据", data={
            "code": code, "name": name, "keywords": words, "active": True, "sort": order * 10})


def _matter(code: str) -> int:
    return db.session.execute(select(Matter.id).where(Matter.code == code)).scalar_one()


SAMPLES = [
    ("complaint", "phone", "张先生", "13800138001", "小区电梯长期故障无人维修",
     "新苑小区3栋电梯故障一个多月，物业多次推诿，老人上下楼困难，请求督促维修。", "东湖区湖滨街道新苑小区3栋"),
    ("consult", "phone", "李女士", "13900139002", "咨询灵活就业社保缴费",
     "咨询灵活就业人员如何办理社保缴费，需要哪些材料。", ""),
    ("report", "web", "匿名", "13700137003", "举报餐馆后厨卫生问题",
     "西山街道某餐馆后厨卫生条件差，存在过期食材。", "西山区西山街道松山路18号"),
    ("help", "wechat", "王大爷", "13600136004", "路灯不亮夜间出行不便",
     "青松镇河桥村村口路灯坏了半个月，夜里出行不便。", "西山区青松镇河桥村"),
    ("suggestion", "mailbox", "赵先生", "13500135005", "建议增开公交夜班线路",
     "建议在东湖区与西山区之间增开夜班公交线路，方便夜间下班人员。", ""),
]


def demo_cases() -> None:
    """Cases waiting at every desk, so each demo login has work: the first a month old and overdue."""
    from engine import campaigns
    from engine.cases import reminders
    from engine.deadlines import colours

    agent = _actor("agent")
    _overdue_case(agent)
    opened = [_open(agent, sample) for sample in SAMPLES[1:] + EXTRA_SAMPLES[:4]]
    consult, report, lamp, bus, noise, wages, school, taxi = opened
    _time_limit_cases(agent)
    actions.triage(case_id=consult.id, actor=agent, decision="direct_answer",
                   answer="可携带身份证到社保经办窗口或通过政务服务网办理。")
    _dispatch(report, "scj")                                   # waits for the bureau to sign for it
    _dispatch(lamp, "xs_qs")
    actions.sign_for(case_id=lamp.id, actor=_actor("xs_qs_handler"))
    actions.request_extension(case_id=lamp.id, actor=_actor("xs_qs_handler"), days=5,
                              reason="需协调供电公司更换线路")      # the center leader decides
    _dispatch(noise, "scj")
    actions.return_case(case_id=noise.id, actor=_actor("scj_handler"),
                        reason="施工噪音不属于市场监管职责，建议由住建部门办理")   # the dispatcher decides
    _replied(wages, "rsj", "resolved", "已责令用人单位三日内支付拖欠工资，市民已确认收到。")   # center review next
    _replied(taxi, "jtj", "explained", "已调取行车记录，对司机绕路行为作出处罚并退还多收车费。")
    actions.approve_reply(case_id=taxi.id, actor=_actor("jtj_leader"), approved=True)
    actions.review(case_id=taxi.id, actor=_actor("dispatcher"), passed=True)   # the visitor calls back
    for waiting in (bus, school):                             # triaged: wait for the dispatcher
        actions.triage(case_id=waiting.id, actor=agent, decision="dispatch")
    colours.recolour()
    reminders.send_reminders()                               # the overdue case reaches the leader
    from engine.contacts import samples as contact_samples
    contact_samples.seed_demo()                              # contacts with calls and call notes (issue 15)
    campaigns.seed_demo()                                    # outbound calls for the agent and the visitor


def _overdue_case(agent) -> None:
    """The first sample, registered and signed for a month ago: overdue now."""
    from datetime import timedelta

    from engine import ports

    real = ports.clock
    ports.set_clock(ports.FixedClock(real.now() - timedelta(days=30)))
    try:
        overdue = _open(agent, SAMPLES[0])
        _dispatch(overdue, "dh_hb", ["zjj"])
        actions.sign_for(case_id=overdue.id, actor=_actor("dh_hb_handler"))
    finally:
        ports.set_clock(real)


def _time_limit_cases(agent) -> None:
    """For the center director's registers: a natural completion declared on its due date, waiting
    to be filed; a case replied a week late with its overtime report."""
    from datetime import timedelta

    from engine import ports

    real = ports.clock
    try:
        ports.set_clock(ports.FixedClock(real.now() - timedelta(days=30)))
        natural, late = (_open(agent, sample) for sample in EXTRA_SAMPLES[4:6])
        for case, lead in ((natural, "xs_xs"), (late, "dh_xh")):
            _dispatch(case, lead)
            actions.sign_for(case_id=case.id, actor=_actor(f"{lead}_handler"))
        due = db.session.get(Case, natural.id).handle_due_at
        ports.set_clock(ports.FixedClock(due - timedelta(hours=2)))
        actions._act("handle", natural.id, _actor("xs_xs_handler"), {
            "action": "natural_completion", "natural_reason": "no_materials",
            "reply_text": "经告知，申请人未在期限内补正收入证明材料，本事项自然办结；补齐材料后可重新申请。"})
    finally:
        ports.set_clock(real)
    overtime.submit(case_id=late.id, actor=_actor("dh_xh_handler"), data={
        "reason": "涉及产权单位与物业多方协调，未能在期限内办结", "measures": "建立三方联络人制度，每周通报进度"})
    actions.reply(case_id=late.id, actor=_actor("dh_xh_handler"), result="resolved",
                  reply_text="已协调产权单位完成外墙脱落部位修缮，并设置警示围挡。")


def _replied(case, department: str, result: str, text: str) -> None:
    _dispatch(case, department)
    actions.sign_for(case_id=case.id, actor=_actor(f"{department}_handler"))
    actions.reply(case_id=case.id, actor=_actor(f"{department}_handler"), result=result, reply_text=text)


# What intake recorded beyond the text: (matter, district/street, gender, urgency, SMS reply).
INTAKE_EXTRAS = {
    "小区电梯长期故障无人维修": ("wy_dt", "dh_hb", "male", "urgent", True),
    "咨询灵活就业社保缴费": ("sbjf", None, "female", "normal", False),
    "举报餐馆后厨卫生问题": ("cyws", "xs_xs", "", "normal", False),
    "路灯不亮夜间出行不便": ("ldzm", "xs_qs", "male", "normal", True),
    "夜间施工噪音扰民": ("zy_sg", "dh_xh", "female", "urgent", False),
    "公司拖欠三个月工资": ("qxwq", "xs_xs", "male", "very_urgent", True),
    "出租车绕路多收费": ("czc", None, "male", "normal", False),
}


def _open(agent, sample):
    category, channel, name, phone, title, content, address = sample
    matter, area, gender, urgency, sms = INTAKE_EXTRAS.get(title, (None, None, "", "normal", False))
    extras = {"matter_id": _matter(matter) if matter else None, "area_id": _dept(area) if area else None,
              "citizen_gender": gender or None}
    return cases.open_case(actor=agent, data={
        "category": category, "channel": channel, "citizen_name": name, "phone": phone,
        "title": title, "content": content, "address": address, "urgency": urgency, "wants_sms_reply": sms,
        **{k: v for k, v in extras.items() if v}})


def _dispatch(case, lead: str, co: list[str] = ()) -> None:
    actions.triage(case_id=case.id, actor=_actor("agent"), decision="dispatch")
    actions.dispatch(case_id=case.id, actor=_actor("dispatcher"), mode="transfer",
                     lead_department_id=_dept(lead), co_department_ids=[_dept(c) for c in co])


EXTRA_SAMPLES = [
    ("complaint", "phone", "钱女士", "13400134006", "夜间施工噪音扰民",
     "新华街道光荣社区旁工地每晚十一点后仍在施工，噪音严重影响休息。", "东湖区新华街道光荣社区"),
    ("complaint", "app", "孙先生", "13300133007", "公司拖欠三个月工资",
     "所在公司以经营困难为由拖欠三个月工资，多次讨要未果。", "西山区西山街道工业园"),
    ("suggestion", "web", "周女士", "13200132008", "建议增加学校周边交通协管",
     "东湖区实验小学放学时段交通拥堵，建议增派交通协管员。", "东湖区湖滨街道学府路"),
    ("complaint", "phone", "吴先生", "13100131009", "出租车绕路多收费",
     "乘坐出租车从火车站到湖滨街道，司机绕路多收费四十元。", ""),
    ("help", "phone", "郑女士", "13000130010", "申请临时生活困难救助",
     "家中老人住院，生活暂时困难，申请临时救助，需要了解所需材料。", "西山区西山街道惠民小区"),
    ("complaint", "web", "冯先生", "15900159011", "老旧楼外墙瓷砖脱落",
     "新华街道和平里5号楼外墙瓷砖多次脱落，存在砸伤行人的危险。", "东湖区新华街道和平里5号楼"),
]
