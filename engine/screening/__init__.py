"""Screening (社会风险评估研判 / 矛盾纠纷排查): finding social risks in what citizens report.

Owns the keyword lists per risk type (群体事件, 信访, 征地拆迁, 劳资欠薪 …), edited by the
center's leaders, supervisors and admins with an audit row per change (`risk_types`); the
screening of every new case at intake, which flags it with the matched risk types and words in
intake's own transaction (`flag_case`, compiled once per change of the lists by `matcher`); the
console's list of flagged cases (`flags`) and its spikes — a category, matter or area whose latest
week exceeds its 8-week mean by a parameter's factor (`spikes`); and the manual 矛盾纠纷排查表 of
disputes found off-line (`disputes`). Access: the center's leaders, supervisors, shift leads and
admins see every department; a department leader sees its subtree; department leaders and
handlers register disputes for their own subtree. Imports only `organisation`.
"""
from engine.screening import access, disputes, flags, risk_types, spikes
from engine.screening.flags import flag_case

__all__ = ["access", "disputes", "flag_case", "flags", "risk_types", "spikes"]
