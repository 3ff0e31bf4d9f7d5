"""Chinese strings of the call pages (call list, one call, recordings, callbacks; api/pages/calls.py)
and the calls block of the case page; merged by zh.py."""
ZH = {
    # navigation and headings
    "Calls": "来电记录", "Callbacks": "回拨列表", "Call": "来电", "Caller": "来电号码", "Case": "工单",
    # the call list
    "All outcomes": "全部结果", "Outcome": "结果", "Day": "日期", "Caller number": "来电号码",
    "Agent (extension)": "坐席（分机号）", "Clear": "清除", "Date: a day of the years 1900 to 2999, as YYYY-MM-DD.": "日期应为 1900 至 2999 年间的某一天，格式 YYYY-MM-DD。",
    "Arrived": "来电时间", "Queue": "队列", "Agent": "坐席", "Waiting": "等待时长", "Talk": "通话时长",
    "Recording": "录音", "Voicemail": "留言", "Call this number": "拨打此号码", "callback": "回拨",
    "Listen to the recording": "收听录音", "Listen to the voicemail": "收听留言", "No call matches.": "没有符合条件的来电。",
    "More than %(n)s calls; narrow the search.": "超过 %(n)s 个来电，请缩小查询范围。", "%(n)s calls": "共 %(n)s 个来电",
    "Newer": "较新", "Older": "较早",
    # one call
    "Call back": "回拨", "Dial": "拨打", "Callback number": "回拨号码", "No case linked.": "未关联工单。", "Call id": "呼叫标识",
    "Timings": "时间节点", "Time per stage": "各环节时长", "Total": "合计",
    "Waiting (queue to answer or hang-up)": "等待时长（进入队列至接听或挂机）",
    "IVR answered": "IVR 应答", "Joined the queue": "进入队列", "Offered to an agent": "分配坐席",
    "Answered by the agent": "坐席接听", "Ended": "结束",
    "Before the IVR answered": "IVR 应答前", "In the IVR": "IVR 中", "Waiting in the queue": "排队等待",
    "Ringing at the agent": "坐席振铃",
    "Callback": "回拨", "Reached": "已联系上", "Gave up": "放弃回拨", "Download": "下载",
    "Your browser cannot play this recording; download it instead.": "浏览器无法播放此录音，请下载后收听。",
    "Playback is not set up on this server (TELEPHONY_RECORDINGS_DIR).": "本服务器未配置录音播放（TELEPHONY_RECORDINGS_DIR）。",
    "Back": "返回",
    # callbacks
    "Callers who were asked at peak time to hang up and be called back. Call them, then say whether you reached them.":
        "高峰时段经智能劝阻挂机、等待回拨的来电人。请逐一回拨，并记录是否联系上。",
    "To call back": "待回拨", "Closed today": "今日已处理", "The oldest %(n)s are shown.": "仅显示最早的 %(n)s 条。",
    "Waiting for": "已等待", "caller": "来电", "Nobody waits for a callback.": "暂无待回拨来电。",
    "Handled at": "处理时间", "Callback result": "回拨结果", "Handled by": "处理人", "No callback closed today.": "今日尚无已处理的回拨。",
    "%(m)s min": "%(m)s 分钟", "%(h)s h %(m)s min": "%(h)s 小时 %(m)s 分钟", "%(d)s d %(h)s h": "%(d)s 天 %(h)s 小时",
    "Callback closed: caller reached.": "回拨已完成：已联系上来电人。",
    "Callback closed: gave up on reaching the caller.": "回拨已结束：未能联系上来电人。",
    "Say whether the caller was reached or you gave up.": "请选择“已联系上”或“放弃回拨”。",
    "This call is not on the callback list.": "该来电不在回拨列表中。",
    "This callback was already closed by %(who)s at %(at)s (%(result)s); nothing was changed.":
        "该回拨已由 %(who)s 于 %(at)s 处理（%(result)s），本次操作未作更改。",
    "someone else": "其他人",
}
ZH.update({
    "Voicemail": "语音留言", "A voicemail added": "并入语音留言",
    "Messages callers left when nobody could answer. Listen to each, then register it as a case, add it to an open case, or set it aside with a reason.":
        "来电无人接听时市民留下的语音。请逐条收听，然后登记为工单、并入未办结的工单，或说明理由后搁置。",
    "To listen to": "待收听", "Decided today": "今日已处理", "Message": "留言", "What it becomes": "处理",
    "heard": "已听", "Register a case": "登记工单", "Add to the case": "并入工单", "Set aside because…": "搁置原因…",
    "Note": "备注", "Set aside": "搁置", "No message waits.": "没有待处理的留言。", "Decided at": "处理时间",
    "What it became": "处理结果", "registered as a case": "已登记为工单", "added to a case": "已并入工单",
    "set aside": "已搁置", "Nothing decided today.": "今日尚未处理留言。",
    "The messages cannot be played here: the recordings folder is not configured.": "无法在此播放留言：未配置录音目录。",
    "Silence or hung up at once": "无声或立即挂断", "Wrong number": "打错电话", "A test": "测试",
    "Nuisance": "骚扰", "Said again in a later message": "后续留言已重复说明", "Other (say what)": "其他(请说明)",
    "The message was added to the case's timeline.": "留言已并入工单，见处理记录。",
    "No open case with that number in your scope: check the case number.": "您的权限范围内没有该编号的未办结工单，请核对工单编号。",
    "Message set aside.": "留言已搁置。",
    "Choose why the message is set aside (and say what, for 'other').": "请选择搁置原因(选“其他”时请说明)。",
    "Listen to the message first.": "请先收听留言。", "That message does not exist.": "该留言不存在。",
    "That message was dealt with already by someone else.": "该留言已被他人处理。",
})
ZH.update({"12345 hotline queue": "12345 热线队列", "Queue %(name)s": "队列 %(name)s", "Seat %(ext)s": "坐席 %(ext)s"})
