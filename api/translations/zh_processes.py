"""Chinese of the process designers' pages (流程库) and of the process engine's messages."""
ZH = {
    # navigation, library
    "Process library": "流程库",
    "only the published version of a process starts new cases; cases keep the version they started on unless moved":
        "每个流程只有已发布的版本受理新工单；在办工单沿用其开始时的版本，除非迁移",
    "Upload a version": "上传新版本", "Drop a .bpmn file here, or click to choose one": "将 .bpmn 文件拖到此处，或点击选择文件",
    "Files drawn with": "支持以下工具绘制的文件：",
    "; at most %(mb)s MB. Every problem is listed at once; nothing is stored unless the whole file passes.":
        "；最大 %(mb)s MB。所有问题一次列出；整个文件通过校验才会保存。",
    "Forms its new tasks use (optional, JSON or YAML; the format is in": "新任务使用的表单定义(可选，JSON 或 YAML，格式见", ")": ")",
    "Publish at once (otherwise it is stored as a draft to check first)": "上传后立即发布(否则存为草稿，核对后再发布)",
    "Upload": "上传", "The file was refused (%(n)s problems); nothing was stored:": "文件未通过校验(共 %(n)s 个问题)，未保存任何内容：",
    "Refused; nothing was stored:": "未通过校验，未保存任何内容：",
    "Roll back to version %(v)s": "回退到第 %(v)s 版", "Why roll back": "回退原因", "Roll back": "回退",
    "Version": "版本", "Version state": "状态", "Running cases": "在办工单", "Uploaded": "上传", "Published": "发布", "Own forms": "随版本表单",
    "Download XML": "下载 XML", "Compare with the previous": "与上一版对比", "No process is stored yet.": "尚无流程。",
    "draft": "草稿", "published": "已发布", "retired": "已停用",
    "Choose a .bpmn file.": "请选择 .bpmn 文件。", "The file is larger than %(mb)s MB.": "文件超过 %(mb)s MB。",
    "Version %(v)s of %(process)s stored as %(state)s.": "%(process)s 第 %(v)s 版已保存为%(state)s。",
    "The first version has nothing before it to compare with.": "第一版之前没有可对比的版本。",
    # a version
    "Retired": "停用", "Compare with v%(n)s": "与第 %(n)s 版对比", "Move waiting cases to this version": "将在办工单迁移到此版本",
    "Publication": "发布", "What changes for the users": "本版变化(供使用者了解)", "Publish": "发布",
    "Publishing makes new cases start on this version and retires the version published now; running cases stay "
    "where they are.": "发布后新工单按此版本办理，当前已发布版本停用；在办工单不受影响。",
    "Retire this version": "停用此版本", "Why": "原因", "Retire": "停用",
    "No case can be registered until another version is published.": "停用后，在发布其他版本之前无法登记新工单。",
    "When": "时间", "v%(n)s retired": "第 %(n)s 版停用", "rolled back to v%(n)s": "回退到第 %(n)s 版",
    "v%(n)s published": "第 %(n)s 版发布", "replacing v%(n)s": "替代第 %(n)s 版", "Diagram": "流程图",
    "Forms uploaded with this version": "随此版本上传的表单", "Field": "字段", "Type": "类型", "Required": "必填",
    "Options": "选项", "when %(f)s is %(v)s": "当 %(f)s 为 %(v)s 时",
    # actions
    "Version %(v)s is published: new cases start on it.": "第 %(v)s 版已发布：新工单按此版本办理。",
    "Version %(v)s is retired: it starts no new case.": "第 %(v)s 版已停用：不再受理新工单。",
    "Rolled back: version %(v)s is published again.": "已回退：第 %(v)s 版重新发布。",
    "%(n)s cases moved to version %(v)s; %(left)s stay where they are.": "%(n)s 件工单已迁移到第 %(v)s 版；%(left)s 件保持原版本。",
    # diff
    "Compare versions": "版本对比", "Compare v%(n)s with": "第 %(n)s 版对比", "Compare": "对比", "Back to v%(n)s": "返回第 %(n)s 版",
    "The two versions have the same process (only the layout may differ).": "两个版本的流程相同(可能仅布局不同)。",
    "Element": "元素", "Change": "变化", "added": "新增", "removed": "删除",
    "%(a)s added, %(r)s removed, %(c)s changed": "新增 %(a)s 个，删除 %(r)s 个，修改 %(c)s 个",
    "name": "名称", "type": "类型", "from": "起点", "flows to": "指向", "condition": "条件", "properties": "属性",
    "events": "事件", "lane members": "泳道成员", "attached to": "附着于", "default flow": "默认流向", "calls": "调用",
    "executable": "可执行",
    # migration
    "Move waiting cases": "迁移在办工单", "Move waiting cases to v%(n)s": "将在办工单迁移到第 %(n)s 版",
    "A dry run: nothing has moved yet. %(m)s of %(n)s open cases on other versions can move.":
        "试运行：尚未迁移任何工单。其他版本上的 %(n)s 件在办工单中，%(m)s 件可以迁移。",
    "Move the %(m)s movable cases": "迁移可迁移的 %(m)s 件工单", "each in its own transaction; the others stay on their version":
        "逐件独立提交；不能迁移的工单保持原版本",
    "On version": "所在版本", "Migration": "迁移", "Why not": "原因", "moved": "已迁移", "can move": "可迁移", "stays": "保持原版本",
    "No open case of this process is on another version.": "该流程没有处于其他版本的在办工单。",
    # engine messages
    "process '%(process)s' has no published version; publish one (or run `flask workflows load`)":
        "流程 %(process)s 没有已发布的版本，请先发布一个版本",
    "version %(v)s of %(process)s is already published": "%(process)s 第 %(v)s 版已是发布状态",
    "version %(v)s of %(process)s is already retired": "%(process)s 第 %(v)s 版已停用",
    "%(process)s has no earlier published version to go back to": "%(process)s 没有可回退的先前发布版本",
    "publish version %(v)s before moving cases to it": "请先发布第 %(v)s 版，再迁移工单",
    "a running sub-process no longer exists": "正在运行的子流程在新版本中已不存在",
    "steps it has done were removed: %(ids)s": "已办理的环节在新版本中被删除：%(ids)s",
    "steps it has done were changed: %(ids)s": "已办理的环节在新版本中被修改：%(ids)s",
    "the step it waits at was removed: %(ids)s": "当前所在环节在新版本中被删除：%(ids)s",
    "step %(id)s needs form '%(form)s', which the new version does not have": "环节 %(id)s 需要表单 %(form)s，新版本没有该表单",
    "after step %(id)s the new version reads data the case does not have: %(names)s":
        "新版本在环节 %(id)s 之后需要工单没有的数据：%(names)s",
    "send the BPMN XML (the body, or the file field 'bpmn')": "请上传 BPMN XML(请求正文或文件字段 bpmn)",
    "the first version has nothing before it: name a version to compare with": "第一版之前没有版本，请指定对比版本",
    # uploaded forms
    "the form file is larger than %(n)s KB": "表单文件超过 %(n)s KB", "not valid JSON or YAML%(where)s": "不是有效的 JSON 或 YAML%(where)s",
    "expected a mapping of form key to form": "应为“表单键: 表单定义”的映射", "at most %(n)s forms": "最多 %(n)s 个表单",
    "a form key is lower-case letters, digits and _": "表单键只能包含小写字母、数字和下划线",
    "'%(key)s' is a built-in form; choose another key": "%(key)s 是内置表单，请换一个表单键",
    "a form needs a list of fields": "表单须有字段列表", "a field is a mapping of its properties": "字段须为属性映射",
    "unknown property '%(key)s'": "未知属性 %(key)s", "name: lower-case letters, digits and _": "name 只能包含小写字母、数字和下划线",
    "type must be one of: %(types)s": "type 须为以下之一：%(types)s", "label is required": "须填写 label",
    "only a choice field has options": "只有选择字段(choice)可以有选项", "a choice field needs options": "选择字段须有选项",
    "each option needs a value and a label": "每个选项须有 value 和 label", "an option value is listed twice": "选项值重复",
    "%(key)s must be an integer": "%(key)s 须为整数", "max_length must be between 1 and 10000": "max_length 须在 1 至 10000 之间",
    "pattern: a regular expression of at most 200 characters": "pattern 须为不超过 200 个字符的正则表达式",
    "pattern is not a valid regular expression": "pattern 不是有效的正则表达式", "the field name is used twice": "字段名重复",
    "required_if names no field of this form": "required_if 指向的字段不存在",
    "required_if lists a value the other field does not offer": "required_if 列出的值不是该字段的选项",
}
