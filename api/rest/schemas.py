"""Response and query schemas of the REST API."""
from __future__ import annotations

from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields, validate

from api.inputs import MAX_PAGE
from api.rest.form_schema import schema_for
from engine.db import MAX_ID
from engine.models.case import CATEGORIES, CHANNELS, STATUSES
from forms import get_form

CaseCreateSchema = schema_for(get_form("intake"), "CaseCreate")
UrgeCreateSchema = schema_for(get_form("urge"), "UrgeCreate")


def Id(**kwargs) -> fields.Integer:
    """An id in a query or body: the id columns' range, so the database never sees another."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class UtcDateTime(fields.DateTime):
    """A moment in a response: stored as naive UTC, sent with its offset (RFC 3339 wants one)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class Moment(fields.DateTime):
    """A date-time filter between the years 1900 and 2999 (UTC); naive values are taken as UTC."""

    FIRST, LAST = datetime(1900, 1, 1, tzinfo=timezone.utc), datetime(3000, 1, 1, tzinfo=timezone.utc)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        try:
            inside = self.FIRST <= aware < self.LAST    # comparing converts the offset: may overflow
        except OverflowError:
            inside = False
        if not inside:
            raise ValidationError("must be between the years 1900 and 2999")
        return moment


class PagingSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class CaseQuerySchema(PagingSchema):
    q = fields.String(validate=validate.Length(max=100),
                      metadata={"description": "Words in the title, content or address; every "
                                "space-separated term must occur (Chinese substrings)."})
    case_no = fields.String()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    stage = fields.String()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    lead_department_id = Id()
    phone = fields.String()
    created_from = Moment()
    created_to = Moment()
    colour = fields.String(validate=validate.OneOf(["green", "yellow", "red"]))
    due_before = Moment()
    sort = fields.String(load_default="-created_at")


class IntakeHeadersSchema(Schema):
    """`Idempotency-Key`: send a repeat of a POST whose answer was lost with the same key, and the
    case it opened is answered again (never a second case; engine.cases.intake_keys)."""

    idempotency_key = fields.String(data_key="Idempotency-Key", validate=validate.Regexp(r"^[\x21-\x7e]{1,64}$"),
                                    metadata={"description": "1-64 visible ASCII characters, unique per request"})


class CaseCreatedSchema(Schema):
    id = fields.Integer()
    case_no = fields.String()
    query_code = fields.String()
    status = fields.String()
    stage = fields.String()
    version = fields.Integer()
    open_work_items = fields.List(fields.Nested(lambda: WorkItemSchema()), metadata={
        "description": "the case's open work items, oldest first (after intake: its triage), as a "
                       "completion answers them, so that the agent goes on without reading the case"})


class CaseDepartmentSchema(Schema):
    department_id = fields.Integer()
    department_name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    dispatch_round = fields.Integer()
    signed_at = UtcDateTime(allow_none=True)
    opinion = fields.String(allow_none=True)
    opinion_at = UtcDateTime(allow_none=True)


class UrgeSchema(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    actor_id = fields.Integer()
    department_id = fields.Integer(allow_none=True)
    opinion = fields.String()
    stage = fields.String()
    created_at = UtcDateTime()
    acknowledged_at = UtcDateTime(allow_none=True)
    response = fields.String(allow_none=True)


class CaseSummarySchema(Schema):
    id = fields.Integer()
    case_no = fields.String()
    version = fields.Integer()
    status = fields.String()
    stage = fields.String()
    outcome = fields.String(allow_none=True)
    category = fields.String()
    channel = fields.String()
    title = fields.String()
    citizen_name = fields.String()
    citizen_gender = fields.String(metadata={"description": "male | female | empty"})
    phone = fields.String()
    address = fields.String()
    confidential = fields.Boolean()
    matter_id = fields.Integer(allow_none=True, metadata={"description": "the matter catalogue node (事项分类)"})
    area_id = fields.Integer(allow_none=True, metadata={"description": "the district, street or community it is in"})
    urgency = fields.String(metadata={"description": "normal | urgent | very_urgent"})
    wants_callback = fields.Boolean(metadata={"description": "the citizen wants a call back with the answer"})
    wants_sms_reply = fields.Boolean(metadata={"description": "the reply text in the SMS that tells the citizen of the reply (every citizen is told; without this, the SMS points to the lookup)"})
    dispatch_mode = fields.String(allow_none=True)
    handling_kind = fields.String(allow_none=True, metadata={"description": "immediate (即办件) or committed (承诺件), set at triage"})
    lead_department_id = fields.Integer(allow_none=True)
    sign_due_at = UtcDateTime(allow_none=True)
    handle_due_at = UtcDateTime(allow_none=True)
    due_at = UtcDateTime(allow_none=True, metadata={"description": "the binding deadline now (UTC)"})
    warn_at = UtcDateTime(allow_none=True)
    colour = fields.String(allow_none=True, metadata={"description": "green | yellow | red"})
    due_provisional = fields.Boolean(metadata={"description": "due date falls in a year without a confirmed calendar"})
    suspended = fields.Boolean()
    urge_count = fields.Integer()
    reopen_count = fields.Integer()
    return_count = fields.Integer()
    extension_count = fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)


class CaseStepSchema(CaseSummarySchema):
    """A completion's answer: the case after the step and what is open on it now."""
    open_work_items = fields.List(fields.Nested(lambda: WorkItemSchema()), metadata={
        "description": "the case's open work items now, oldest first; a completion answers them "
                       "so that a client goes on to the next step without reading the case again"})


class CaseDetailSchema(CaseStepSchema):
    query_code = fields.String(allow_none=True)
    content = fields.String()
    process_version_id = fields.Integer()
    departments = fields.List(fields.Nested(CaseDepartmentSchema))
    urges = fields.List(fields.Nested(UrgeSchema))


class CaseListSchema(Schema):
    items = fields.List(fields.Nested(CaseSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class EventSchema(Schema):
    id = fields.Integer()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String(allow_none=True)
    data = fields.Dict()
    created_at = UtcDateTime()


class WorkItemSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    case_no = fields.String()
    case_title = fields.String()
    category = fields.String()
    urgency = fields.String(metadata={"description": "the case's urgency (in inbox lists): normal | urgent | very_urgent"})
    case_version = fields.Integer()
    kind = fields.String()
    task_name = fields.String()
    title = fields.String()
    form_key = fields.String()
    stage = fields.String()
    role = fields.String()
    department_id = fields.Integer(allow_none=True)
    state = fields.String()
    claimed_by_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime()
    due_at = UtcDateTime(allow_none=True)
    warn_at = UtcDateTime(allow_none=True)
    colour = fields.String(allow_none=True)
    due_provisional = fields.Boolean()


class WorkItemQuerySchema(PagingSchema):
    scope = fields.String(load_default="mine", validate=validate.OneOf(["mine", "department", "all"]))
    state = fields.String(load_default="open", validate=validate.OneOf(["open", "done", "cancelled"]))
    stage = fields.String()
    case_id = Id()
    colour = fields.String(validate=validate.OneOf(["green", "yellow", "red"]))
    due_before = Moment()
    sort = fields.String(load_default="created_at")


class WorkItemListSchema(Schema):
    items = fields.List(fields.Nested(WorkItemSchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class FormFieldSchema(Schema):
    name = fields.String()
    type = fields.String()
    required = fields.Boolean()
    label = fields.String()
    options = fields.List(fields.Dict())
    required_if = fields.Dict()
    max_length = fields.Integer()
    min_value = fields.Integer()
    max_value = fields.Integer()
    pattern = fields.String()
    default = fields.Raw()


class FormSchema(Schema):
    key = fields.String()
    title = fields.String()
    fields = fields.List(fields.Nested(FormFieldSchema))


class CompleteSchema(Schema):
    data = fields.Dict(load_default=dict, metadata={"description": "the task form's fields"})
    version = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), strict=True,
                             metadata={"description": "the case version you saw; 409 if it changed"})


class LangSchema(Schema):
    lang = fields.String(load_default="zh", validate=validate.OneOf(["zh", "en"]))


class DeadlineSchema(Schema):
    id = fields.Integer()
    stage = fields.String()
    department_id = fields.Integer()
    department_name = fields.String()
    role = fields.String()
    round = fields.Integer()
    started_at = UtcDateTime()
    working_days = fields.Integer()
    due_at = UtcDateTime()
    warn_at = UtcDateTime()
    provisional = fields.Boolean()
    colour = fields.String()
    state = fields.String()
    paused_days = fields.Integer()
    completed_at = UtcDateTime(allow_none=True)


OvertimeReportCreateSchema = schema_for(get_form("overtime_report"), "OvertimeReportCreate")


class OvertimeReportSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    deadline_id = fields.Integer()
    reason = fields.String()
    measures = fields.String()
    actor_id = fields.Integer()
    created_at = UtcDateTime()


class ParameterSchema(Schema):
    name = fields.String()
    value = fields.Raw()
    default = fields.Raw()


class ParameterUpdateSchema(Schema):
    value = fields.Raw(required=True)
    reason = fields.String(load_default="")
