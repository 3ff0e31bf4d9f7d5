"""Chinese of the Open311 GeoReport v2 interface and its admin page of clients; merged by zh.py."""
ZH = {
    # the admin page
    "Open311 clients": "开放接口接入方",
    "apps, WeChat mini-programs and partner sites that post requests through the GeoReport v2 interface":
        "通过标准开放接口提交诉求的APP、微信小程序和合作网站",
    "API key of %(name)s": "%(name)s 的接入密钥",
    "Copy it now and give it to the client: it is shown only this once and only its fingerprint is kept.":
        "请立即复制并交给接入方：密钥仅显示这一次，系统只保存其指纹。",
    "Channel": "来源渠道", "Rate limit": "限流", "Key ends in": "密钥末尾", "Last used": "最近使用",
    "deactivated": "已停用", "Deactivate": "停用", "Reactivate": "重新启用", "New key": "更换密钥",
    "Replace the key": "生成新密钥", "No client registered yet.": "尚未登记接入方。",
    "Register a client": "登记接入方",
    "Rate limit: requests per second, minute, hour or day, for example":
        "限流：每秒、每分钟、每小时或每天的请求数，例如",
    "Open311 client saved.": "接入方已保存。", "Open311 client reactivated.": "接入方已重新启用。",
    "Open311 client deactivated.": "接入方已停用，其密钥立即失效。",
    "Received through Open311": "经开放接口受理",
    # the engine's messages (the interface answers them in English and Chinese)
    "Open311 client %(id)s does not exist": "接入方 %(id)s 不存在",
    "service_code %(service)s was not found": "没有服务代码为 %(service)s 的事项",
    "must be an http(s) URL": "须为 http(s) 链接", "must be an email address": "须为电子邮箱地址",
    "lat and long go together": "纬度和经度须同时提供",
    "a location is required: lat and long, address_string or address_id": "须提供位置：经纬度、地址或地址编号",
    "must be a number between -%(b)s and %(b)s": "须为 -%(b)s 至 %(b)s 之间的数",
    "must not be before start_date": "不能早于开始时间",
    "the range may not span more than 90 days": "时间范围不能超过 90 天",
    "service_request_id %(id)s was not found": "没有工单 %(id)s",
    "token %(token)s was not found": "没有受理凭证 %(token)s",
    # the intake queue (posts answered with a token, registered by the scheduler)
    "Intake queue": "受理队列", "Requests waiting to be registered: %(n)s": "待登记的诉求：%(n)s 件",
    "oldest received at %(at)s": "最早接收于 %(at)s", "failed: %(n)s": "登记失败：%(n)s 件",
    "Client": "接入方", "Token": "受理凭证", "Error": "错误", "Register again": "重新登记",
    "The request is queued again.": "该诉求已重新排队登记。",
    "The request is not waiting as failed.": "该诉求不在登记失败状态。",
}
