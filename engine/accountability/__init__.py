"""Accountability (责任追究, seed 5): violations the system can see, and the leaders' decisions.

Owns the accountability records: the scheduler's job (`detection.find`) records each violation of
the time-limit rules once — a lead's handling limit run past without an extension asked in time,
an extension told to the citizen after the limit, a decision told more than one working day
late, a case returned for wrong dispatch more than `accountability.max_returns` times — with the
person answerable, their department and the evidence (case events, the deadline). A center
leader or the leader of the person's department decides once on each, from the admin's list
(`accountability.decisions`) with a reason (`records`). `monthly` counts them per department by
rule and by decision. Reads the case, event and deadline tables directly (engine.models); imports
`organisation` and `deadlines`. The first-contact person (首问责任人) is the cases' own
(engine.cases.first_contact).
"""
from engine.accountability import detection, records
from engine.accountability.monthly import Report, monthly
from engine.accountability.records import Filters, decide, decisions
from engine.models.accountability import RULES

__all__ = ["RULES", "Filters", "Report", "decide", "decisions", "detection", "monthly", "records"]
