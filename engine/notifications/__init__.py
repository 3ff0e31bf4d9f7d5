"""Notifications: the SMS outbox.

Owns every message the hotline sends (receipts with the case number and query code, the
citizen's notices (送达: the reply, an extension, a re-dispatch, closure; `notices`), deadline
reminders, digests): queued in the sender's transaction with a dedupe key so nothing is sent
twice, delivered by the scheduler through the SMS gateway port with retries and back-off, listed
and retried by the center's staff. Imports only `organisation`.
"""
from engine.notifications import notices
from engine.notifications.outbox import (
    enqueue,
    enqueue_to_user,
    queue_receipt,
    signature,  # the SMS signature other domains' texts start with
)

__all__ = ["enqueue", "enqueue_to_user", "notices", "queue_receipt", "signature"]
