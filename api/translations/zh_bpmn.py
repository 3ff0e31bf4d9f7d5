"""Chinese of a refused BPMN upload: the problems engine/bpmn finds (forms.messages.msg: the
template is the msgid, %(name)s its parameters) and how api/pages/bpmn_problems.py names the
line and the element ("第12行 用户任务 handle（办理）：……"); merged by zh.py."""
ZH = {
    # the line and the element (api/pages/bpmn_problems.py)
    "line %(line)s": "第%(line)s行", "line %(line)s, column %(column)s": "第%(line)s行第%(column)s列",
    "%(type)s '%(id)s' (%(name)s)": "%(type)s %(id)s（%(name)s）", "%(type)s '%(id)s'": "%(type)s %(id)s",
    "%(part)s in %(element)s": "%(element)s中的 %(part)s", "%(where)s: %(message)s": "%(where)s：%(message)s",
    "BPMN definitions": "BPMN 定义文件", "process": "流程", "sub-process": "子流程",
    "transaction sub-process": "事务子流程", "ad-hoc sub-process": "自由子流程", "call activity": "调用活动",
    "BPMN task": "任务", "user task": "用户任务", "manual task": "人工任务", "service task": "服务任务",
    "script task": "脚本任务", "business rule task": "业务规则任务", "send task": "发送任务",
    "receive task": "接收任务", "start event": "开始事件", "end event": "结束事件", "boundary event": "边界事件",
    "intermediate catch event": "中间捕获事件", "intermediate throw event": "中间抛出事件",
    "exclusive gateway": "排他网关", "inclusive gateway": "包容网关", "parallel gateway": "并行网关",
    "event-based gateway": "事件网关", "complex gateway": "复杂网关", "sequence flow": "顺序流", "lane": "泳道",
    "message event definition": "消息事件定义", "signal event definition": "信号事件定义",
    "timer event definition": "定时事件定义",
    "process definition refused: %(problems)s": "流程定义未通过检查：%(problems)s",
    # the file (engine/bpmn/validation.py)
    "the file is %(size)s bytes, more than the %(limit)s bytes (%(mb)s MB) a BPMN file may have":
        "文件大小为 %(size)s 字节，超过 BPMN 文件的上限 %(limit)s 字节（%(mb)s MB）",
    "DOCTYPE declarations (DTDs, entities) are not allowed in BPMN files; the file was not parsed":
        "BPMN 文件中不允许 DOCTYPE 声明（DTD、实体）；文件未被解析",
    "the file is not well-formed XML: %(error)s": "文件不是格式正确的 XML：%(error)s",
    "not a BPMN 2.0 file (root element is %(root)s, expected %(expected)s)":
        "不是 BPMN 2.0 文件（根元素为 %(root)s，应为 %(expected)s）",
    "the BPMN parser failed: %(error)s": "BPMN 解析器出错：%(error)s",
    "SpiffWorkflow cannot use it: %(error)s": "流程引擎（SpiffWorkflow）无法使用：%(error)s",
    "not valid BPMN 2.0: %(error)s": "不符合 BPMN 2.0 规范：%(error)s",
    # executable code and service tasks (engine/bpmn/checks.py)
    "script tasks are not allowed; put logic in a whitelisted service task (allowed operators: %(operators)s)":
        "不允许使用脚本任务；请把逻辑放在白名单服务任务中（允许的操作：%(operators)s）",
    "pre/post scripts are not allowed; use expressions on gateways or a whitelisted service task "
    "(allowed operators: %(operators)s)":
        "不允许使用前置/后置脚本；请在网关上使用表达式，或使用白名单服务任务（允许的操作：%(operators)s）",
    'embedded scripts are not allowed; bind it to one of our service tasks with '
    '<spiffworkflow:serviceTaskOperator id="..."> (allowed operators: %(operators)s)':
        '不允许嵌入脚本；请用 <spiffworkflow:serviceTaskOperator id="..."> 绑定到本系统的服务任务'
        '（允许的操作：%(operators)s）',
    'listeners run Java, Groovy or JavaScript code and are not allowed; bind it to one of our service tasks '
    'with <spiffworkflow:serviceTaskOperator id="..."> (allowed operators: %(operators)s)':
        '监听器运行 Java、Groovy 或 JavaScript 代码，不允许使用；请用 <spiffworkflow:serviceTaskOperator '
        'id="..."> 绑定到本系统的服务任务（允许的操作：%(operators)s）',
    '%(binding)s: external task workers are not supported here; bind it to one of our service tasks with '
    '<spiffworkflow:serviceTaskOperator id="..."> (allowed operators: %(operators)s)':
        '%(binding)s：本系统不支持外部任务执行器；请用 <spiffworkflow:serviceTaskOperator id="..."> '
        '绑定到本系统的服务任务（允许的操作：%(operators)s）',
    '%(binding)s cannot run Java/JUEL code here; bind it to one of our service tasks with '
    '<spiffworkflow:serviceTaskOperator id="..."> (allowed operators: %(operators)s)':
        '%(binding)s：本系统不能运行 Java/JUEL 代码；请用 <spiffworkflow:serviceTaskOperator id="..."> '
        '绑定到本系统的服务任务（允许的操作：%(operators)s）',
    'has no <spiffworkflow:serviceTaskOperator id="...">; bind it to one of the allowed operators: %(operators)s':
        '未指定 <spiffworkflow:serviceTaskOperator id="...">；请绑定以下允许的操作之一：%(operators)s',
    "operator '%(operator)s' is not allowed; allowed operators: %(operators)s":
        "不允许使用操作 %(operator)s；允许的操作：%(operators)s",
    # ids and references
    "duplicate id '%(id)s' (already used at line %(line)s by %(tag)s)": "id %(id)s 重复（第%(line)s行的 %(tag)s 已使用）",
    'no executable process in the file (mark the main process isExecutable="true")':
        '文件中没有可执行的流程（请将主流程标记为 isExecutable="true"）',
    "called process not found (calledElement is missing)": "找不到被调用的流程（缺少 calledElement）",
    "calls process '%(process)s' which is not in the file": "调用的流程 %(process)s 不在本文件中",
    "has no %(kind)sRef; name the bpmn:%(kind)s it waits for or sends":
        "未指定 %(kind)sRef；请指明它等待或发送的 bpmn:%(kind)s",
    "%(kind)sRef '%(ref)s' is not a %(kind)s defined in the file": "%(kind)sRef %(ref)s 不是本文件中定义的 %(kind)s",
    # the flow (engine/bpmn/flow_checks.py)
    "%(type)s is not supported here: %(reason)s": "本系统不支持 %(type)s：%(reason)s",
    "decision tables (DMN) are not loaded here; use an exclusive gateway with conditions or a whitelisted "
    "service task": "本系统不加载决策表（DMN）；请改用带条件的排他网关或白名单服务任务",
    "the workflow engine (SpiffWorkflow) cannot run it; use exclusive, inclusive or parallel gateways, user tasks "
    "and whitelisted service tasks":
        "流程引擎（SpiffWorkflow）无法运行它；请使用排他、包容或并行网关，用户任务和白名单服务任务",
    "the workflow engine (SpiffWorkflow) ignores it, so the event would not behave as drawn":
        "流程引擎（SpiffWorkflow）会忽略它，该事件不会按图中所画运行",
    "has no id; SpiffWorkflow skips elements without one, so the process would not run as drawn":
        "缺少 id；SpiffWorkflow 会跳过没有 id 的元素，流程不会按图运行",
    "has no start event; every process and sub-process begins at one": "没有开始事件；每个流程和子流程都须从开始事件开始",
    "has no end event; every process and sub-process needs one where it ends": "没有结束事件；每个流程和子流程都须有结束事件",
    "cannot be reached from a start event by sequence flows": "从开始事件沿顺序流无法到达",
    # expressions (engine/bpmn/expression_checks.py)
    "%(label)s \"%(text)s\" must be a quoted literal ('%(text)s'): timer expressions are Python":
        "%(label)s \"%(text)s\" 须写成带引号的字面量（'%(text)s'）：定时表达式是 Python 表达式",
    '%(label)s "%(text)s" is not an allowed expression: %(reason)s': '%(label)s "%(text)s" 不是允许的表达式：%(reason)s',
    "${...} and #{...} are Java (JUEL) expressions; write a Python expression such as approved == True":
        "${...} 和 #{...} 是 Java（JUEL）表达式；请改写为 Python 表达式，例如 approved == True",
    "it is not a Python expression (%(error)s)": "不是合法的 Python 表达式（%(error)s）",
    "it is nested too deeply to check": "嵌套层次太深，无法检查",
    "lambda functions are not allowed": "不允许使用 lambda 函数",
    "'%(name)s' starts with '_': such names and attributes are not allowed":
        "%(name)s 以“_”开头：不允许使用以“_”开头的名称和属性",
    "'%(name)s' is not available in expressions": "表达式中不能使用 %(name)s",
    "'.%(name)s' is not allowed (string formatting can reach hidden attributes)":
        "不允许使用 .%(name)s（字符串格式化可访问隐藏属性）",
    # user tasks (engine/bpmn/validation.py)
    "is not in a lane; put it in a lane named after a role (%(roles)s)": "不在任何泳道中；请放入以角色命名的泳道（%(roles)s）",
    "lane '%(lane)s' is not a role; allowed roles: %(roles)s": "泳道 %(lane)s 不是角色；允许的角色：%(roles)s",
    '%(attribute)s is not read here; use <spiffworkflow:property name="formKey" value="..."/> (known forms: '
    '%(forms)s)': '本系统不读取 %(attribute)s；请使用 <spiffworkflow:property name="formKey" value="..."/>'
                  '（已有表单：%(forms)s）',
    "has no formKey property; known forms: %(forms)s": "没有 formKey 属性；已有表单：%(forms)s",
    "form key '%(form_key)s' does not exist; known forms: %(forms)s": "表单 %(form_key)s 不存在；已有表单：%(forms)s",
    "has no stage property (the case stage shown while the task is ready)": "没有 stage 属性（待办就绪时工单所处的环节）",
}
