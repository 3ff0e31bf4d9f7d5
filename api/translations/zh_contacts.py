"""Chinese strings of the contact pages and call notes (api/pages/contacts/contacts.py, engine.contacts)."""
ZH = {
    "Contacts": "联系人", "Contact": "联系人", "Name, phone or tag": "姓名、电话或标签", "Phones": "电话",
    "Kind": "类型", "Classification": "分类", "Tags": "标签", "Updated": "更新时间", "(no name)": "(未留姓名)",
    "No contact matches.": "没有符合条件的联系人。", "%(n)s contacts": "共 %(n)s 位联系人",
    "Private person": "个人", "Organisation": "单位", "Ordinary": "普通", "Frequent caller": "常来电", "Key person": "重点人员",
    "Sensitive": "敏感", "Enterprise": "企业", "Merge another contact into this one": "将其他联系人合并到此",
    "Personal data masked for your role.": "按您的角色，个人信息已脱敏显示。", "Also known as": "曾用名",
    "SMS consent": "同意接收短信", "Outbound consent": "同意外呼回访", "Notes": "备注", "None.": "无。",
    "SMS": "短信", "Outbound attempts": "外呼记录", "Merged contacts": "已合并的联系人", "%(n)s phones": "%(n)s 个号码",
    "Edit contact": "编辑联系人", "comma separated": "以逗号分隔", "Add a phone": "添加号码", "Save": "保存",
    "Merge contacts": "合并联系人",
    "The other contact's phones, tags, notes and history move onto this one; the merge is recorded.":
        "另一联系人的号码、标签、备注和往来记录将并入此联系人，合并操作留痕。",
    "The other contact (its id or one of its numbers)": "另一联系人(编号或其任一号码)", "Merge": "合并",
    "No contact with this id or number.": "没有该编号或号码的联系人。", "Contacts merged.": "联系人已合并。",
    "Contact saved.": "联系人已保存。", "Call notes": "通话备注", "No notes yet.": "暂无备注。",
    "Note on this call": "本次通话备注", "Add note": "添加备注", "Note saved.": "备注已保存。", "Contact page": "联系人页面",
    # engine.contacts messages
    "contacts are for the center's staff": "联系人仅供中心工作人员查看", "contact %(id)s not found": "联系人 %(id)s 不存在",
    "the contact was changed meanwhile: open it again": "联系人已被他人修改，请重新打开",
    "not a mobile or landline number": "不是有效的手机或固定电话号码",
    "this number belongs to another contact: merge them instead": "该号码属于另一联系人，请改用合并",
    "choose another contact to merge": "请选择另一位联系人进行合并",
    # the SMS on the contact page
    "Receipt with the query code": "受理回执（含查询码）", "Verification code": "验证码",
    "Waiting to be sent": "待发送", "Sent": "已发送", "Not delivered": "发送失败", "Notice": "通知",
}
