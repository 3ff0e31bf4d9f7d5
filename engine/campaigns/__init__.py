"""Outbound campaigns (外呼任务): lists of calls assigned to agents, attempts, retries (issue 15).

Owns the campaign (name, purpose — general, satisfaction re-visit 回访 or dissuasion callback
劝阻回拨 —, owner, state draft → running ↔ paused → finished, assignment evenly or by skill, the
retry rule), its agents with their skill tags (`assignment`: who calls whom, and moving the calls
of an agent who is away), its targets and their list (`targets`: a row's validation for the
Excel import, idempotent adding per normalised phone, a pasted list, the cases waiting for their
visit, the callback list), the agent's queue with click-to-call and the result of every attempt
(`calling`: the retry rule; a reached re-visit leads to the case's own visit form), the progress
figures (`progress`) and the scheduler's upkeep (`jobs`). Dials through `telephony`'s command
table and reads the cases' visit work items; imports `organisation`, `cases` and `telephony`
through their public surfaces.
"""
from engine.campaigns import assignment, calling, contact_history, jobs, list_import, progress, service, targets
from engine.campaigns.calling import attempts_by_phone
from engine.campaigns.demo_data import seed_demo
from engine.campaigns.targets import LIST_FIELDS, add_list_rows, validate_list_row

__all__ = ["LIST_FIELDS", "add_list_rows", "assignment", "attempts_by_phone", "calling", "contact_history", "jobs",
           "list_import", "progress", "seed_demo", "service", "targets", "validate_list_row"]
