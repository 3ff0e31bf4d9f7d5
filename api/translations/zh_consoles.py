"""Chinese strings of the role consoles (dispatch, approvals, supervision, visits) and the
dispatch catalogue admin page."""
ZH = {
    # navigation and titles
    "Dispatch console": "派单台", "Approvals": "领导审批", "Supervision": "督办台", "Visits": "回访",
    "Dispatch catalogue": "派单目录",
    # shared
    "oldest %(n)s shown; the inbox has all": "仅显示最早的 %(n)s 件，全部请见待办",
    "Lead": "主办", "whole category": "整类", "no catalogue rule matches": "派单目录无匹配规则",
    "Dispatch catalogue proposal": "派单目录建议", "Replied at": "答复时间", "Reason": "理由",
    "Opinion": "意见", "Answer": "反馈",
    # dispatcher console
    "To dispatch": "待派单", "Returns to decide": "退回待审核", "Replies to review": "答复待审核",
    "Waiting since": "等待起始", "Returned by": "退回单位", "Reason for return": "退回理由", "Returned at": "退回时间",
    # leader approvals
    "Extension requests": "延期申请", "Suspension requests": "挂起申请", "Overdue escalations": "超期处置",
    "Replies awaiting approval": "答复待审批", "Days asked": "申请天数", "Asked at": "申请时间",
    "Was due": "原办理时限", "Escalated at": "上报时间",
    # supervision
    "%(n)s cases held by departments": "承办单位在办 %(n)s 件", "All departments": "全部单位",
    "Last urge": "最近督办", "Urge count": "督办次数",
    # visits
    "Cases to call back": "待回访工单", "reopened": "重办",
    # dispatch catalogue admin
    "Rule deactivated.": "规则已停用。", "Dispatch catalogue saved.": "派单目录已保存。",
    "category and keyword → lead and co-departments; a keyword rule beats a whole-category rule, then the higher priority":
        "诉求类型与关键词 → 主办及协办单位；关键词规则优先于整类规则，其次按优先级",
    "Keyword": "关键词", "Priority": "优先级", "Active": "启用", "Changed": "修改时间", "Edit": "修改",
    "Deactivate": "停用", "No rules yet.": "尚无规则。", "Edit rule #%(id)s": "修改规则 #%(id)s", "New rule": "新增规则",
    "Reason for the change": "变更原因", "Save": "保存", "Try the catalogue": "试算派单目录",
    "Title or content": "标题或内容", "Try": "试算", "Latest changes": "最近变更", "new": "新增",
}
ZH.update({"Dissatisfied cases to close": "不满意件办结确认", "Visit record": "回访记录", "Why close": "办结理由",
           "Visited at": "回访时间", "Satisfaction": "满意度", "Resolved": "问题是否解决",
           "Closing a dissatisfied case decided": "不满意件办结确认"})
