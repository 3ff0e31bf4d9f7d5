"""Chinese of the fixed reports (固定报表) and their balance check (平衡校验)."""
ZH = {
    "daily, weekly, monthly and yearly reports that check their own sums": "日报、周报、月报、年报，报表自动进行平衡校验",
    "Fixed reports": "固定报表", "Report kind": "报表类型", "Period": "统计期间",
    "e.g. 2026-11-02, 2026-W45, 2026-11, 2026; empty: the latest": "如 2026-11-02、2026-W45、2026-11、2026；留空为最近一期",
    "Print (PDF)": "打印（PDF）",
    "Balance check passed: every breakdown adds up to its total, and the cases registered are open, closed or merged.":
        "平衡校验通过：各分项之和等于合计；受理量 = 办理中 + 已办结 + 已并单。",
    "Balance check: these figures do not add up": "平衡校验未通过：以下数据不平衡",
    "Cases registered in the period: %(intake)s — still open %(open)s, closed %(closed)s, merged into another case "
    "%(merged)s (as they stand now).":
        "本期受理 %(intake)s 件：办理中 %(open)s 件，已办结 %(closed)s 件，已并单 %(merged)s 件（按当前状态）。",
    "Group": "分组", "Total": "合计", "Parts added up": "分项相加",
    "None (not dispatched)": "未派单", "None": "无", "%(name)s (itself)": "%(name)s（本级）",
    "A case overdue at two departments counts once at each: by department, the overdue cases may add up to more "
    "than the total.": "同一工单在两个单位超期的，各计一次，故按单位分列的超期件数之和可能大于合计。",
    "%(dimension)s: %(figure)s %(part)s — the parts add up to %(found)s, the total is %(expected)s "
    "(difference %(difference)s)": "%(dimension)s：%(figure)s%(part)s 分项相加为 %(found)s，合计为 %(expected)s（相差 %(difference)s）",
    # engine messages (msg templates)
    "must be day, week, month or year": "须为日报、周报、月报或年报",
    "must be a date written like %(example)s": "须为日期，格式如 %(example)s",
    "must be an ISO week written like %(example)s": "须为周（ISO 周），格式如 %(example)s",
    "must be a month written like %(example)s": "须为月份，格式如 %(example)s",
    "must be a year written like %(example)s": "须为年份，格式如 %(example)s",
}
