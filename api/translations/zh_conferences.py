"""Chinese strings of the conferences (会商, issue 18): the conference page, the case page's card,
the phone bar's link and the services' messages."""
ZH = {
    "Calling…": "呼叫中…", "In the conference": "会商中", "Left": "已离开", "Not connected": "未接通",
    "In progress": "进行中", "Colleague's seat": "同事坐席", "Department contact": "部门联系人",
    "Caller in the room": "来电方",
    "Conferences": "会商", "Conference %(id)s": "会商 %(id)s", "Start a conference on this case": "发起本工单会商",
    "Up to %(n)s parties: colleagues by seat, departments from the directory, the citizen.":
        "最多 %(n)s 方参加：按坐席邀请同事，从通讯录邀请部门，也可邀请市民。",
    "Started %(at)s": "开始于 %(at)s", "In the room:": "在会人数：", "Mute": "静音", "Unmute": "取消静音",
    "Remove from the conference": "移出", "muted": "已静音", "talking": "正在发言", "Sent to the switch.": "已发送至交换机。",
    "End the conference for everyone?": "确定为所有人结束会商？", "Members": "参会方", "Party": "参会方",
    "Number": "号码", "Joined": "入会时间", "Invite": "邀请", "Colleagues by seat": "同事（坐席）",
    "Department contacts": "部门联系人", "Citizen's number": "市民号码", "Call them in": "呼叫入会",
    "★ a department of this case. Each party is called from 12345 and joins when they answer.":
        "★ 为本工单承办单位。各方由 12345 外呼，接听后即入会。",
    "End the conference": "结束会商", "Conference started": "发起会商", "Conference ended": "会商结束",
    "choose whom to invite": "请选择邀请对象",
    "a conference holds at most %(max)s parties (%(n)s in it or invited)": "会商最多 %(max)s 方（已在会或已邀请 %(n)s 方）",
    "member %(id)s not found": "参会方 %(id)s 不存在", "this member is not in the conference": "该参会方不在会商中",
    "only the conference's host can do this": "只有会商发起人可以操作", "this conference has ended": "会商已结束",
    "extension %(ext)s is not signed in": "分机 %(ext)s 未签入", "conference %(id)s not found": "会商 %(id)s 不存在",
    "No colleague is signed in to a seat now.": "现在没有已签入坐席的同事。",
}
