"""Chinese strings of the agent's phone bar and screen pop (api/pages/phone.py, _phone_bar.html)."""
ZH = {
    "Signed out": "未签入", "Ready": "就绪", "On break": "小休", "Ringing": "振铃中", "On a call": "通话中",
    "Extension": "分机号", "Sign out of the phone": "签出话机",
    "Calling %(number)s…": "正在呼叫 %(number)s…", "Call placed: %(result)s": "已发起呼叫：%(result)s",
    "Call failed: %(result)s": "呼叫失败：%(result)s", "Incoming call": "来电振铃", "Connected": "已接通",
    "Call ended": "通话结束", "Register a case for this call": "为本次来电登记工单", "Close": "关闭",
    "Call the citizen": "呼叫市民",
    "%(n)s calls in the last 30 days": "近30天来电 %(n)s 次", "First call in 30 days": "近30天首次来电",
    "Smart dissuasion: 0 off, 1 on, 2 automatic": "智能劝阻：0 关闭，1 开启，2 自动",
    "Automatic dissuasion from this many waiting callers": "自动劝阻的排队人数阈值", "Three-way call": "三方通话",
    "Bring a department into the call you are on: the caller and you join the case conference, then the department is called in.":
        "将承办单位加入当前通话：来电人与您进入本工单的会议，再呼叫单位人员加入。",
    "Start the three-way call": "发起三方通话",
    "Registering the call from %(caller)s; the case will be linked to it.":
        "正在为 %(caller)s 的来电登记工单，工单将与本次通话关联。",
}
ZH.update({"Register another request of this call": "登记本次来电的另一项诉求", "Registered from this call:": "本次来电已登记："})
