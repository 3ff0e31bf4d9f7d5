"""A few real-looking published articles for the demo city (engine/demo.py calls `seed_demo`)."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.db import db
from engine.knowledge import articles, categories
from engine.models import Department, KbArticle, User
from engine.organisation import actor_from_user

# (category path, owning department code, title, body HTML)
ARTICLES = [
    (("住房保障", "住房公积金"), "zjj", "住房公积金提取办理指南",
     "<h3>可以提取的情形</h3><ul><li>购买、建造、翻建、大修自住住房</li><li>偿还购房贷款本息</li>"
     "<li>租房自住（每年可提取一次）</li><li>离休、退休或出境定居</li></ul><h3>所需材料</h3>"
     "<p>本人<strong>身份证</strong>、银行卡，以及对应情形的证明材料（购房合同、租赁合同等）。</p>"
     "<p>可通过市住房公积金管理中心网站、手机APP线上办理，或到各管理部柜台办理，一般 3 个工作日到账。</p>"),
    (("住房保障", "住房公积金"), "zjj", "住房公积金贷款额度如何计算",
     "<p>贷款额度按缴存余额的 15 倍计算，最高不超过 60 万元（双职工 80 万元），并不超过房价的 70%。</p>"),
    (("社会保障", "社保缴费"), "rsj", "灵活就业人员社保缴费方式",
     "<p>灵活就业人员可在<strong>税务局电子税务局</strong>或手机APP自助缴纳基本养老保险和医疗保险，"
     "缴费基数在全省上年度平均工资的 60%–300% 之间自选。</p><ol><li>登记参保</li><li>选择缴费基数</li>"
     "<li>签订三方协议或扫码缴费</li></ol>"),
    (("社会保障", "社保卡"), "rsj", "社保卡丢失补办流程",
     "<p>社保卡丢失后请先拨打 12333 或通过APP办理<strong>临时挂失</strong>，再携带身份证到合作银行网点补卡，"
     "补卡工本费按规定收取，一般 7 个工作日可领取。</p>"),
    (("教育服务", "入学招生"), "jyj", "小学一年级入学报名条件和材料",
     "<p>适龄儿童（当年 8 月 31 日前满 6 周岁）凭<strong>户口簿、房产证或租赁备案证明</strong>，"
     "在 5 月网上报名期间登录市教育局招生平台报名。非本市户籍需提供居住证和社保缴纳证明。</p>"),
    (("交通出行", "公交线路"), "jtj", "公交线路调整和站点设置意见的反映渠道",
     "<p>市民对公交线路和站点的建议，由市交通运输局每季度汇总论证；调整方案在公交集团官网公示 7 天。</p>"),
    (("市场监管", "消费维权"), "scj", "网购商品七日无理由退货规定",
     "<p>依据《消费者权益保护法》第二十五条，网购商品（定作、鲜活易腐、数字化商品等除外）自收货之日起"
     "<strong>七日内</strong>可无理由退货，商品应当完好，退回运费由消费者承担（另有约定的除外）。</p>"
     "<p>商家拒绝的，可向市场监管部门投诉。</p>"),
]


def seed_demo() -> None:
    """The demo's categories and published articles (written by each bureau, approved by the shift lead)."""
    if db.session.execute(select(func.count()).select_from(KbArticle)).scalar():
        return
    made: dict[tuple, int] = {}
    approver = _actor("shift_lead")
    for path, dept_code, title, body in ARTICLES:
        parent = None
        for depth in range(len(path)):
            key = path[:depth + 1]
            if key not in made:
                made[key] = categories.add(name=key[-1], parent_id=parent, sort=len(made)).id
            parent = made[key]
        writer = _actor(f"{dept_code}_handler")
        dept = db.session.execute(select(Department.id).where(Department.code == dept_code)).scalar_one()
        row = articles.create(actor=writer, data={"title": title, "body": body, "category_id": parent,
                                                  "department_id": dept, "note": "首次发布"})
        articles.transition(actor=writer, article_id=row.id, action="submit")
        articles.transition(actor=approver, article_id=row.id, action="approve")


def _actor(login: str):
    return actor_from_user(db.session.execute(select(User).where(User.username == login)).scalar_one())
