"""Notifications: the SMS outbox.

Owns every message the hotline sends (receipts with the case number and query code, the reply
at closing where the citizen asked for it, deadline reminders, digests): queued in the sender's transaction with a dedupe key so nothing is sent
twice, delivered by the scheduler through the SMS gateway port with retries and back-off, listed
and retried by the center's staff. Imports only `organisation`.
"""
from engine.notifications.outbox import enqueue, queue_closing, queue_receipt

__all__ = ["enqueue", "queue_closing", "queue_receipt"]
