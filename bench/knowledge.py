"""Knowledge base search over N generated articles on the configured database (goal: p95 <= 50 ms).

    .venv/bin/python bench/knowledge.py [--n 50000] [--requests 100] [--reuse]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_kb .venv/bin/python bench/knowledge.py

Loads N articles with plain INSERTs (their jieba search words computed as saving does), spread
over 40 topics and 8 categories, 90% published, some expired; then times the agent desk's
suggestion (engine.knowledge.articles.suggest: query keywords, ranked search, published and
valid today) and the list page's search for short and long queries, p50/p95/max in ms.
"""
from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

BATCH = 2000
SUBJECTS = ["住房公积金", "社保卡", "医疗保险", "养老保险", "居住证", "户口迁移", "小学入学", "幼儿园", "出租车", "公交线路",
            "网购退货", "食品安全", "噪音扰民", "路灯", "井盖", "物业费", "电梯维修", "供暖", "燃气", "自来水",
            "不动产登记", "驾驶证", "车辆年检", "违章停车", "失业保险", "生育津贴", "工伤认定", "最低工资", "欠薪", "营业执照",
            "个体工商户", "税务登记", "发票", "垃圾分类", "占道经营", "油烟", "养犬登记", "老年证", "残疾证", "低保"]
ACTIONS = ["办理指南", "提取条件", "补办流程", "缴费标准", "申请材料", "投诉渠道", "政策解读", "常见问题", "办理时限", "收费标准"]
PHRASES = ["市民可携带身份证到政务服务中心窗口办理", "也可通过手机APP线上申请", "办理时限为三个工作日", "不收取任何费用",
           "材料不全的一次性告知", "如对结果不服可申请复核", "咨询电话工作日上班时间接听", "相关规定以最新文件为准",
           "申请人须本人到场", "委托办理的需提供授权委托书", "逾期未办理的视为自动放弃", "符合条件的予以受理"]
QUERIES = [("short: 2 words", "公积金提取"), ("short: 1 word", "居住证"), ("short: rare", "养犬登记"),
           ("long: the case text", "你好，我想问一下住房公积金怎么提取，需要带什么材料，在哪里办理"),
           ("long: complaint text", "我们小区晚上工地施工噪音太大了，已经好几天睡不好觉，想投诉")]


def load(n: int) -> None:
    from sqlalchemy import insert

    from engine.db import db
    from engine.knowledge import categories
    from engine.knowledge.text import search_words
    from engine.models import KbArticle

    rng = random.Random(15)
    cats = [categories.add(name=f"分类{i}").id for i in range(8)]
    departments = [common.dept(code) for code in ("zjj", "rsj", "jyj", "jtj", "scj", "cgj", "sthj")]
    today, rows, started = date.today(), [], time.perf_counter()
    for i in range(n):
        subject = SUBJECTS[i % len(SUBJECTS)]
        title = f"{subject}{rng.choice(ACTIONS)}（{i}）"
        body = "<p>" + "。".join(rng.sample(PHRASES, 5)) + f"。关于{subject}的{rng.choice(ACTIONS)}。</p>"
        state = "published" if rng.random() < 0.9 else rng.choice(["draft", "pending", "retired"])
        valid_to = today - timedelta(days=1) if rng.random() < 0.05 else None
        rows.append(dict(title=title, body_html=body, category_id=cats[i % 8], department_id=departments[i % 7],
                         state=state, valid_to=valid_to, version=1, published_version=1, review_note="",
                         search_words=search_words(title, body)))
        if len(rows) == BATCH:
            _flush(db, insert(KbArticle), rows)
    _flush(db, insert(KbArticle), rows)
    print(f"loaded {n:,} articles in {time.perf_counter() - started:.1f} s")


def _flush(db, statement, rows: list) -> None:
    from datetime import datetime
    for row in rows:
        row["created_at"] = row["updated_at"] = datetime.utcnow()
    if rows:
        db.session.execute(statement, rows)
        db.session.commit()
    rows.clear()


def main() -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"knowledge base search, {args.n:,} articles")
    with app.app_context():
        from sqlalchemy import func, select

        from engine.db import db
        from engine.knowledge import articles
        from engine.models import KbArticle

        if not db.session.execute(select(func.count()).select_from(KbArticle)).scalar():
            load(args.n)
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE kb_article"))
            db.session.commit()
        agent, lead = common.actor("agent"), common.actor("shift_lead")
        print(f"{'query':38} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  first hit")
        for label, typed in QUERIES:
            for who, run in (("desk", lambda t: articles.suggest(actor=agent, typed=t)),
                             ("list", lambda t: articles.list_articles(actor=lead, q=t, page_size=20).items)):
                hits = run(typed)          # warm-up (jieba's dictionary, the caches)
                times = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    run(typed)
                    times.append(time.perf_counter() - started)
                    db.session.rollback()
                ms = common.ms(times)
                print(f"{who + ', ' + label:38} {common.percentile(ms, 50):8.1f} {common.percentile(ms, 95):8.1f} "
                      f"{max(ms):8.1f}  {hits[0].title if hits else '-'}")


if __name__ == "__main__":
    main()
