"""Chinese of seed 5's time-limit rules in the UI: natural completion, Article 7's overtime,
the citizen's notices (送达) and 即办件 / 承诺件; merged by zh.py."""
ZH = {
    # engine messages
    "the limit passed at %(due)s: a natural completion may no longer be declared; the case is overdue "
    "(file the overtime report, then reply)":
        "办理时限已于 %(due)s 届满，不能再作出自然办结决定；本件已超期，请先提交超时办结情况报告再答复。",
    "a natural completion may be declared only on the working day before the due date or on it: from "
    "%(opens)s to %(due)s": "自然办结只能在承诺时限到期前一个工作日或到期当日作出：%(opens)s 至 %(due)s。",
    "natural completion %(id)s not found": "自然办结报备 %(id)s 不存在",
    "already filed on %(when)s": "已于 %(when)s 备案",
    "the message text is required": "请填写短信内容", "at most %(n)s characters": "最多 %(n)s 个字符",
    "unbalanced { or }: write {{ or }} for a brace itself": "花括号不成对：花括号本身请写作 {{ 或 }}",
    "unknown placeholders %(fields)s; allowed: %(allowed)s": "不认识的占位符 %(fields)s；可用：%(allowed)s",
    "must contain {%(field)s}": "须包含 {%(field)s}",
    # case page, timeline, query
    "How the case is handled (Article 5 of the time-limit rules)": "办件类型(限时办结制第五条)",
    "the reply text by SMS": "短信告知答复全文", "Kind of case": "办件类型", "All kinds": "全部办件类型",
    "Citizen told by SMS": "短信告知市民", "Counted as overtime (Article 7)": "计为超时办结(第七条)",
    "Natural completion reported to the center director": "自然办结已报中心主任",
    "Natural completion filed by the center director": "中心主任已备案自然办结",
    "%(cause)s (limit %(due)s)": "%(cause)s(时限 %(due)s)", "%(reason)s (limit %(due)s)": "%(reason)s(时限 %(due)s)",
    # admin parameters
    "SMS to the citizen: the reply (at review)": "告知市民短信：答复(审核通过时)",
    "SMS to the citizen: an approved extension": "告知市民短信：批准延期",
    "SMS to the citizen: handled by another department": "告知市民短信：改派其他单位办理",
    "SMS to the citizen: closed": "告知市民短信：办结", "SMS to the citizen: a direct answer": "告知市民短信：直接答复",
    "SMS to the citizen: not accepted": "告知市民短信：不予受理", "Placeholders": "可用占位符",
    # task pages
    "Natural completion because": "自然办结原因", "Natural completion may be declared": "可作出自然办结的时间",
    "no longer: the limit passed at %(due)s": "已不能作出：办理时限已于 %(due)s 届满",
    "from %(opens)s to %(due)s": "%(opens)s 起至 %(due)s",
    "What the citizen is told by SMS": "告知市民短信",
    "the SMS signature is put in front of each; a placeholder is replaced by the case's value":
        "每条短信前自动加短信签名；占位符发送时替换为工单的实际内容",
    "changed": "已修改",
}
