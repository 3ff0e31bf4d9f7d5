"""Statistics: the hotline's KPIs (考核指标), defined once and computed set-based.

Owns the definitions of docs/STATISTICS.md — connection and 15-second answer rates, call loss by
stage and the mean queue wait (from call records); intake volume, on-time sign-for and
completion rates, overdue cases, extension, return, first-time resolution, satisfaction, visit
and repeat-call rates, urged cases and their completion (from cases, deadlines, urges and the
audit trail) — over a period of Shanghai calendar days, narrowed by department subtree, category,
channel and area. Each figure is a handful of aggregate queries on the tables (`engine.models`),
never a loop over cases. It writes nothing. Access: the center's leaders, supervisors, shift
leads and admins see every department; a department leader sees its own subtree. It imports
only `organisation` (roles, scope), so pages, reports and exports built later all read the same
numbers.
"""
from engine.statistics.kpis import CALL_CODES, CASE_CODES, Kpi, compute

__all__ = ["CALL_CODES", "CASE_CODES", "Kpi", "compute"]
