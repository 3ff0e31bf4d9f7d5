"""Chinese of the public case page: progress, online rating, re-examination (issue 14)."""
ZH = {
    # the page
    "Reply expected by": "预计答复时间",
    "provisional: the holiday schedule is not yet published": "暂定，节假日安排尚未公布",
    "Progress": "办理进度",
    "Accepted": "受理", "Sent to the department": "派单", "Received by the department": "签收",
    "Being handled": "办理", "in progress": "进行中",
    "Look up another case": "查询其他工单",
    "Your rating": "满意度评价",
    "You rated:": "您的评价：",
    "Are you satisfied with how your request was handled?": "您对诉求的办理结果是否满意？",
    "Comment (optional)": "意见(选填)",
    "Submit rating": "提交评价",
    "You can rate the handling once the reply has reached you.": "收到答复后即可对办理情况进行评价。",
    "Re-examination": "申请复核",
    "Your re-examination request is registered as case %(no)s.": "您的复核申请已登记，工单编号 %(no)s。",
    "It is closed.": "复核已办结。",
    "Reply expected by %(when)s.": "预计 %(when)s 前答复。",
    "If you are dissatisfied with the result, you may ask once for a re-examination by the 12345 center "
    "(until %(when)s).": "如对办理结果不满意，可向12345热线中心申请复核一次(截至 %(when)s)。",
    "the case is closed": "工单办结后",
    "Why are you dissatisfied?": "不满意的理由",
    "Request re-examination": "提交复核申请",
    "A re-examination can be requested once the case is closed, within the period after closing.":
        "工单办结后，可在规定期限内申请复核。",
    "Thank you: your rating was recorded.": "感谢您的评价，已记录。",
    "Your re-examination request was registered; the 12345 center will review it and reply.":
        "您的复核申请已登记，12345热线中心将进行复核并答复您。",
    # the timeline and the administration
    "Citizen's online rating": "市民网上评价", "Re-examination requested": "市民申请复核",
    "Re-examination of another case": "复核申请(原工单)",
    "Re-examination: the citizen may ask within days of the closing": "复核：办结后可申请复核的天数",
    "Re-examination limit (working days)": "复核办理时限(工作日)",
    "Re-examination: yellow from working days before due": "复核：到期前几个工作日起黄色预警",
    # engine messages
    "choose 满意, 基本满意 or 不满意": "请选择满意、基本满意或不满意",
    "the case has not been answered yet: it can be rated once the reply reached you":
        "工单尚未答复，收到答复后才能评价",
    "this case has been rated already": "该工单已评价，每件工单只能评价一次",
    "give the reason you are dissatisfied": "请填写不满意的理由",
    "a re-examination of this case was asked already": "该工单已申请过复核，每件工单只能申请一次",
    "a re-examination may be asked within %(days)s days of the closing": "复核须在办结后 %(days)s 日内申请，已超过期限",
    "a re-examination may be asked once the case is closed": "工单办结后才能申请复核",
    "re-examination requests are not taken at the moment; call 12345": "暂不受理复核申请，请拨打12345咨询",
    "case %(no)s has no re-examination decision: no 复核意见书": "工单 %(no)s 尚无复核决定，没有复核意见书",
}
