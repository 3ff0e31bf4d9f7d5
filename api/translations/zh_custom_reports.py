"""Chinese of the custom report builder (自定义报表) and the department evaluation (分类分档考核)."""
ZH = {
    "Custom reports": "自定义报表", "Department evaluation": "分类分档考核",
    "choose dimensions, figures, filters and a period; every figure by its written definition":
        "选择维度、指标、筛选条件和统计期间；各项指标按统计口径计算",
    "Saved report": "已保存报表", "Rows by": "行维度", "then by": "再按", "All areas": "全部区域",
    "Dimensions": "维度", "Figures to show": "指标", "Report name": "报表名称", "Numerators": "分子分母",
    "Show numerators and denominators": "显示分子、分母", "(none)": "（无）",
    "Call figures are the whole center's: only by year, month, day or hour, without filters.":
        "话务指标为全中心数据：只能按年、月、日或时段统计，且不加筛选条件。",
    "For the role": "保存给角色", "Save report": "保存报表", "Saved reports of your roles": "本角色已保存的报表",
    "Delete": "删除", "None saved yet.": "尚无已保存的报表。", "Report %(name)s saved.": "报表“%(name)s”已保存。",
    "Report deleted.": "报表已删除。",
    "departments by class, each scored on its KPIs of the month and graded in bands; not a ranking of persons":
        "按单位类别分类，依当月考核指标加权计分并分档；不对个人排名",
    "Departments below my scope": "本级以下各单位", "Grade bands": "分档标准",
    "Score = 100 × the weighted share of the figures that have a value this month; "
    "extension and return rates count as 1 − rate.":
        "得分 = 100 × 当月有数据的各项指标的加权得分率；延期率、退回率按（1 − 比率）计分。",
    "How each score is made": "得分构成", "Weight": "权重", "Points": "得分",
    "Score": "得分", "Grade": "档次", "Rank in class": "类内名次", "Class": "类别",
    "District governments": "区县政府", "Functional bureaus": "职能部门", "Streets and towns": "街道乡镇",
    "Communities": "社区村",
    "Department evaluation: points of each KPI (JSON)": "分类分档考核：各项指标权重（JSON）",
    "Department evaluation: grade bands [minimum score, label] (JSON)": "分类分档考核：分档标准 [最低分, 档次名称]（JSON）",
    # engine messages
    "must be JSON": "须为 JSON 格式", "must be a JSON object of KPI code to weight": "须为“指标代码: 权重”的 JSON 对象",
    "unknown KPI codes %(codes)s; allowed: %(allowed)s": "未知的指标代码 %(codes)s；可用：%(allowed)s",
    "each weight must be a number from 0 to 1000": "每项权重须为 0 至 1000 之间的数",
    "at least one weight must be above 0": "至少一项权重须大于 0",
    "must be a JSON list of [minimum score, label]": "须为 [最低分, 档次名称] 组成的 JSON 列表",
    "each minimum score must be a number from 0 to 100": "每档最低分须为 0 至 100 之间的数",
    "each label must be text of 1 to %(n)s characters": "每档名称须为 1 至 %(n)s 个字符",
    "minimum scores must differ and one of them must be 0": "各档最低分不得相同，且须有一档为 0",
    "a custom report covers at most %(n)s days": "自定义报表最多统计 %(n)s 天",
    "not allowed: %(codes)s": "不允许：%(codes)s", "at most %(n)s, each once": "最多 %(n)s 个，且不得重复",
    "must be an id": "须为编号", "must be a JSON object": "须为 JSON 对象",
    "call figures (%(codes)s) are the whole center's: only by year, month, day or hour and without filters":
        "话务指标（%(codes)s）为全中心数据：只能按年、月、日或时段统计，且不加筛选条件",
    "must be a month (YYYY-MM)": "须为月份（YYYY-MM）",
    "a report of that name is saved for this role": "该角色已有同名报表",
    "1 to %(n)s characters": "须为 1 至 %(n)s 个字符",
    "must be one of your roles that reads statistics": "须为本人可查看统计的角色之一",
    "saved report %(id)s not found": "未找到已保存的报表 %(id)s",
    "saved report %(id)s belongs to another role": "已保存的报表 %(id)s 属于其他角色",
    "only the one who saved a report or an admin deletes it": "只有保存人或管理员可以删除报表",
}
