"""Chinese strings of the outbound campaigns (api/pages/campaigns, engine/campaigns)."""
ZH = {
    # labels
    "General outbound calls": "普通外呼", "Satisfaction re-visits": "满意度回访", "Dissuasion callbacks": "劝阻回拨",
    "Draft": "草稿", "Running": "运行中", "Paused": "已暂停", "Finished": "已结束",
    "To call": "待呼叫", "Not reached": "未联系上", "Closed unfinished": "未拨即止",
    "No answer": "无人接听", "Busy": "占线", "Call back later": "约定回拨", "Evenly": "平均分配", "By skill": "按技能分配",
    # flashes
    "Campaign created with %(n)s calls to make.": "外呼任务已创建，共 %(n)s 个号码待呼叫。",
    "The campaign is now: %(state)s.": "外呼任务当前状态：%(state)s。",
    "%(n)s calls added (numbers already on the list are skipped).": "已添加 %(n)s 个号码（名单中已有的号码已跳过）。",
    "%(n)s calls moved to agents at their phones.": "已将 %(n)s 个号码转给在岗坐席。",
    "Reached: now record the visit.": "已联系上：请填写回访结果。", "Result recorded.": "呼叫结果已记录。",
    # pages
    "My outbound calls": "我的外呼", "Outbound campaigns": "外呼任务", "Outbound campaign": "外呼任务",
    "Share the calls": "分配方式", "at most %(n)s attempts, %(m)s minutes apart": "每个号码最多呼叫 %(n)s 次，间隔 %(m)s 分钟",
    "Try again after": "以下结果重拨", "Owner": "负责人", "Start the campaign": "启动任务", "Pause": "暂停",
    "Resume": "继续", "Finish": "结束任务", "Campaign progress": "完成进度", "%(d)s of %(t)s decided": "已完成 %(d)s / 共 %(t)s",
    "Not assigned": "未分配", "Due now": "当前待拨", "Attempts": "呼叫次数", "away": "离岗",
    "Move the calls of agents who are away": "将离岗坐席的号码转给在岗坐席", "Add calls": "添加号码",
    "One a line: phone, name, notes, skill tag (only the phone is needed)": "每行一个：电话，姓名，备注，技能标签（仅电话必填）",
    "Add": "添加", "The list": "外呼名单", "Person called": "被叫人", "Next attempt": "下次呼叫", "Last result": "最近结果",
    "Notes": "备注", "case": "工单", "No calls on the list yet.": "名单中还没有号码。", "New campaign": "新建外呼任务",
    "Re-visit the cases waiting for their visit": "为待回访工单建回访任务",
    "Call back the dissuaded callers": "为劝阻来电建回拨任务", "Purpose": "任务类型", "Numbers to call": "号码数",
    "Created": "创建时间", "No campaign yet.": "还没有外呼任务。",
    "A re-visit campaign takes every case waiting for its visit; a callback campaign takes the open callback list.":
        "满意度回访任务自动纳入所有待回访工单；劝阻回拨任务自动纳入待回拨名单。",
    "By skill: a call tagged with a skill goes only to agents with that skill tag.":
        "按技能分配：带技能标签的号码只分配给具有该标签的坐席。",
    "Attempts per number at most": "每个号码最多呼叫次数", "Minutes between attempts": "重拨间隔（分钟）",
    "Agents": "坐席", "Skill tags (comma between)": "技能标签（逗号分隔）", "Create": "创建",
    "Call each number, then record what happened. Calls not answered come back by the campaign's rule.":
        "逐个拨打号码并记录结果；未接通的号码按任务规则稍后重拨。",
    "To call now": "现在拨打", "Campaign": "外呼任务", "Call back at": "约定回拨时间", "No call to make now.": "暂无待拨号码。",
    "Later": "稍后拨打", "Nothing scheduled.": "暂无预约。",
    # engine messages
    "must be a date and time": "须为日期和时间", "no call %(id)s in your queue": "您的外呼队列中没有号码 %(id)s",
    "the campaign is not running (paused or finished)": "外呼任务未在运行（已暂停或已结束）",
    "this call is finished already": "该号码已呼叫完毕",
    "say when to call back (a moment still to come)": "请填写约定回拨时间（须晚于现在）",
    "campaign %(id)s not found": "外呼任务 %(id)s 不存在", "a whole number from %(low)s to %(high)s": "须为 %(low)s 到 %(high)s 之间的整数",
    "choose at least one agent": "请至少选择一名话务员", "%(who)s cannot work this campaign": "%(who)s 不能承担此外呼任务",
    "no such campaign action": "没有这个操作", "not possible in the campaign's present state": "外呼任务当前状态下不能进行此操作",
    "at most %(max)s lines at a time": "每次最多 %(max)s 行",
    "lines with a bad phone or too long a text: %(lines)s": "以下行的电话号码有误或内容过长：%(lines)s",
    "the campaign is finished": "外呼任务已结束",
    "Calls by state": "号码状态", "Attempts by result": "呼叫结果（按次）",
    # the outbound list from Excel (engine.campaigns.list_import) and the contact page's attempts
    "Outbound list": "外呼名单", "Import a list from Excel": "从 Excel 导入名单", "Skill": "技能标签",
    "Outbound campaign number": "外呼任务编号",
}
