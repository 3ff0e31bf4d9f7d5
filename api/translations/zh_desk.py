"""Chinese strings of the agent desk (intake page panel, api/pages/desk.py); merged by zh.py."""
ZH = {
    "Possible duplicates": "疑似重复诉求",
    "Open cases that may be the same request appear here as you type the phone, title, content or address.":
        "录入联系电话、标题、诉求内容或地址时，可能属于同一诉求的在办工单会列在这里。",
    "No similar open case.": "没有相似的在办工单。",
    "Suggestions are unavailable right now.": "暂时无法获取重复诉求提示。",
    "Why it matches": "匹配原因",
    "Same request as an open case? Register it, then choose “Merge into an open case” at triage and give that case number.":
        "与在办工单属同一诉求？请先登记，再在分类处置中选择“并单(并入在办工单)”并填写该工单编号。",
    "Caller history": "来电历史",
    "No earlier case from this phone.": "该号码没有历史工单。",
    "same phone": "同一来电号码",
    "same address and category": "同一地址、同类诉求",
    "similar text (%(pct)s%%)": "内容相似（%(pct)s%%）",
    "answered directly": "直接答复",
    "not accepted": "不予受理",
    "merged": "已并单",
    "archived": "已归档",
}
ZH.update({
    "This call is registered already:": "本次来电已登记工单：",
    "The caller made another request in this call: register it as a further case":
        "来电人在本次来电中还提出了另一项诉求：另行登记为新工单",
})
ZH.update({"None chosen": "尚未选择", "Remove": "移除", "the lead department": "主办单位（不能同时协办）",
           "Type a name or code to filter": "输入单位名称或代码筛选", "Filter departments": "筛选单位",
           "No department matches.": "没有匹配的单位。"})
# intake: what the citizen wants, files sent with the request, tree pickers
ZH.update({
    "Citizen wants": "市民诉求意愿", "a call back with the answer": "需要回复", "no call back": "不需回复",
    "Attachments (photos, documents, recordings the citizen sent)": "附件（市民提供的照片、材料、录音）",
    "Choose files": "选择文件", "At most %(n)s files of %(mb)s MB each.": "最多 %(n)s 个文件，每个不超过 %(mb)s MB。",
    "The browser does not keep chosen files when a form comes back: choose them again.": "表单退回后浏览器不会保留已选文件：请重新选择附件。",
    "Type to filter": "输入筛选", "at most %(n)s files": "最多 %(n)s 个文件", "%(file)s: %(why)s": "%(file)s：%(why)s",
})
