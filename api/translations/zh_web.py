"""Chinese for the task-page decision facts, the timeline and the error pages."""
ZH = {
    "Reason given": "理由", "Working days asked": "申请天数(工作日)", "Handling result": "办理结果", "Reply": "答复内容",
    "Opinion of %(dept)s": "%(dept)s意见", "not submitted yet": "尚未提交",
    "Case registered": "受理登记", "Triaged": "分类处置", "Dispatched": "派单", "Signed for / returned": "签收/退回",
    "Return decided": "退回审核", "Handled": "办理", "Extension decided": "延期审批",
    "Suspension decided": "挂起审批", "Resumed": "恢复办理", "Reply approval": "答复审核",
    "Co-handling opinion": "协办意见", "Center review": "中心审核", "Satisfaction visit": "回访",
    "Urged": "督办", "Urge answered": "督办反馈", "Claimed": "已认领", "Released": "释放",
    "Deadline started": "开始计时", "Due date changed": "时限变更", "Clock paused": "暂停计时",
    "Reminder: due soon": "预警提醒", "Reminder: overdue": "超期提醒", "Escalated to the center leader": "超期提交中心领导",
    "Escalation decided": "超期处置", "Overtime report": "超时办结情况报告", "Merged into another case": "已并单",
    "Another case merged in": "并入工单",
    "%(reason)s: %(days)s working days, %(old)s → %(new)s": "%(reason)s：%(days)s 个工作日，%(old)s → %(new)s",
    "due %(due)s": "时限 %(due)s", "extension": "延期", "suspension": "挂起", "escalation": "超期处置",
    "Bad request": "请求无效", "Please sign in": "请先登录", "Not allowed": "无权操作", "Not found": "未找到",
    "Changed meanwhile or not possible now": "工单已变化或当前不可操作", "Check the input": "请检查输入",
    "Too many attempts; wait a minute": "尝试次数过多，请稍后再试", "Something went wrong": "系统出错",
}
ZH.update({"Due from": "到期日从", "to": "至"})
ZH.update({"Evaluation recorded.": "评价已保存。", "Evaluate": "评价", "Note (needed for poor)": "说明(评价为差时必填)",
           "Save": "保存"})
ZH.update({"Answered urges to evaluate": "待评价的督办反馈"})
ZH.update({
    "The request contains characters that cannot be stored (NUL or an unpaired surrogate).":
        "请求中含有无法保存的字符(空字符或不成对的代理字符)，请删除后重试。",
    "contains a character that cannot be stored (NUL or an unpaired surrogate)": "含有无法保存的字符",
})
ZH.update({
    "The request could not be understood. Go back and try again.": "请求无法处理，请返回后重试。",
    "This page or record does not exist; the link may be wrong or the record out of your reach.":
        "页面或记录不存在：链接可能有误，或该记录不在您的权限范围内。",
    "This address does not take that action.": "此地址不支持该操作。",
    "The upload is too large.": "上传的文件过大。",
    "Something went wrong on our side; it has been logged.": "系统出错，已记录，请稍后重试。",
    "The CSRF token is missing.": "表单已失效(缺少 CSRF 令牌)，请刷新页面后重新提交。",
    "The CSRF token has expired.": "表单已过期(CSRF 令牌失效)，请刷新页面后重新提交。",
    "The CSRF token is invalid.": "表单校验失败(CSRF 令牌无效)，请刷新页面后重新提交。",
    "The CSRF session token is missing.": "登录会话已失效(缺少 CSRF 会话令牌)，请重新登录。",
    "The CSRF tokens do not match.": "表单校验失败(CSRF 令牌不匹配)，请刷新页面后重新提交。",
})
ZH.update({"Document": "公文", "Print the selected cases": "批量打印所选工单", "Select all on this page": "全选本页"})
ZH.update({
    "Batch print": "批量打印", "%(n)s of the selected cases have this document and can be printed now.":
        "所选工单中有 %(n)s 件有此公文，可以打印。",
    "Print these %(n)s": "打印这 %(n)s 件", "None of the selected cases has this document.": "所选工单都没有此公文。",
    "Left out (%(n)s)": "未打印(%(n)s 件)", "Why": "原因",
    "not found, or outside your scope": "不存在，或不在您的权限范围内",
    "not dispatched (or returned, waiting to be dispatched again)": "尚未派单(或已退回，待重新派单)",
    "transferred, not assigned: it has no assignment letter": "为转送件，不是交办件，没有交办函",
    "never urged": "未被督办", "no extension was asked": "未申请延期", "no overtime report": "没有超时办结情况报告",
})
ZH.update({
    "Correct the intake": "修改受理信息", "Intake corrected": "修改受理信息",
    "Every change is recorded on the timeline with the old and new value, who made it and why.":
        "每次修改都会记入处理记录：原值、新值、修改人和修改原因。",
    "The category sets the handling limit: it can no longer change after dispatch.": "诉求类型决定办理时限，派单后不能再改。",
    "Why the change": "修改原因", "Save the correction": "保存修改", "Why: %(reason)s": "原因：%(reason)s",
    "Intake corrected; the timeline records what changed.": "受理信息已修改，处理记录中可见修改内容。",
    "Someone changed the case meanwhile: here it is as it is now; make your change again.":
        "工单已被他人修改，以下为最新内容，请重新修改。",
})
ZH.update({"Printed": "打印公文", "Urge answer evaluated": "督办评价"})
ZH.update({"Dispatch opinion": "派单意见", "Leader's instruction": "领导批示", "Your return was refused": "退回未获同意，理由",
           "no opinion given": "未填写意见", "You returned it because": "本单位退回理由"})
ZH.update({"%(case)s returned to the center: the dispatcher decides on the return.": "%(case)s 已退回中心，由派单员审核。"})
