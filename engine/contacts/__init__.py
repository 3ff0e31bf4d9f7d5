"""Contacts: one record per citizen or organisation, merged by normalised phone (issue 15).

Owns the contact (kind, names, address, classification, tags, notes, consent to SMS and to
outbound calls with when it was given), its phones (normalised, unique: a number belongs to one
contact — the merge rule), the links to the cases, call records and SMS seen with its numbers,
the audit of manual merges, and call notes (通话备注, on a call and its contact). The lower
domains never import it: the scheduler's `learn` job follows their tables by id and resolves
each number (`service.resolve`, find or create); pages resolve lazily too. `history` lists a
contact's calls, cases, SMS, notes and outbound attempts (an extension point the composition
root fills: `history.register_attempt_source`). `import_target.TARGET` is its Excel import
target (engine.imports). Masking: admins and analysts read contacts masked; department roles not at all.
"""
from engine.contacts import access, history, import_target, learn, merge, notes, phones, service

__all__ = ["access", "history", "import_target", "learn", "merge", "notes", "phones", "service"]
