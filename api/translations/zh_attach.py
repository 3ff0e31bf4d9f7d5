"""Chinese for attachments."""
ZH = {
    "Attachments": "附件", "No attachments.": "暂无附件。", "Upload": "上传", "Attachment added.": "附件已上传。",
    "choose a file": "请选择文件",
    "Photos, PDF, Office documents, audio or text; at most %(mb)s MB.": "支持图片、PDF、Office文档、录音或文本，最大 %(mb)s MB。",
}
ZH.update({"Choose a file": "选择文件", "No file chosen": "未选择文件"})
