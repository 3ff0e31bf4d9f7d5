"""The form of every user task in workflows/case_handling.bpmn, plus the non-task forms."""
from __future__ import annotations

from forms.errors import UnknownForm
from forms.fields import Field, Form

CATEGORY_OPTIONS = (
    ("consult", "咨询", "Consultation"), ("complaint", "投诉", "Complaint"),
    ("report", "举报", "Report"), ("help", "求助", "Help request"),
    ("suggestion", "建议", "Suggestion"), ("praise", "表扬", "Praise"),
)
CHANNEL_OPTIONS = (
    ("phone", "电话", "Phone"), ("web", "网站", "Web"), ("app", "APP", "App"),
    ("wechat", "微信", "WeChat"), ("sms", "短信", "SMS"), ("mailbox", "市长信箱", "Mayor's mailbox"),
)
PHONE_PATTERN = r"\+?[0-9][0-9\- ]{4,19}"


NATURAL_REASON_OPTIONS = (
    ("no_materials", "申请人未按告知补正材料或整改", "The citizen did not supply materials or rectify as told"),
    ("no_fees", "申请人未按规定时间交纳有关费用", "The citizen did not pay the fees in time"),
    ("no_inspection", "申请人对必要的检验、检测、勘测等不予配合", "The citizen did not cooperate with a necessary inspection"),
    ("citizen_other", "申请人自身其他原因", "Other reasons of the citizen"),
)


def _text(name, label, label_en, **kw):
    return Field(name, "text", label, label_en, max_length=kw.pop("max_length", 4000), **kw)


GENDER_OPTIONS = (("male", "男", "Male"), ("female", "女", "Female"))
URGENCY_OPTIONS = (("normal", "一般", "Normal"), ("urgent", "紧急", "Urgent"), ("very_urgent", "特急", "Very urgent"))
INTAKE = Form("intake", "受理登记", "Intake", (
    Field("category", "choice", "诉求类型", "Category", required=True, options=CATEGORY_OPTIONS),
    Field("channel", "choice", "来源渠道", "Channel", required=True, options=CHANNEL_OPTIONS),
    Field("citizen_name", "string", "来电人", "Citizen", required=True, max_length=100),
    Field("citizen_gender", "choice", "性别", "Gender", options=GENDER_OPTIONS),
    # A mail to the mayor's mailbox may carry no phone (the sender's address is kept on the mail record).
    Field("phone", "string", "联系电话", "Phone", required_if=("channel", ("phone", "web", "app", "wechat", "sms")),
          max_length=32, pattern=PHONE_PATTERN, hide_unless_required=False),
    Field("title", "string", "标题", "Title", required=True, max_length=200),
    _text("content", "诉求内容", "Content", required=True, max_length=20000),
    Field("matter_id", "matter", "事项分类", "Matter"),
    Field("area_id", "area", "所属区域(区/街道)", "District / street"),
    Field("address", "string", "地址", "Address", max_length=300),
    Field("urgency", "choice", "紧急程度", "Urgency", options=URGENCY_OPTIONS, default="normal"),
    Field("wants_callback", "boolean", "需要回复市民", "Wants a call back with the answer", default=True),
    Field("wants_sms_reply", "boolean", "短信告知答复全文", "The reply text by SMS", default=False),
    Field("confidential", "boolean", "保密", "Confidential", default=False),
))

TRIAGE = Form("triage", "分类处置", "Triage", (
    Field("decision", "choice", "处置方式", "Decision", required=True, options=(
        ("dispatch", "派单", "Dispatch"), ("direct_answer", "直接答复", "Direct answer"),
        ("not_accepted", "不予受理", "Not accepted"), ("merge", "并单(并入在办工单)", "Merge into an open case"))),
    _text("answer", "答复内容", "Answer", required_if=("decision", ("direct_answer",))),
    Field("merge_into_case_no", "string", "并入工单编号", "Merge into case number",
          required_if=("decision", ("merge",)), max_length=20),
    Field("not_accepted_reason", "choice", "不予受理原因", "Reason not accepted",
          required_if=("decision", ("not_accepted",)), options=(
              ("emergency", "紧急警情(110/119/120/122)", "Emergency (110/119/120/122)"),
              ("legal_route", "涉诉涉法/仲裁/信访事项", "Court, arbitration or petition matter"),
              ("out_of_scope", "非政务服务范围", "Outside government services"),
              ("duplicate", "重复诉求", "Duplicate"), ("other", "其他", "Other"))),
    _text("note", "说明", "Note"),
))

DISPATCH = Form("dispatch", "派单", "Dispatch", (
    Field("mode", "choice", "派单方式", "Mode", required=True, options=(
        ("transfer", "转送", "Transfer"), ("assign", "交办", "Assign"))),
    Field("lead_department_id", "department", "主办单位", "Lead department", required=True),
    Field("co_department_ids", "departments", "协办单位", "Co-departments", default=[]),
    _text("instruction", "领导批示", "Leader's instruction", required_if=("mode", ("assign",))),
    _text("opinion", "派单意见", "Dispatch opinion"),
))

SIGN_FOR = Form("sign_for", "签收", "Sign for", (
    Field("decision", "choice", "签收或退回", "Sign or return", required=True, options=(
        ("sign", "签收", "Sign for"), ("return", "退回", "Return"))),
    _text("reason", "退回理由", "Reason for return", required_if=("decision", ("return",))),
))

DECIDE_RETURN = Form("decide_return", "退回审核", "Decide return", (
    Field("return_approved", "boolean", "同意退回", "Approve return", required=True),
    _text("opinion", "审核意见", "Opinion", required_if=("return_approved", (False,))),
))

HANDLE = Form("handle", "办理", "Handle", (
    Field("action", "choice", "操作", "Action", required=True, options=(
        ("reply", "答复办结", "Reply"), ("extension", "申请延期", "Request extension"),
        ("suspension", "申请挂起", "Request suspension"),
        ("natural_completion", "自然办结", "Natural completion"))),
    Field("result", "choice", "办理结果", "Result", required_if=("action", ("reply",)), options=(
        ("resolved", "已解决", "Resolved"), ("explained", "已解释说明", "Explained"),
        ("unresolvable", "暂无法解决", "Cannot be resolved now"))),
    # Article 8 of the time-limit rules: only these reasons, all on the citizen's side.
    Field("natural_reason", "choice", "自然办结原因", "Reason for natural completion",
          required_if=("action", ("natural_completion",)), options=NATURAL_REASON_OPTIONS),
    _text("reply_text", "答复内容(自然办结时为办结通知书内容)", "Reply (for a natural completion: the completion notice)",
          required_if=("action", ("reply", "natural_completion")), max_length=10000),
    Field("extension_days", "integer", "延期天数(工作日)", "Extension (working days)",
          required_if=("action", ("extension",)), min_value=1, max_value=60),
    _text("extension_reason", "延期理由", "Reason for extension", required_if=("action", ("extension",))),
    _text("suspension_reason", "挂起理由", "Reason for suspension", required_if=("action", ("suspension",))),
))

DECIDE_SUSPENSION = Form("decide_suspension", "挂起审批", "Decide suspension", (
    Field("suspension_approved", "boolean", "批准挂起", "Approve", required=True),
    _text("opinion", "审批意见", "Opinion", required_if=("suspension_approved", (False,))),
))

RESUME = Form("resume", "恢复办理", "Resume handling", (
    _text("note", "恢复说明", "What changed", required=True),
))

ESCALATION = Form("escalation", "超期处置", "Overdue escalation", (
    Field("decision", "choice", "处置决定", "Decision", required=True, options=(
        ("urge", "督办", "Urge"), ("extend", "延期", "Extend"),
        ("reassign", "改派主办单位", "Reassign the lead"), ("accept", "接受说明", "Accept the explanation"))),
    Field("days", "integer", "延期天数(工作日)", "Days", required_if=("decision", ("extend",)),
          min_value=1, max_value=60),
    Field("lead_department_id", "department", "新主办单位", "New lead department",
          required_if=("decision", ("reassign",))),
    _text("opinion", "处置意见", "Opinion", required=True),
))

OVERTIME_REPORT = Form("overtime_report", "超时办结情况报告", "Overtime report", (
    _text("reason", "超时原因", "Reason", required=True),
    _text("measures", "整改措施", "Measures", required=True),
))

DECIDE_EXTENSION = Form("decide_extension", "延期审批", "Decide extension", (
    Field("approved", "boolean", "批准延期", "Approve", required=True),
    Field("approved_days", "integer", "批准天数(工作日)", "Days granted", min_value=1, max_value=60),
    _text("opinion", "审批意见", "Opinion", required_if=("approved", (False,))),
))

APPROVE_REPLY = Form("approve_reply", "答复审核", "Approve reply", (
    Field("reply_approved", "boolean", "同意答复", "Approve reply", required=True),
    _text("opinion", "审核意见", "Opinion", required_if=("reply_approved", (False,))),
))

CO_OPINION = Form("co_opinion", "协办意见", "Co-handling opinion", (
    _text("opinion", "协办意见", "Opinion", required=True),
))

REVIEW = Form("review", "中心审核", "Center review", (
    Field("review_passed", "boolean", "审核通过", "Passed", required=True),
    _text("opinion", "审核意见", "Opinion", required_if=("review_passed", (False,))),
))

# A dissatisfied citizen's case never closes by default: the visitor records what was said and
# decides, with nothing preset, to reopen handling or to close with a reason a center leader confirms.
VISIT = Form("visit", "回访", "Satisfaction visit", (
    Field("satisfaction", "choice", "满意度", "Satisfaction", required=True, options=(
        ("satisfied", "满意", "Satisfied"), ("basically_satisfied", "基本满意", "Basically satisfied"),
        ("dissatisfied", "不满意", "Dissatisfied"))),
    Field("resolved", "boolean", "问题是否解决", "Resolved", required=True),
    _text("note", "回访记录(不满意时必填)", "Visit record (required when dissatisfied)",
          required_if=("satisfaction", ("dissatisfied",)), hide_unless_required=False),
    Field("decision", "choice", "不满意件处理", "Dissatisfied: what next",
          required_if=("satisfaction", ("dissatisfied",)), options=(
              ("reopen", "重新办理", "Reopen handling"),
              ("close", "办结归档(说明理由，由中心领导确认)", "Close with a reason (a center leader confirms)"))),
    _text("close_reason", "办结理由", "Why close", required_if=("decision", ("close",))),
))

CONFIRM_CLOSE = Form("confirm_close", "不满意件办结确认", "Confirm closing a dissatisfied case", (
    Field("close_confirmed", "boolean", "同意办结归档", "Close and archive", required=True),
    _text("opinion", "确认意见", "Opinion", required_if=("close_confirmed", (False,))),
))

URGE = Form("urge", "督办", "Urge", (
    _text("opinion", "督办意见", "Opinion", required=True),
))

URGE_EVALUATION = Form("urge_evaluation", "督办评价", "Evaluate an urge's answer", (
    Field("evaluation", "choice", "评价", "Evaluation", required=True, options=(
        ("good", "好", "Good"), ("acceptable", "一般", "Acceptable"), ("poor", "差", "Poor"))),
    _text("note", "评价说明", "Note", required_if=("evaluation", ("poor",))),
))

URGE_ACK = Form("urge_ack", "督办反馈", "Answer an urge", (
    _text("response", "反馈", "Response", required=True),
))

FORMS: dict[str, Form] = {f.key: f for f in (
    INTAKE, TRIAGE, DISPATCH, SIGN_FOR, DECIDE_RETURN, HANDLE, DECIDE_EXTENSION, APPROVE_REPLY,
    CO_OPINION, REVIEW, VISIT, CONFIRM_CLOSE, URGE, URGE_ACK, URGE_EVALUATION, DECIDE_SUSPENSION, RESUME, ESCALATION, OVERTIME_REPORT)}


def get_form(key: str) -> Form:
    """The form with this key, or UnknownForm."""
    try:
        return FORMS[key]
    except KeyError:
        raise UnknownForm(key) from None
