"""Chinese of the mayor's mailbox (市长信箱): its page and the engine's messages about mails."""
ZH = {
    # engine.channels.mailbox*
    "an internal error: %(what)s": "系统内部错误：%(what)s",
    "the mail's MIME structure is broken: %(why)s": "邮件格式损坏（MIME 结构错误）：%(why)s",
    "the mail has neither a subject nor any text": "邮件既无主题也无正文",
    "this is not a mail (no sender, subject or content type)": "不是邮件（无发件人、主题或内容类型）",
    "mail %(id)s did not fail; only a failed mail is retried": "邮件 %(id)s 未处理失败；只有失败的邮件可以重试",
    "mail %(id)s not found": "邮件 %(id)s 不存在",
    "the kept file of mail %(id)s is missing from the store": "邮件 %(id)s 的原件在文件存储中缺失",
    "more than %(n)s files: kept in the mail only": "超过 %(n)s 个附件：仅保存在邮件原件中",
    # the page
    "Mayor's mailbox": "市长信箱",
    "every mail received becomes a case in triage; a mail that cannot is kept here with the reason":
        "收到的每封来信都登记为待分类工单；无法登记的来信连同原因保存在此",
    "Upload mails (.eml)": "上传邮件（EML 格式）", "Mail files": "邮件文件",
    "Up to %(n)s files at once, at most %(mb)s MB each; a mail received before opens no second case.":
        "一次最多 %(n)s 个文件，每个不超过 %(mb)s MB；已收到过的邮件不会重复登记。",
    "Choose one or more .eml files.": "请选择一个或多个 .eml 文件。",
    "At most %(n)s files at once.": "一次最多 %(n)s 个文件。",
    "The file is empty.": "文件为空。",
    "Larger than %(mb)s MB: not received.": "大于 %(mb)s MB，未接收。",
    "Case %(no)s opened.": "工单 %(no)s 已登记。",
    "Received before: case %(no)s.": "此前已收到：工单 %(no)s。",
    "Kept but not opened: %(why)s": "已保存但未登记：%(why)s",
    "Received before, failed: %(why)s": "此前已收到，处理失败：%(why)s",
    "Failed again: %(why)s": "再次失败：%(why)s",
    "Pending": "待处理", "Opened as a case": "已登记工单", "Failed": "失败", "All": "全部",
    "Received": "接收时间", "Source": "来源", "Sender": "发件人", "Subject": "主题", "Result": "结果",
    "IMAP": "邮箱收取", "%(n)s attempts": "已尝试 %(n)s 次", "Not attached: %(why)s": "未附入工单：%(why)s",
    "Download": "下载", "Retry": "重试", "No mail yet.": "暂无来信。",
    "the citizen": "市民",
}
