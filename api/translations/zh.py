"""Chinese UI strings: the source of api/translations/zh/LC_MESSAGES/messages.po.

Run `python api/translations/zh.py` after adding strings to templates: it re-extracts the
messages and rewrites the .po; `make` compiles it. Keeping the translations in dicts reviewed
like code beats hand-editing .po files. Each area of the UI may keep its strings in its own
`zh_<area>.py` beside this file (a dict named ZH): they are merged here.
"""
ZH = {
    "Wrong username or password.": "用户名或密码错误。",
    "Case %(no)s registered; query code %(code)s sent to the citizen by SMS.": "工单 %(no)s 已登记，查询码 %(code)s 已短信告知市民。",
    "Urged.": "已督办。", "Overtime report submitted.": "超时办结情况报告已提交。",
    "Claimed.": "已认领。", "Released.": "已释放。", "Done: %(task)s of %(case)s.": "已完成：%(case)s 的%(task)s。",
    "Status": "状态", "Category": "诉求类型", "Title": "标题", "Content": "诉求内容", "Address": "地址",
    "Due": "办理时限", "provisional": "暂定", "12345 Hotline Workbench": "12345 政务服务便民热线工作台",
    "Case Workbench": "工单工作台", "Inbox": "待办", "New case": "受理登记", "Cases": "工单查询",
    "Sign out": "退出", "Summary": "概要", "Citizen": "来电人", "confidential": "保密",
    "Query code": "查询码", "Lead department": "主办单位", "assign": "交办", "transfer": "转送",
    "Counters": "统计",
    "urged %(u)s×, returned %(r)s×, extended %(e)s×, reopened %(o)s×": "督办 %(u)s 次，退回 %(r)s 次，延期 %(e)s 次，重办 %(o)s 次",
    "What you can do now": "当前可办理", "Nothing waits for you on this case.": "本工单暂无您的待办。",
    "Urge (督办) with an opinion": "督办意见", "Urge": "督办", "Overtime report: reason": "超时原因",
    "Measures": "整改措施", "Submit overtime report": "提交超时办结情况报告", "Deadlines": "办理时限",
    "Stage": "环节", "Department": "单位", "Round": "轮次", "lead": "主办", "co": "协办",
    "Departments and co-handling opinions": "承办单位与协办意见", "Urges": "督办记录",
    "not answered yet": "尚未反馈", "Timeline": "处理记录", "system": "系统", "Case number": "工单编号",
    "Phone": "联系电话", "All categories": "全部类型", "All colours": "全部状态", "Search": "查询",
    "Registered": "登记时间", "No case matches.": "没有符合条件的工单。", "%(n)s cases": "共 %(n)s 件",
    "Back to the workbench": "返回工作台", "Mine": "我的待办", "My department": "本单位", "All in scope": "全部",
    "All stages": "全部环节", "Colour": "时限状态", "Due by": "到期日不晚于", "Sort": "排序",
    "Oldest first": "最早优先", "Newest first": "最新优先", "Due soonest": "最先到期", "Filter": "筛选",
    "Task": "待办事项", "Claimed": "已认领", "12345 center": "12345 中心",
    "Calendar of that year not confirmed": "该年度节假日安排尚未确认", "Release": "释放", "Claim": "认领",
    "Open": "办理", "Nothing to do here.": "暂无待办。", "Sign in": "登录", "Username": "用户名",
    "Password": "密码", "Citizens: look up a case with its query code": "市民：凭查询码查询办理进度",
    "Register": "登记", "Open the whole case": "查看工单详情", "Submit": "提交", "Cancel": "取消",
    "Yes": "是", "No": "否",
}


def all_strings() -> dict[str, str]:
    """This file's strings plus every zh_<area>.py beside it. A msgid translated two ways is refused:
    one translation would silently win on every page that uses it (give one use its own msgid)."""
    import importlib.util
    from pathlib import Path

    merged, source = dict(ZH), dict.fromkeys(ZH, "zh.py")
    clashes = []
    for path in sorted(Path(__file__).parent.glob("zh_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for msgid, text in module.ZH.items():
            if msgid in merged and merged[msgid] != text:
                clashes.append(f"{msgid!r}: {source[msgid]} {merged[msgid]!r}, {path.name} {text!r}")
            merged[msgid], source[msgid] = text, path.name
    if clashes:
        raise ValueError("msgids translated two ways:\n" + "\n".join(clashes))
    return merged


def write_po(pot_path: str, po_path: str) -> list[str]:
    """Write the .po for every msgid of the .pot; returns msgids still without a translation."""
    from babel.messages.pofile import read_po, write_po as babel_write_po

    with open(pot_path, "rb") as f:
        catalog = read_po(f, locale="zh")
    catalog.fuzzy = False     # a fresh header is marked fuzzy; the strings below are reviewed
    missing, strings = [], all_strings()
    for message in catalog:
        if message.id:
            message.string = strings.get(message.id, "")
            if not message.string:
                missing.append(message.id)
    with open(po_path, "wb") as f:
        babel_write_po(f, catalog, width=100)
    return missing


if __name__ == "__main__":
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pot = root / "api" / "translations" / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_",
                    "-k", "gettext", "-k", "N_", "-k", "msg:2", "--omit-header", "-o", str(pot), "."], cwd=root, check=True)
    out = root / "api" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    out.parent.mkdir(parents=True, exist_ok=True)
    missing = write_po(str(pot), str(out))
    print("untranslated:", missing or "none")
