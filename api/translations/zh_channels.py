"""Chinese strings of the channels' shared parts (duplicates found at a channel's intake)."""
ZH = {
    "Probable duplicates": "疑似重复工单",
    "Found by the duplicate check when the request arrived; merge in triage if it is the same request.":
        "渠道来件时重复检查发现；如为同一诉求，请在分类处置时并单。",
    "Probable duplicates found": "发现疑似重复工单",
    "%(n)s open cases look like this request": "%(n)s 件在办工单与本诉求相似",
}
ZH.update({
    "Government Service Hotline": "政务服务便民热线",
    "Follow your case": "查询办理进度",
})
