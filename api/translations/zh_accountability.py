"""Chinese of the first-contact (首问责任制) and accountability (责任追究) pages; merged by zh.py."""
ZH = {
    # 首问责任制
    "First contact": "首问责任人", "My first-contact cases": "我的首问工单",
    "the requests you took first: you answer for them to the end and hear of each stage change":
        "您首问受理的诉求：由您负责到底，每次环节变化都会通知您",
    "All": "全部", "Closed at": "办结时间",
    # 责任追究: list and filters
    "Accountability": "责任追究",
    "violations of the time-limit rules the system found, each with its evidence and a leader's decision":
        "系统发现的违反首问负责制、限时办结制的情形，附证据与领导处理决定",
    "Monthly report by department": "按单位查看月报", "All rules": "全部情形",
    "Rule": "情形", "Decision": "处理决定", "Decided or not": "全部（含已决定）", "Undecided": "未决定",
    "Decided": "已决定", "Found": "发现时间", "Person": "责任人", "No record matches.": "没有符合条件的责任追究记录。",
    "%(n)s records": "共 %(n)s 条",
    "Overdue without an extension asked in time": "超期未及时申请延期",
    "Extension told to the citizen after the limit": "超期后才告知延期",
    "Result not delivered within 1 working day": "办结后未在1个工作日内送达",
    "Returned for wrong dispatch too often": "派单错误退回超限",
    # a record
    "Accountability record": "责任追究记录", "Deadline": "办理时限", "Evidence": "证据",
    "The deadline above is the evidence.": "以上办理时限即为证据。",
    "The whole timeline of the case": "查看工单完整处理记录",
    "Record the decision": "记录处理决定", "A decision is final: it cannot be changed afterwards.": "处理决定一经作出不可更改。",
    "Undecided. A center leader or the leader of the person's department decides.":
        "尚未决定。由中心领导或责任人所在单位领导作出处理决定。",
    "Decision recorded.": "处理决定已记录。",
    # the monthly report
    "Monthly accountability report": "责任追究月报",
    "records found in the month, per department, by rule and by decision": "按单位统计当月发现的责任追究记录：按情形、按处理决定",
    "The records": "查看记录", "No record was found in this month.": "本月没有发现责任追究记录。",
    # parameters
    "Accountability: returns for wrong dispatch allowed": "责任追究：允许的派单错误退回次数",
    "Accountability: the decisions a leader may take (separated by 、)": "责任追究：可选的处理决定（以“、”分隔）",
    # the engine's messages
    "at least one item is required": "至少需要一项", "each item at most %(n)s characters": "每项最多 %(n)s 个字",
    "accountability record %(id)s not found": "责任追究记录 %(id)s 不存在",
    "accountability record %(id)s is outside your department's scope": "责任追究记录 %(id)s 不在本单位范围内",
    "only a center leader or the leader of the person's department decides on this record":
        "只有中心领导或责任人所在单位领导可以对此记录作出处理决定",
    "choose one of: %(choices)s": "请从以下选择：%(choices)s", "a reason is required": "请填写理由",
    "a decision was made on this record already": "此记录已作出处理决定",
}
