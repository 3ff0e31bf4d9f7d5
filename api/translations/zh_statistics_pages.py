"""Chinese of the statistics pages."""
ZH = {
    "Statistics": "统计分析",
    "each figure by its written definition, computed from the cases, deadlines and calls themselves":
        "各项指标按统计口径由工单、时限和话务记录直接计算",
    "From": "自", "The whole city": "全市", "Show": "查询", "Export Excel": "导出Excel", "Figure": "指标",
    "Numerator": "分子", "Denominator": "分母", "Value": "数值",
    "Call figures are the whole center's: they are shown without a department filter.":
        "话务指标为全中心数据，不按单位筛选时显示。",
    "%(m)s min %(s)s s": "%(m)s分%(s)s秒", "%(s)s s": "%(s)s秒",
    "Start date": "开始日期", "End date": "结束日期",
    "Figures": "考核指标",
    "unknown measure: %(codes)s": "未知的统计指标：%(codes)s", "unknown dimension: %(by)s": "未知的统计维度：%(by)s",
    "must differ from the first dimension": "不能与第一个维度相同",
    "Risk flags": "风险提示",
}
