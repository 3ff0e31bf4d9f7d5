"""Chinese strings of the risk screening pages (社会风险评估研判 / 矛盾纠纷排查) and their messages."""
ZH = {
    # the console
    "Risk screening": "风险研判",
    "cases whose words match a risk type at intake, and unusual rises in a week": "受理时命中风险关键词的工单，以及单周异常激增",
    "Dispute register": "矛盾纠纷排查台账", "Keyword lists": "风险关键词", "Spikes": "异常激增",
    "week of %(monday)s: above %(percent)s%% of the mean of the 8 weeks before, at least %(n)s cases":
        "%(monday)s 当周：超过前 8 周周均量的 %(percent)s%%，且不少于 %(n)s 件",
    "A day of the week": "所在周任一日", "Group by": "维度", "Category, matter and area": "诉求类型、事项分类和区域",
    "Matter": "事项分类", "Area": "区域", "Which": "对象", "This week": "当周件数",
    "Mean of the 8 weeks before": "前 8 周周均", "Ratio": "倍数", "new": "新增", "No spike this week.": "当周无异常激增。",
    "Flagged cases": "风险预警工单", "Risk type": "风险类型", "All risk types": "全部风险类型",
    "Matched words": "命中关键词", "Title and content": "标题及内容", "Flagged": "预警时间",
    "No flagged case in this period.": "该期间无预警工单。", "%(n)s flags": "共 %(n)s 条预警",
    # the keyword lists
    "each new case whose title or content holds one of the words is flagged with its risk type":
        "新受理工单的标题或内容含有其中任一关键词，即标记为相应风险类型",
    "Keywords": "关键词", "active": "启用", "inactive": "停用", "No risk type yet.": "尚无风险类型。",
    "New risk type": "新增风险类型", "Keywords (separated by commas, spaces or new lines)": "关键词（以逗号、顿号、空格或换行分隔）",
    "Order (lower first)": "排序（小者在前）", "Active": "启用", "When": "时间",
    "Who": "修改人", "What": "内容", "No change yet.": "尚无修改。",
    "Keyword list saved; it screens the next case.": "关键词已保存，自下一件工单起生效。",
    # disputes
    "Dispute": "矛盾纠纷", "Date found": "发现日期", "Place": "地点", "Parties": "当事人", "Kind of dispute": "纠纷类型",
    "Description": "纠纷情况", "People involved": "涉及人数", "Risk level": "风险等级", "Measures taken": "已采取措施",
    "Responsible department": "责任单位", "Reporter": "报告人", "Register a dispute": "登记矛盾纠纷",
    "Dispute screening form: a dispute found off-line": "矛盾纠纷排查表：线下排查发现的矛盾纠纷",
    "disputes found off-line, registered by the department responsible or the center": "线下排查发现的矛盾纠纷，由责任单位或中心登记",
    "Found from": "发现日期自", "All risk levels": "全部风险等级", "All departments": "全部单位",
    "No dispute registered.": "尚未登记矛盾纠纷。", "%(n)s disputes": "共 %(n)s 件", "Dispute registered.": "矛盾纠纷已登记。",
    # parameters
    "Risk screening: a week is a spike above this percentage of its 8-week mean": "风险研判：单周量超过前 8 周周均的百分比即为异常激增",
    "Risk screening: a spike needs at least this many cases in the week": "风险研判：异常激增的当周最少件数",
    # engine messages
    "no active risk type %(value)s": "没有启用的风险类型 %(value)s", "must not be in the future": "不能晚于今天",
    "dispute %(id)s belongs to a department outside your scope": "矛盾纠纷 %(id)s 的责任单位不在本单位范围内",
    "dispute %(id)s does not exist": "矛盾纠纷 %(id)s 不存在", "risk type %(id)s does not exist": "风险类型 %(id)s 不存在",
    "list at least one keyword": "至少填写一个关键词", "a keyword has at most %(max)s characters": "每个关键词最多 %(max)s 个字符",
    "the code of a risk type cannot change (flags keep it)": "风险类型代码不可修改（预警记录引用该代码）",
    "the code %(value)s is already used": "代码 %(value)s 已被使用",
}
