"""/api/v1/notifications: the SMS outbox — what was sent, what is retrying, what died."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from api.auth import current_actor
from api.rest.blueprint import Blueprint
from api.rest.schemas import Id, PagingSchema, UtcDateTime
from engine.models.notification import KINDS, STATUSES
from engine.notifications import outbox as notifications

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="Notifications (短信发件箱)")


@blp.record_once
def _configure(state) -> None:
    # The engine reads no Flask config; the app hands it the signature once, at registration.
    signature = state.app.config.get("SMS_SIGNATURE") or notifications.DEFAULT_SIGNATURE
    notifications.configure(signature=signature)


class NotificationQuerySchema(PagingSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    case_id = Id()


class NotificationSchema(Schema):
    id = fields.Integer()
    channel = fields.String()
    kind = fields.String()
    recipient = fields.String(metadata={"description": "phone number, masked (138****8000)"})
    user_id = fields.Integer(allow_none=True)
    case_id = fields.Integer(allow_none=True)
    body = fields.String(metadata={"description": "the text; a case's query code is blanked out"})
    status = fields.String(metadata={"description": "pending | retrying | sent | dead"})
    attempts = fields.Integer()
    next_attempt_at = UtcDateTime()
    last_error = fields.String(allow_none=True)
    provider_id = fields.String(allow_none=True)
    created_at = UtcDateTime()
    sent_at = UtcDateTime(allow_none=True)


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


@blp.route("")
class Notifications(MethodView):
    @blp.arguments(NotificationQuerySchema, location="query")
    @blp.response(200, NotificationListSchema)
    def get(self, args):
        """The outbox, newest first; filter by status (e.g. `dead`), kind, case (admin, shift lead)."""
        return notifications.list_notifications(actor=current_actor(), **args)


@blp.route("/<id:notification_id>/retry")
class NotificationRetry(MethodView):
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Queue a dead message again, due now (admin); 409 unless it is dead."""
        return notifications.retry(actor=current_actor(), notification_id=notification_id)
