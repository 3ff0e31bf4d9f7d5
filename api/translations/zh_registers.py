"""Chinese of the center director's time-limit registers (限时办结制): 自然办结报备 and 超时办结登记;
merged by zh.py."""
ZH = {
    # navigation, tabs, the approvals page
    "Time-limit registers": "限时办结登记", "Natural completions reported": "自然办结报备",
    "Overtime register": "超时办结登记",
    "%(n)s natural completions reported, waiting to be filed.": "有 %(n)s 件自然办结报备等待备案。",
    "File them": "去备案", "No natural completion waits to be filed.": "暂无待备案的自然办结报备。",
    # filters shared by both
    "Department (with the departments below it)": "承办单位（含下级单位）", "Month": "月份",
    "a month as YYYY-MM, e.g. 2026-10": "请按“年-月”填写，例如 2026-10",
    # 自然办结报备
    "Natural completions (Article 8) the lead departments declared on the working day before their due date or on "
    "it, each reported to the center director to be filed.":
        "主办单位在承诺时限到期前一个工作日或到期当日作出的自然办结（限时办结制第八条），均报中心主任备案。",
    "Month declared": "按报备时间所在月份筛选", "All months": "全部月份",
    "All reported": "全部", "Waiting to be filed": "待备案", "Filed": "已备案",
    "Limit declared against": "原办理时限", "Declared at": "报备时间", "Filing": "备案情况",
    "What the completion notice told the citizen": "办结通知书告知申请人的内容",
    "Note (optional)": "备案意见（选填）", "Mark as filed": "备案",
    "No natural completion matches.": "没有符合条件的自然办结报备。", "%(n)s natural completions": "共 %(n)s 件",
    "Natural completion of %(no)s filed.": "工单 %(no)s 的自然办结已备案。",
    "The natural completion of %(no)s cannot be filed again: %(why)s.": "工单 %(no)s 的自然办结不能重复备案：%(why)s。",
    # 超时办结登记
    "Lead departments’ handling limits that were missed: finished after the limit, or counted as overtime by "
    "Article 7 (an extension asked or told after the limit, a result told to the citizen more than one working "
    "day late), each with its overtime report.":
        "主办单位未在承诺时限内办结的记录：超过承诺时限办结，或按限时办结制第七条计为超时办结（超过承诺时限才提出延期申请、"
        "超过承诺时限才告知申请人延期、未在一个工作日内将办理结果告知申请人），以及各自的超时办结情况报告。",
    "Month finished (the due month for a limit still running)": "按办结月份筛选（尚未办结的按到期月份）",
    "With or without a report": "全部（不论有无报告）", "Report submitted": "已报告", "Report owed": "报告待补",
    "The month is the month the limit was finished in; for a limit still running, the month it was due.":
        "月份按办结时间统计；尚未办结的按办理时限到期时间统计。",
    "The lead department has not submitted the overtime report for this limit yet.":
        "主办单位尚未就该时限提交超时办结情况报告。",
    "Finished at": "办结时间", "Overtime because": "超时情形", "Reported at": "报告时间",
    "No missed limit matches.": "没有符合条件的超时办结记录。", "%(n)s missed limits": "共 %(n)s 条",
}
