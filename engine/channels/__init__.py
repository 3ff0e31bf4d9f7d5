"""Channels (多渠道受理): the citizens' own ways in, beside the phone and the agent's desk.

Owns the one intake door every citizen channel goes through (`intake.open_from_channel`): the web
form (/submit), inbound SMS, the mayor's mailbox (IMAP poller and .eml upload) and the Open311
GeoReport v2 interface for apps, WeChat and partner sites. A request from a channel is registered
by the channel itself (no agent, so no first contact until triage takes it), waits in triage like a
desk intake, and carries the probable duplicates the desk's check finds across every channel, so
triage merges instead of dispatching one problem twice. Imports `organisation`, `processes`,
`deadlines`, `notifications` and `cases` through their public surfaces.
"""
from engine.channels import reexamination_hooks  # noqa: F401  (the re-examination forms' task hooks)
from engine.channels.intake import CHANNEL_ACTOR_NAME, open_from_channel, probable_duplicates, suspected_of

__all__ = ["CHANNEL_ACTOR_NAME", "open_from_channel", "probable_duplicates", "suspected_of"]
