"""/api/v1/calendar: working-day arithmetic for everyone, calendar edits for admins."""
from __future__ import annotations

from datetime import date, datetime

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.auth import current_actor
from api.rest.blueprint import Blueprint
from api.rest.schemas import UtcDateTime
from engine.deadlines import calendar
from engine.errors import ValidationFailed
from forms.messages import msg

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar",
                description="Working-day calendar (holidays, 调休 make-up days)")


class WorkingDaysQuerySchema(Schema):
    start = fields.Date(required=True, metadata={"description": "YYYY-MM-DD; counting starts the next day"})
    days = fields.Integer(required=True, validate=validate.Range(min=0, max=calendar.MAX_DAYS))


class WorkingDaysSchema(Schema):
    start = fields.Date()
    days = fields.Integer()
    date = fields.Date(metadata={"description": "the days-th working day after start"})
    provisional = fields.Boolean(metadata={"description": "a year without a confirmed calendar was counted"})


class CalendarDaySchema(Schema):
    day = fields.Date()
    kind = fields.String(metadata={"description": "workday | holiday"})
    label = fields.String()


class CalendarYearSchema(Schema):
    year = fields.Integer()
    status = fields.String(metadata={"description": "provisional | confirmed"})
    source = fields.String(allow_none=True, metadata={"description": "chinesecalendar | admin; null: no data"})
    confirmed_at = UtcDateTime(allow_none=True)
    exceptions = fields.List(fields.Nested(CalendarDaySchema), metadata={"description": "days that break Mon-Fri"})


class DaySetSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(calendar.KINDS))
    label = fields.String(load_default="", validate=validate.Length(max=calendar.LABEL_MAX))
    reason = fields.String(load_default="")


class ConfirmSchema(Schema):
    reason = fields.String(load_default="")


@blp.route("/working-days")
class WorkingDays(MethodView):
    @blp.arguments(WorkingDaysQuerySchema, location="query")
    @blp.response(200, WorkingDaysSchema)
    def get(self, args):
        """The N-th working day after a date (statutory calendar), and whether it is provisional."""
        current_actor()
        return calendar.working_days(args["start"], args["days"])


@blp.route("/years/<year:year>")
class Year(MethodView):
    @blp.response(200, CalendarYearSchema)
    def get(self, year):
        """A year's status and its exceptions to the Mon-Fri rule."""
        current_actor()
        return calendar.show_year(year)


@blp.route("/years/<year:year>/confirm")
class YearConfirm(MethodView):
    @blp.arguments(ConfirmSchema, required=False)
    @blp.response(200, CalendarYearSchema)
    def post(self, data, year):
        """Mark a year confirmed (admin); 422 when the year has no data."""
        return calendar.confirm_year(actor=current_actor(), year=year, reason=(data or {}).get("reason", ""))


@blp.route("/days/<day>")
class Day(MethodView):
    @blp.arguments(DaySetSchema)
    @blp.response(200, CalendarDaySchema)
    def put(self, data, day):
        """Make a day a workday or a holiday (admin); audited, effective at once."""
        actor = current_actor()
        parsed = _parse_day(day)
        result = calendar.set_day(actor=actor, day=parsed, kind=data["kind"], label=data["label"],
                                  reason=data["reason"])
        return {"day": parsed, **result}


def _parse_day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailed({"day": [msg("not_a_date", "must be a date (YYYY-MM-DD)")]}) from None
