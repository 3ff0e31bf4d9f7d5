"""Chinese of the charts dashboard (统计图表)."""
ZH = {
    "every chart with its numbers beside it; click a department to open its cases or the departments below it":
        "每张图表附数据表；点击单位可查看其工单或下级单位",
    "Its departments": "下级单位", "%(name)s itself": "%(name)s（本级）",
    "Download PNG": "下载图片", "Volume by": "统计粒度", "by day": "按日", "by month": "按月", "by year": "按年",
    "Whole scope": "全部范围", "Cases registered": "受理量", "Same period a year before": "上年同期",
    "This period": "本期", "Volume": "受理量趋势", "A year before": "上年同期时间", "Cases then": "上年同期受理量",
    "By category": "诉求类型分布", "Share": "占比", "No case registered in this period.": "本期没有受理工单。",
    "By lead department": "主办单位分布", "Open the cases": "查看工单", "No lead department yet": "尚未派单",
    "Areas by volume (top %(n)s)": "区域受理量排名（前 %(n)s 名）", "Area": "区域",
    "No case with an area in this period.": "本期没有填写区域的工单。", "Figures by month": "考核指标月度趋势",
    "Call loss by stage": "分环节呼损", "Call volume": "话务量", "Rate": "比率", "No category": "未分类",
    "no such department": "没有该单位", "by day at most %(days)s days: choose by month": "按日最多 %(days)s 天，请改为按月",
    "must be by day, by month or by year": "须为按日、按月或按年",
    "Month": "月份", "Charts": "统计图表",
}
