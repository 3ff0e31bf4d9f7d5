"""Chinese of the citizens' web form (/submit), its verification code and the inbound SMS."""
ZH = {
    # the form
    "Tell us your request": "网上反映诉求",
    "For emergencies call 110, 119 or 120. Fields marked * are required.": "紧急情况请拨打 110、119 或 120。带 * 的为必填项。",
    "Please correct the fields marked below.": "请修改下面标出的内容。",
    "A code was sent to your phone by SMS.": "验证码已通过短信发送到您的手机。",
    "Send again in %(s)s s": "%(s)s 秒后可重新获取",
    "The code could not be sent; try again later.": "验证码发送失败，请稍后再试。",
    "Finding your location…": "正在获取您的位置…",
    "Location added.": "已添加位置。",
    "Your location is not available; type the address instead.": "无法获取您的位置，请填写地址。",
    "Kind of request": "诉求类型",
    "What it is about": "事项分类",
    "Not sure": "不确定",
    "Describe the problem": "问题描述",
    "Street, number, landmark": "街道、门牌号、附近标志",
    "Or add where you are now (your browser asks you first):": "或添加您当前的位置(浏览器会先征求您的同意)：",
    "Latitude": "纬度", "Longitude": "经度", "Use my location": "使用我的位置",
    "Photos": "照片",
    "Your name": "您的姓名",
    "Mobile phone": "手机号码",
    "Send code": "获取验证码",
    "Code from the SMS": "短信验证码",
    "Valid for %(n)s minutes.": "%(n)s 分钟内有效。",
    "Send me the reply by SMS": "用短信告诉我答复内容",
    "Leave this empty": "此项请勿填写",
    "Send my request": "提交诉求",
    "Already sent one? Look up its progress": "已经提交过？查询办理进度",
    # the receipt page
    "Request received": "诉求已受理",
    "Keep the query code: with it and your phone number you can follow your request.":
        "请保存查询码：凭查询码和手机号码可查询办理进度。",
    "The query code was also sent to your phone by SMS.": "查询码也已通过短信发送到您的手机。",
    "Look up its progress": "查询办理进度",
    "Send another request": "再反映一个诉求",
    # the engine's messages
    "enter a valid phone number": "请填写正确的手机号码",
    "a code was sent to this phone a moment ago; wait a minute (at most %(n)s an hour)":
        "刚刚已向该手机发送过验证码，请一分钟后再试(每小时最多 %(n)s 次)",
    "ask for a verification code first": "请先获取短信验证码",
    "the code has expired; ask for a new one": "验证码已过期，请重新获取",
    "too many wrong codes; ask for a new one": "验证码错误次数过多，请重新获取",
    "wrong code; %(n)s tries left": "验证码错误，还可以尝试 %(n)s 次",
    "this phone has sent %(n)s requests today; please call 12345 instead":
        "该手机号今天已提交 %(n)s 件诉求，请拨打 12345 热线反映",
    "many requests about this place today already; please call 12345 instead":
        "今天关于该地点的诉求已较多，请拨打 12345 热线反映",
    "enter the address or use your location": "请填写地址或使用您的位置",
    "enter the %(n)s-digit code from the SMS": "请填写短信中的 %(n)s 位验证码",
    "the location is not a valid map point": "位置不是有效的地图坐标",
    "must be an ISO 8601 date and time with its offset": "须为带时区的 ISO 8601 日期时间",
    "more than %(min)s minutes from the server's clock": "与服务器时间相差超过 %(min)s 分钟",
    # the case's timeline
    "Citizen's SMS": "市民短信",
}
