"""Cases (工单): everything that happens to a citizen's request, from intake to archive.

Owns intake (`service.open_case`), the case actions of the lifecycle (`actions`: triage, dispatch,
sign for, return, co-handling opinions, extension, reply, review, visit), the generic work-item
action with claims (`work_items`), the unit of work that locks a case row and commits once
(`unit`), the task hooks that carry business rules at each step (`task_hooks`), the projections of
the workflow onto work items and case columns (`projections`), the audit trail (`audit`), urges
(督办), escalations, overtime reports and deadline reminders, merging repeat cases (并单) and the
duplicate check, case numbers and query codes (`numbering`), attachments, the combined query,
Chinese words search (`search`), what each case answered (`answers`), where a case stands on its
process diagram (`diagram`) and the citizens' public lookup. Imports `organisation`, `processes`,
`deadlines`, `notifications` and `screening` (intake flags risk words) through their public
surfaces; `telephony` and `documents` build on it.
"""
from engine.cases import actions, task_hooks
from engine.cases.answers import of_cases as answers_of
from engine.cases.attachments import MAX_AT_INTAKE as MAX_FILES_AT_INTAKE, check as check_attachment
from engine.cases.audit import record_many as record_events
from engine.cases.duplicates import suggest as suggest_duplicates
from engine.cases.intake_keys import open_case_once
from engine.cases.natural import of_case as natural_completion_of
from engine.cases.numbering import normalize_phone
from engine.cases.service import check_intake, find_case, get_case, open_case, open_case_step
from engine.cases.unit import case_action as locked_case_action

# The citizens' channels (engine.channels) open cases, check attached files, record events, find
# duplicates, and rate and re-examine through the case actions and their lock.
__all__ = ["MAX_FILES_AT_INTAKE", "actions", "answers_of", "check_attachment", "check_intake", "find_case",
           "get_case", "locked_case_action", "natural_completion_of", "normalize_phone", "open_case",
           "open_case_once", "open_case_step", "record_events", "suggest_duplicates", "task_hooks"]
