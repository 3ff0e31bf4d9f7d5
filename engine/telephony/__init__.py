"""Telephony (the call center) as the engine sees it: call records and their outcomes.

Owns the call records the worker writes (one per call, loss stage decided once), the live side
shared with the web (`live`: screen-pop feed, agent phone states, queued switch commands, posted
CDRs, the live snapshot, voicemail turned into cases) and the call center's use cases for people
(`call_center`: seats, screen pop history, click-to-call, three-way calls, callbacks, smart
dissuasion, the wallboard). The Event Socket itself is the top-level `telephony/` package;
the two meet only through these tables. Builds on `cases`; nothing in the engine depends on it.
"""

from engine.telephony import call_center

# Outbound campaigns (engine.campaigns) dial their targets through it (call_center.dial_number).
__all__: list[str] = ["call_center"]
