"""Chinese strings of the combined query (api/pages/query.py) and the public lookup (api/pages/lookup.py)."""
ZH = {
    # combined query
    "Combined query": "综合查询", "Registered from": "登记日期从", "to": "至", "Channel": "来源渠道",
    "Dispatch direction": "派单方式", "All directions": "全部派单方式", "Reply status": "答复状态",
    "All reply statuses": "全部答复状态", "Not replied yet": "未答复", "Replied": "已答复", "Closed": "已办结",
    "All channels": "全部渠道", "Any lead department": "全部主办单位", "Lead handler": "主办经办人",
    "Any lead handler": "全部主办经办人", "Co-department": "协办单位", "Any co-department": "全部协办单位",
    "Co-department handler": "协办经办人", "Any co-department handler": "全部协办经办人",
    "Co-departments": "协办单位", "Due latest": "最晚到期", "Case number, descending": "工单编号倒序",
    "Rows per page": "每页条数", "%(n)s per page": "每页 %(n)s 条", "Reset": "重置",
    "Export to Excel": "导出Excel", "Pages": "分页", "Previous": "上一页", "Next": "下一页",
    "Page %(p)s of %(n)s": "第 %(p)s / %(n)s 页",
    # public lookup
    "Case status lookup": "工单办理进度查询",
    "Enter the query code from the SMS receipt and the phone number you called from.":
        "请输入受理短信中的查询码和您的来电号码。",
    "Look up": "查询", "No case matches this query code and phone.": "没有与该查询码和联系电话相符的工单。",
    "Case %(no)s": "工单 %(no)s", "Reply": "答复内容", "Not accepted": "不予受理",
}
ZH.update({"Registered to": "登记日期至", "Dispatch mode": "派单方式", "File": "文件"})
ZH.update({"must not be before the start date": "不得早于开始日期",
           "Search title, content, address": "搜索标题、内容、地址",
           "%(n)s items": "共 %(n)s 项", "Search words": "检索字词"})
# The inbox and the combined query count at most engine.paging.COUNT_CAP matches.
ZH.update({"More than %(n)s items": "超过 %(n)s 项", "More than %(n)s cases": "超过 %(n)s 件"})
